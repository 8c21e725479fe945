#include "vault/storage/memory_blob_store.h"

#include <cstring>

namespace vault {

class MemoryBlobWriter : public BlobWriter {
 public:
  MemoryBlobWriter(MemoryBlobStore* store, std::string tmp, std::string name)
      : store_(store), tmp_(std::move(tmp)), name_(std::move(name)) {}
  ~MemoryBlobWriter() override {
    if (!done_) {
      std::lock_guard<std::mutex> lock(store_->mu_);
      store_->temporaries_.erase(tmp_);
    }
  }
  Status Append(const uint8_t* data, size_t len) override {
    if (done_) return FailedPreconditionError("storage.writer_closed", "writer is finished");
    data_.append(reinterpret_cast<const char*>(data), len);
    return Status::Ok();
  }
  Status Commit() override {
    if (done_) return FailedPreconditionError("storage.writer_closed", "writer is finished");
    done_ = true;
    std::lock_guard<std::mutex> lock(store_->mu_);
    store_->temporaries_.erase(tmp_);
    if (store_->blobs_.count(name_)) {
      return AlreadyExistsError("storage.blob_exists", "a blob with this name already exists");
    }
    store_->blobs_[name_] = std::make_shared<std::string>(std::move(data_));
    return Status::Ok();
  }

 private:
  MemoryBlobStore* store_;
  std::string tmp_;
  std::string name_;
  std::string data_;
  bool done_ = false;
};

namespace {

class MemoryBlobReader : public BlobReader {
 public:
  explicit MemoryBlobReader(std::shared_ptr<std::string> data) : data_(std::move(data)) {}
  uint64_t Size() const override { return data_->size(); }
  Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) override {
    if (offset > data_->size() || len > data_->size() - offset) {
      return DataLossError("storage.short_read", "read past the end of the blob");
    }
    std::memcpy(buf, data_->data() + offset, len);
    return Status::Ok();
  }

 private:
  std::shared_ptr<std::string> data_;
};

}  // namespace

StatusOr<std::unique_ptr<BlobWriter>> MemoryBlobStore::NewWriter(const std::string& name) {
  if (!IsValidBlobName(name)) return InvalidArgumentError("storage.bad_name", "invalid blob name");
  std::lock_guard<std::mutex> lock(mu_);
  std::string tmp = std::to_string(next_tmp_++) + ".tmp";
  temporaries_[tmp] = name;
  return std::unique_ptr<BlobWriter>(new MemoryBlobWriter(this, tmp, name));
}

StatusOr<std::unique_ptr<BlobReader>> MemoryBlobStore::Open(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return NotFoundError("blob.not_found", "blob " + name + " is missing");
  // Readers see a snapshot: later tampering through MutableBlob is visible
  // only to readers opened afterwards.
  return std::unique_ptr<BlobReader>(
      new MemoryBlobReader(std::make_shared<std::string>(*it->second)));
}

Status MemoryBlobStore::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (blobs_.erase(name) == 0) return NotFoundError("blob.not_found", "blob " + name + " is missing");
  return Status::Ok();
}

StatusOr<std::vector<std::string>> MemoryBlobStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& kv : blobs_) names.push_back(kv.first);
  return names;
}

StatusOr<std::vector<std::string>> MemoryBlobStore::ListTemporaries() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& kv : temporaries_) names.push_back(kv.first);
  return names;
}

Status MemoryBlobStore::RemoveTemporary(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  temporaries_.erase(name);
  return Status::Ok();
}

std::string* MemoryBlobStore::MutableBlob(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = blobs_.find(name);
  return it == blobs_.end() ? nullptr : it->second.get();
}

void MemoryBlobStore::Put(const std::string& name, std::string bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  blobs_[name] = std::make_shared<std::string>(std::move(bytes));
}

}  // namespace vault
