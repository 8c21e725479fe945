#include "tests/support/fault_blob_store.h"

namespace vault::testing {

class FaultyWriter : public BlobWriter {
 public:
  FaultyWriter(FaultInjectingBlobStore* store, std::unique_ptr<BlobWriter> inner)
      : store_(store), inner_(std::move(inner)) {}

  Status Append(const uint8_t* data, size_t len) override {
    int64_t limit = store_->fail_after_bytes_.load();
    int64_t before = store_->written_.fetch_add(static_cast<int64_t>(len));
    if (limit >= 0 && before + static_cast<int64_t>(len) > limit) {
      inner_.reset();  // abandon: the real writer removes its temporary
      return ResourceExhaustedError("storage.no_space", "writing blob: no space left on device");
    }
    if (!inner_) return FailedPreconditionError("storage.writer_closed", "writer is finished");
    return inner_->Append(data, len);
  }

  Status Commit() override {
    if (store_->fail_sync_.load()) {
      inner_.reset();
      return UnavailableError("storage.io_error", "syncing blob: Input/output error");
    }
    if (!inner_) return FailedPreconditionError("storage.writer_closed", "writer is finished");
    return inner_->Commit();
  }

 private:
  FaultInjectingBlobStore* store_;
  std::unique_ptr<BlobWriter> inner_;
};

StatusOr<std::unique_ptr<BlobWriter>> FaultInjectingBlobStore::NewWriter(const std::string& name) {
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> w, inner_->NewWriter(name));
  return std::unique_ptr<BlobWriter>(new FaultyWriter(this, std::move(w)));
}

StatusOr<std::unique_ptr<BlobReader>> FaultInjectingBlobStore::Open(const std::string& name) {
  if (fail_open_.load()) return UnavailableError("storage.io_error", "opening blob: Input/output error");
  return inner_->Open(name);
}

}  // namespace vault::testing
