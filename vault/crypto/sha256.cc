#include "vault/crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "vault/base/hex.h"

namespace vault {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Allocation failure or a missing SHA-256 implementation leaves no safe
  // way to compute integrity hashes; fail loudly rather than record garbage.
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(const uint8_t* data, size_t len) {
  if (len > 0 && EVP_DigestUpdate(ctx_, data, len) != 1) std::abort();
}

Sha256::Digest Sha256::Final() {
  Digest d{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_, d.data(), &n) != 1 || n != d.size()) std::abort();
  return d;
}

std::string Sha256::HexOf(const std::string& data) {
  Sha256 h;
  h.Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  Digest d = h.Final();
  return HexEncode(d.data(), d.size());
}

}  // namespace vault
