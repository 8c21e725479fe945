#include "vault/crypto/secret_key.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace vault {
namespace {

// sodium_init() is idempotent and thread-safe; call it before first use.
void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // no safe way to continue without a CSPRNG
}

}  // namespace

SecretKey SecretKey::Random() {
  EnsureSodium();
  SecretKey k;
  randombytes_buf(k.bytes_.data(), kSize);
  return k;
}

SecretKey SecretKey::FromBytes(const uint8_t* bytes) {
  SecretKey k;
  std::memcpy(k.bytes_.data(), bytes, kSize);
  return k;
}

SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}

SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), kSize);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), kSize);
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), kSize); }

bool ConstantTimeEquals(const uint8_t* a, const uint8_t* b, size_t len) {
  return sodium_memcmp(a, b, len) == 0;
}

void RandomBytes(uint8_t* buf, size_t len) {
  EnsureSodium();
  randombytes_buf(buf, len);
}

}  // namespace vault
