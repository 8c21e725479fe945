// MemoryBlobStore: an in-memory BlobStore for tests and tools.
//
// Same visibility rules as the local store: a blob appears only on Commit().
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "vault/storage/blob_store.h"

namespace vault {

class MemoryBlobStore : public BlobStore {
 public:
  StatusOr<std::unique_ptr<BlobWriter>> NewWriter(const std::string& name) override;
  StatusOr<std::unique_ptr<BlobReader>> Open(const std::string& name) override;
  Status Remove(const std::string& name) override;
  StatusOr<std::vector<std::string>> List() override;
  StatusOr<std::vector<std::string>> ListTemporaries() override;
  Status RemoveTemporary(const std::string& name) override;

  // Direct access for tests that tamper with stored bytes.
  std::string* MutableBlob(const std::string& name);
  void Put(const std::string& name, std::string bytes);

 private:
  friend class MemoryBlobWriter;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::string>> blobs_;
  std::map<std::string, std::string> temporaries_;  // tmp name -> target name
  uint64_t next_tmp_ = 0;
};

}  // namespace vault
