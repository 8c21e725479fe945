// BlobStore: where encrypted blobs live.
//
// A blob becomes visible under its name only after BlobWriter::Commit()
// returned ok, and then it is durable (data and directory entry synced).
// A writer destroyed without a successful Commit() removes its temporary
// data. Blob names are chosen by the core: 1..100 characters of [0-9a-z-].
//
// Stores only ever hold ciphertext; they know nothing about keys.
//
// Thread-safety: a BlobStore is safe for concurrent use; a BlobWriter or
// BlobReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(const uint8_t* data, size_t len) = 0;
  // Makes the blob durable and visible. The writer is finished afterwards,
  // whatever the outcome.
  virtual Status Commit() = 0;
};

class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual uint64_t Size() const = 0;
  // Reads exactly `len` bytes at `offset` or fails.
  virtual Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual StatusOr<std::unique_ptr<BlobWriter>> NewWriter(const std::string& name) = 0;
  // blob.not_found when no committed blob has that name.
  virtual StatusOr<std::unique_ptr<BlobReader>> Open(const std::string& name) = 0;
  virtual Status Remove(const std::string& name) = 0;
  // Names of all committed blobs.
  virtual StatusOr<std::vector<std::string>> List() = 0;
  // Temporaries left by writers that never committed (e.g. after a crash).
  virtual StatusOr<std::vector<std::string>> ListTemporaries() = 0;
  virtual Status RemoveTemporary(const std::string& name) = 0;
};

// True for names the core may use.
bool IsValidBlobName(const std::string& name);

}  // namespace vault
