// FaultInjectingBlobStore: wraps a BlobStore and fails on command.
//
// Models the failures a disk really has: a write that runs out of space
// part-way, a failed fsync at commit, a failing open. The inner writer is
// abandoned (not committed) on an injected failure, so its own cleanup runs
// exactly as it would after a real error.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "vault/storage/blob_store.h"

namespace vault::testing {

class FaultInjectingBlobStore : public BlobStore {
 public:
  explicit FaultInjectingBlobStore(BlobStore* inner) : inner_(inner) {}

  // Append fails with storage.no_space once this many bytes were written
  // through any writer (negative: never).
  void FailWritesAfter(int64_t bytes) { fail_after_bytes_ = bytes; }
  // Commit fails as a failed fdatasync would.
  void FailSync(bool on) { fail_sync_ = on; }
  void FailOpen(bool on) { fail_open_ = on; }

  StatusOr<std::unique_ptr<BlobWriter>> NewWriter(const std::string& name) override;
  StatusOr<std::unique_ptr<BlobReader>> Open(const std::string& name) override;
  Status Remove(const std::string& name) override { return inner_->Remove(name); }
  StatusOr<std::vector<std::string>> List() override { return inner_->List(); }
  StatusOr<std::vector<std::string>> ListTemporaries() override { return inner_->ListTemporaries(); }
  Status RemoveTemporary(const std::string& name) override { return inner_->RemoveTemporary(name); }

 private:
  friend class FaultyWriter;
  BlobStore* inner_;
  std::atomic<int64_t> fail_after_bytes_{-1};
  std::atomic<int64_t> written_{0};
  std::atomic<bool> fail_sync_{false};
  std::atomic<bool> fail_open_{false};
};

}  // namespace vault::testing
