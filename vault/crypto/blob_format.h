// Blob format v1: the on-disk encoding of one document version's content.
//
// Specified in docs/format-v1.md; this file is its only implementation.
// A blob is an 80-byte header followed by a STREAM of ChaCha20-Poly1305
// (IETF) chunks of 64 KiB plaintext each. The nonce of chunk i is the
// 11-byte big-endian counter i followed by a final-flag byte, so truncation,
// reordering and appended data are detected. The payload key and the header
// MAC are derived from the version's data key and the header bytes, which
// binds every chunk to the document id and version named in the header.
//
// Chunks seal and open independently: callers may process them on several
// threads and a reader may open any chunk on demand.
//
// Thread-safety: BlobSealer and BlobOpener are immutable after creation and
// safe to use from several threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/base/status.h"
#include "vault/crypto/secret_key.h"

namespace vault {

namespace blob_format {
constexpr size_t kHeaderSize = 80;
constexpr size_t kHeaderBodySize = 48;  // bytes covered by the header MAC
constexpr size_t kChunkSize = 64 * 1024;
constexpr size_t kTagSize = 16;
constexpr size_t kSealedChunkSize = kChunkSize + kTagSize;
constexpr size_t kDocumentIdSize = 16;
constexpr uint8_t kFormatVersion = 1;
constexpr uint8_t kAlgorithmChaCha20Poly1305Stream = 1;

// Number of chunks used for a plaintext of `size` bytes (at least 1).
uint64_t ChunkCount(uint64_t plaintext_size);
// Total blob size for a plaintext of `size` bytes.
uint64_t BlobSize(uint64_t plaintext_size);
}  // namespace blob_format

using DocumentIdBytes = std::array<uint8_t, blob_format::kDocumentIdSize>;

// What the header names; a reader compares it with what it expects.
struct BlobBinding {
  DocumentIdBytes document_id{};
  uint32_t version = 0;
};

// Chunk layout implied by a blob's total size. Every chunk but the last is
// kSealedChunkSize bytes; the last is `last_sealed_size` bytes, which may be
// malformed (shorter than a tag): readers report that when they reach it, so
// that an earlier, more precise error (e.g. data after the final chunk) wins.
struct BlobLayout {
  uint64_t chunk_count = 0;
  uint64_t last_sealed_size = 0;
  uint64_t SealedSize(uint64_t index) const {
    return index + 1 == chunk_count ? last_sealed_size : blob_format::kSealedChunkSize;
  }
  uint64_t Offset(uint64_t index) const {
    return blob_format::kHeaderSize + index * blob_format::kSealedChunkSize;
  }
};

// Fails with blob.truncated_header (shorter than the header) or
// blob.missing_final_chunk (a header and no chunk at all).
StatusOr<BlobLayout> LayoutForBlobSize(uint64_t blob_size);

class BlobSealer {
 public:
  // `nonce` is 16 fresh random bytes; tests pass fixed ones for vectors.
  BlobSealer(const SecretKey& data_key, const BlobBinding& binding,
             const std::array<uint8_t, 16>& nonce);
  static BlobSealer WithRandomNonce(const SecretKey& data_key, const BlobBinding& binding);

  const std::array<uint8_t, blob_format::kHeaderSize>& header() const { return header_; }

  // Seals `len` <= kChunkSize bytes into `out`, which has room for len + 16.
  void SealChunk(uint64_t index, bool final, const uint8_t* in, size_t len, uint8_t* out) const;

 private:
  std::array<uint8_t, blob_format::kHeaderSize> header_{};
  SecretKey payload_key_;
};

class BlobOpener {
 public:
  // Parses and authenticates a header. Fails with blob.truncated_header,
  // blob.bad_magic, blob.unsupported_version, blob.unsupported_algorithm,
  // blob.header_auth_failed (also a wrong key) or blob.document_mismatch.
  static StatusOr<BlobOpener> Open(const SecretKey& data_key, const uint8_t* header,
                                   size_t header_len, const BlobBinding& expected);

  // Authenticates and decrypts one sealed chunk of `sealed_len` bytes into
  // `out` (room for sealed_len - 16). On failure `out` is zeroed and the
  // error is blob.chunk_auth_failed; plaintext is released only after the tag
  // has been verified.
  Status OpenChunk(uint64_t index, bool final, const uint8_t* sealed, size_t sealed_len,
                   uint8_t* out) const;

  // For the chunk at the end of the blob that failed to open as final:
  // tells whether it opens as a non-final chunk (the final chunk is missing).
  bool OpensAsNonFinal(uint64_t index, const uint8_t* sealed, size_t sealed_len) const;
  // For a chunk followed by more data that failed to open as non-final:
  // tells whether it opens as the final chunk (data after the final chunk).
  bool OpensAsFinal(uint64_t index, const uint8_t* sealed, size_t sealed_len) const;

 private:
  explicit BlobOpener(SecretKey payload_key) : payload_key_(std::move(payload_key)) {}
  bool TryOpen(uint64_t index, bool final, const uint8_t* sealed, size_t sealed_len,
               uint8_t* out) const;
  SecretKey payload_key_;
};

}  // namespace vault
