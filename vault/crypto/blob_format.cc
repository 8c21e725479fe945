#include "vault/crypto/blob_format.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace vault {
namespace {

constexpr uint8_t kMagic[4] = {'S', 'A', 'V', 'B'};
constexpr char kPayloadLabel[] = "sales-vault blob v1 payload key";
constexpr char kHeaderMacLabel[] = "sales-vault blob v1 header mac";

void PutU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

uint32_t GetU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// BLAKE2b-256 keyed by the data key over label || header body.
std::array<uint8_t, 32> Derive(const SecretKey& key, const char* label, const uint8_t* body) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.secret_bytes(), SecretKey::kSize, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(label), std::strlen(label));
  crypto_generichash_update(&st, body, blob_format::kHeaderBodySize);
  std::array<uint8_t, 32> out{};
  crypto_generichash_final(&st, out.data(), out.size());
  sodium_memzero(&st, sizeof st);
  return out;
}

void ChunkNonce(uint64_t index, bool final, uint8_t nonce[12]) {
  std::memset(nonce, 0, 12);
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<uint8_t>(index >> (8 * i));
  nonce[11] = final ? 1 : 0;
}

// One reusable OpenSSL cipher context per thread. The chunk AEAD is RFC 8439
// ChaCha20-Poly1305, byte for byte what libsodium's _ietf functions compute
// (tests/crypto/chunk_aead_interop_test.cc checks both ways); OpenSSL's
// AVX-512 code runs it about 3x faster here (docs/benchmarks.md).
EVP_CIPHER_CTX* ThreadCipherContext() {
  struct Holder {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ~Holder() { EVP_CIPHER_CTX_free(ctx); }
  };
  thread_local Holder holder;
  if (holder.ctx == nullptr) std::abort();  // out of memory: no safe way on
  return holder.ctx;
}

SecretKey PayloadKey(const SecretKey& data_key, const uint8_t* header_body) {
  std::array<uint8_t, 32> k = Derive(data_key, kPayloadLabel, header_body);
  SecretKey key = SecretKey::FromBytes(k.data());
  sodium_memzero(k.data(), k.size());
  return key;
}

}  // namespace

namespace blob_format {

uint64_t ChunkCount(uint64_t plaintext_size) {
  if (plaintext_size == 0) return 1;
  return (plaintext_size + kChunkSize - 1) / kChunkSize;
}

uint64_t BlobSize(uint64_t plaintext_size) {
  return kHeaderSize + plaintext_size + ChunkCount(plaintext_size) * kTagSize;
}

}  // namespace blob_format

StatusOr<BlobLayout> LayoutForBlobSize(uint64_t blob_size) {
  using namespace blob_format;
  if (blob_size < kHeaderSize) {
    return DataLossError("blob.truncated_header", "blob is shorter than its 80-byte header");
  }
  uint64_t body = blob_size - kHeaderSize;
  if (body == 0) {
    return DataLossError("blob.missing_final_chunk", "blob has a header but no chunks");
  }
  BlobLayout layout;
  uint64_t full = body / kSealedChunkSize;
  uint64_t rem = body % kSealedChunkSize;
  layout.chunk_count = rem == 0 ? full : full + 1;
  layout.last_sealed_size = rem == 0 ? kSealedChunkSize : rem;
  return layout;
}

namespace {

std::array<uint8_t, blob_format::kHeaderSize> BuildHeader(const SecretKey& data_key,
                                                          const BlobBinding& binding,
                                                          const std::array<uint8_t, 16>& nonce) {
  std::array<uint8_t, blob_format::kHeaderSize> header{};
  uint8_t* h = header.data();
  std::memcpy(h, kMagic, 4);
  h[4] = blob_format::kFormatVersion;
  h[5] = blob_format::kAlgorithmChaCha20Poly1305Stream;
  h[6] = 0;
  h[7] = 0;
  PutU32(h + 8, static_cast<uint32_t>(blob_format::kChunkSize));
  std::memcpy(h + 12, binding.document_id.data(), blob_format::kDocumentIdSize);
  PutU32(h + 28, binding.version);
  std::memcpy(h + 32, nonce.data(), nonce.size());
  std::array<uint8_t, 32> mac = Derive(data_key, kHeaderMacLabel, h);
  std::memcpy(h + blob_format::kHeaderBodySize, mac.data(), mac.size());
  return header;
}

}  // namespace

BlobSealer::BlobSealer(const SecretKey& data_key, const BlobBinding& binding,
                       const std::array<uint8_t, 16>& nonce)
    : header_(BuildHeader(data_key, binding, nonce)),
      payload_key_(PayloadKey(data_key, header_.data())) {}

BlobSealer BlobSealer::WithRandomNonce(const SecretKey& data_key, const BlobBinding& binding) {
  std::array<uint8_t, 16> nonce{};
  RandomBytes(nonce.data(), nonce.size());
  return BlobSealer(data_key, binding, nonce);
}

void BlobSealer::SealChunk(uint64_t index, bool final, const uint8_t* in, size_t len,
                           uint8_t* out) const {
  uint8_t nonce[12];
  ChunkNonce(index, final, nonce);
  EVP_CIPHER_CTX* ctx = ThreadCipherContext();
  int n = 0, fin = 0;
  // These calls fail only on allocation failure or misuse (fixed sizes here).
  if (EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, payload_key_.secret_bytes(),
                         nonce) != 1 ||
      (len > 0 && EVP_EncryptUpdate(ctx, out, &n, in, static_cast<int>(len)) != 1) ||
      EVP_EncryptFinal_ex(ctx, out + n, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, blob_format::kTagSize, out + len) != 1) {
    std::abort();
  }
}

StatusOr<BlobOpener> BlobOpener::Open(const SecretKey& data_key, const uint8_t* header,
                                      size_t header_len, const BlobBinding& expected) {
  if (header_len < blob_format::kHeaderSize) {
    return DataLossError("blob.truncated_header", "blob is shorter than its 80-byte header");
  }
  if (std::memcmp(header, kMagic, 4) != 0) {
    return DataLossError("blob.bad_magic", "not a vault blob (bad magic)");
  }
  if (header[4] != blob_format::kFormatVersion) {
    return DataLossError("blob.unsupported_version",
                         "unsupported blob format version " + std::to_string(header[4]));
  }
  if (header[5] != blob_format::kAlgorithmChaCha20Poly1305Stream || header[6] != 0 ||
      header[7] != 0 || GetU32(header + 8) != blob_format::kChunkSize) {
    return DataLossError("blob.unsupported_algorithm",
                         "unsupported algorithm, reserved bytes or chunk size");
  }
  std::array<uint8_t, 32> mac = Derive(data_key, kHeaderMacLabel, header);
  if (!ConstantTimeEquals(mac.data(), header + blob_format::kHeaderBodySize, mac.size())) {
    return DataLossError("blob.header_auth_failed",
                         "blob header failed authentication (tampered header or wrong key)");
  }
  if (!ConstantTimeEquals(header + 12, expected.document_id.data(),
                          blob_format::kDocumentIdSize) ||
      GetU32(header + 28) != expected.version) {
    return DataLossError("blob.document_mismatch",
                         "blob belongs to a different document or version");
  }
  return BlobOpener(PayloadKey(data_key, header));
}

bool BlobOpener::TryOpen(uint64_t index, bool final, const uint8_t* sealed, size_t sealed_len,
                         uint8_t* out) const {
  if (sealed_len < blob_format::kTagSize || sealed_len > blob_format::kSealedChunkSize) {
    return false;
  }
  uint8_t nonce[12];
  ChunkNonce(index, final, nonce);
  const size_t len = sealed_len - blob_format::kTagSize;
  EVP_CIPHER_CTX* ctx = ThreadCipherContext();
  uint8_t tag[blob_format::kTagSize];
  std::memcpy(tag, sealed + len, sizeof tag);
  int n = 0, fin = 0;
  // OpenSSL decrypts into `out` before it checks the tag (in constant time,
  // in Final). `out` is our private buffer: callers release it only when this
  // returns true, and OpenChunk wipes it otherwise.
  bool ok = EVP_DecryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, payload_key_.secret_bytes(),
                               nonce) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, sizeof tag, tag) == 1 &&
            (len == 0 || EVP_DecryptUpdate(ctx, out, &n, sealed, static_cast<int>(len)) == 1) &&
            EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1;
  return ok;
}

Status BlobOpener::OpenChunk(uint64_t index, bool final, const uint8_t* sealed, size_t sealed_len,
                             uint8_t* out) const {
  if (TryOpen(index, final, sealed, sealed_len, out)) return Status::Ok();
  if (sealed_len > blob_format::kTagSize) {
    sodium_memzero(out, sealed_len - blob_format::kTagSize);
  }
  return DataLossError("blob.chunk_auth_failed",
                       "chunk " + std::to_string(index) + " failed authentication");
}

bool BlobOpener::OpensAsNonFinal(uint64_t index, const uint8_t* sealed, size_t sealed_len) const {
  std::vector<uint8_t> scratch(sealed_len);
  bool ok = TryOpen(index, false, sealed, sealed_len, scratch.data());
  sodium_memzero(scratch.data(), scratch.size());
  return ok;
}

bool BlobOpener::OpensAsFinal(uint64_t index, const uint8_t* sealed, size_t sealed_len) const {
  std::vector<uint8_t> scratch(sealed_len);
  bool ok = TryOpen(index, true, sealed, sealed_len, scratch.data());
  sodium_memzero(scratch.data(), scratch.size());
  return ok;
}

}  // namespace vault
