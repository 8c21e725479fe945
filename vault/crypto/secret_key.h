// SecretKey: 32 bytes of key material that wipe themselves.
//
// Key bytes live only inside SecretKey values; they are zeroed with
// sodium_memzero when the value dies or is moved from. Code outside
// vault/crypto and vault/keys holds DataKey / key-ring handles, never bytes.
// The accessor is named secret_bytes() so every use can be found with grep.
//
// Thread-safety: immutable after construction; safe to share const refs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace vault {

class SecretKey {
 public:
  static constexpr size_t kSize = 32;

  // A fresh key from the OS CSPRNG (libsodium randombytes).
  static SecretKey Random();
  // Copies `kSize` bytes from `bytes`.
  static SecretKey FromBytes(const uint8_t* bytes);

  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  const uint8_t* secret_bytes() const { return bytes_.data(); }

 private:
  SecretKey() = default;
  std::array<uint8_t, kSize> bytes_{};
};

// Constant-time equality for secrets and MACs.
bool ConstantTimeEquals(const uint8_t* a, const uint8_t* b, size_t len);

// Fills `buf` from the OS CSPRNG.
void RandomBytes(uint8_t* buf, size_t len);

}  // namespace vault
