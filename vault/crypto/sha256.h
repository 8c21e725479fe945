// Incremental SHA-256 over OpenSSL's EVP (uses the CPU's SHA extensions).
//
// Used for the plaintext hash recorded at ingest, which auditors recompute
// with `sha256sum`. Not thread-safe: one instance per stream.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

struct evp_md_ctx_st;

namespace vault {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const uint8_t* data, size_t len);
  // Finishes the hash; the object must not be updated afterwards.
  Digest Final();

  static std::string HexOf(const std::string& data);

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace vault
