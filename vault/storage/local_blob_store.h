// LocalBlobStore: blobs as files in a local directory.
//
// Layout under the root:  blobs/<aa>/<bb>/<name>  (shards are the first two
// pairs of characters of the name) and tmp/<random>.tmp for writes in
// progress. A write goes to tmp/, is fdatasync'ed, renamed into its shard and
// the shard directory and tmp/ are fsync'ed, so a crash leaves either the
// whole blob or a temporary that ListTemporaries() reports.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <string>

#include "vault/storage/blob_store.h"

namespace vault {

class LocalBlobStore : public BlobStore {
 public:
  // Creates the directory layout if missing.
  static StatusOr<std::unique_ptr<LocalBlobStore>> OpenAt(const std::string& root);

  StatusOr<std::unique_ptr<BlobWriter>> NewWriter(const std::string& name) override;
  StatusOr<std::unique_ptr<BlobReader>> Open(const std::string& name) override;
  Status Remove(const std::string& name) override;
  StatusOr<std::vector<std::string>> List() override;
  StatusOr<std::vector<std::string>> ListTemporaries() override;
  Status RemoveTemporary(const std::string& name) override;

  // Path of a committed blob's file (for tests and fixity reports).
  std::string PathOf(const std::string& name) const;

 private:
  explicit LocalBlobStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

// fsync() on a directory, so a rename or unlink inside it is durable.
Status SyncDirectory(const std::string& dir);

}  // namespace vault
