// Sealing a whole content stream into a blob, and opening a blob back.
//
// Sealing runs a bounded three-thread pipeline (1 MiB batches, four
// buffers): reading and sealing, SHA-256, and writing overlap on both cores.
// Opening runs on the caller's thread over 128 KiB batches: with the chunk
// AEAD at ~4 GB/s, keeping the plaintext hot in one core's cache beats a
// second thread. Memory stays constant whatever the content size.
//
// Thread-safety: each call is self-contained; callers may run several at once.
#pragma once

#include <cstdint>

#include "vault/base/byte_stream.h"
#include "vault/base/status.h"
#include "vault/crypto/blob_format.h"
#include "vault/crypto/sha256.h"
#include "vault/storage/blob_store.h"

namespace vault {

struct SealResult {
  uint64_t plaintext_size = 0;
  uint64_t blob_size = 0;
  Sha256::Digest sha256{};  // of the plaintext
};

// Writes header and chunks of all of `source` to `writer` (not committed).
StatusOr<SealResult> SealStream(const BlobSealer& sealer, ByteSource& source, BlobWriter& writer);

struct OpenResult {
  uint64_t plaintext_size = 0;
  Sha256::Digest sha256{};  // only when requested
};

struct OpenOptions {
  bool compute_sha256 = false;
};

// Authenticates and decrypts the whole blob in order. Each chunk reaches
// `sink` (may be null: verify only) only after its tag verified. When the
// call fails, earlier chunks may already have been written: the caller must
// discard what the sink received (delete the file, reset the connection).
StatusOr<OpenResult> OpenStream(const SecretKey& data_key, const BlobBinding& expected,
                                BlobReader& reader, ByteSink* sink, const OpenOptions& options);

}  // namespace vault
