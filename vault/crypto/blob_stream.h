// Sealing a whole content stream into a blob, and opening a blob back.
//
// Both directions use two or three threads in a bounded pipeline (1 MiB
// batches, a handful of buffers), so memory stays constant whatever the
// content size and the cores overlap hashing, sealing and I/O.
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
