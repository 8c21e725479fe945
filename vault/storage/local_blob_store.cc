#include "vault/storage/local_blob_store.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>

#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

// Start writeback every 8 MiB so the final fdatasync has little left to do.
constexpr uint64_t kWritebackInterval = 8ull << 20;

Status IoError(const std::string& what, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return ResourceExhaustedError("storage.no_space", what + ": no space left on device");
  }
  return UnavailableError("storage.io_error", what + ": " + std::strerror(err));
}

class LocalBlobWriter : public BlobWriter {
 public:
  LocalBlobWriter(int fd, std::string tmp_path, std::string final_path, std::string tmp_dir)
      : fd_(fd),
        tmp_path_(std::move(tmp_path)),
        final_path_(std::move(final_path)),
        tmp_dir_(std::move(tmp_dir)) {}

  ~LocalBlobWriter() override { Abort(); }

  Status Append(const uint8_t* data, size_t len) override {
    if (fd_ < 0) return FailedPreconditionError("storage.writer_closed", "writer is finished");
    while (len > 0) {
      ssize_t n = ::write(fd_, data, len);
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("writing blob", errno);
      }
      data += n;
      len -= static_cast<size_t>(n);
      written_ += static_cast<uint64_t>(n);
    }
    if (written_ - flushed_ >= kWritebackInterval) {
      // Advisory only: durability comes from the fdatasync in Commit().
      ::sync_file_range(fd_, static_cast<off_t>(flushed_),
                        static_cast<off_t>(written_ - flushed_), SYNC_FILE_RANGE_WRITE);
      flushed_ = written_;
    }
    return Status::Ok();
  }

  Status Commit() override {
    if (fd_ < 0) return FailedPreconditionError("storage.writer_closed", "writer is finished");
    if (::fdatasync(fd_) != 0) {
      Status s = IoError("syncing blob", errno);
      Abort();
      return s;
    }
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      Status s = IoError("closing blob", errno);
      ::unlink(tmp_path_.c_str());
      return s;
    }
    fs::path final_path(final_path_);
    boost::system::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    if (ec) {
      ::unlink(tmp_path_.c_str());
      return UnavailableError("storage.io_error", "creating shard directory: " + ec.message());
    }
    // Never replace an existing blob, even under a racing writer.
    if (::renameat2(AT_FDCWD, tmp_path_.c_str(), AT_FDCWD, final_path_.c_str(),
                    RENAME_NOREPLACE) != 0) {
      int err = errno;
      ::unlink(tmp_path_.c_str());
      if (err == EEXIST) {
        return AlreadyExistsError("storage.blob_exists", "a blob with this name already exists");
      }
      return IoError("renaming blob", err);
    }
    // Make the new entry durable, and the shard directories' own entries in
    // blobs/<aa>/ and blobs/ (another writer may have just created them and
    // not synced yet, so this is done every time).
    VAULT_RETURN_IF_ERROR(SyncDirectory(final_path.parent_path().string()));
    VAULT_RETURN_IF_ERROR(SyncDirectory(final_path.parent_path().parent_path().string()));
    VAULT_RETURN_IF_ERROR(
        SyncDirectory(final_path.parent_path().parent_path().parent_path().string()));
    return SyncDirectory(tmp_dir_);
  }

 private:
  void Abort() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
      ::unlink(tmp_path_.c_str());
    }
  }

  int fd_;
  std::string tmp_path_;
  std::string final_path_;
  std::string tmp_dir_;
  uint64_t written_ = 0;
  uint64_t flushed_ = 0;
};

class LocalBlobReader : public BlobReader {
 public:
  LocalBlobReader(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~LocalBlobReader() override { ::close(fd_); }

  uint64_t Size() const override { return size_; }

  Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) override {
    if (offset > size_ || len > size_ - offset) {
      return DataLossError("storage.short_read", "read past the end of the blob");
    }
    while (len > 0) {
      ssize_t n = ::pread(fd_, buf, len, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("reading blob", errno);
      }
      if (n == 0) return DataLossError("storage.short_read", "blob shrank while reading");
      buf += n;
      len -= static_cast<size_t>(n);
      offset += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

 private:
  int fd_;
  uint64_t size_;
};

}  // namespace

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("opening directory for sync", errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("syncing directory", err);
  return Status::Ok();
}

StatusOr<std::unique_ptr<LocalBlobStore>> LocalBlobStore::OpenAt(const std::string& root) {
  boost::system::error_code ec;
  fs::create_directories(fs::path(root) / "blobs", ec);
  if (!ec) fs::create_directories(fs::path(root) / "tmp", ec);
  if (ec) {
    return UnavailableError("storage.io_error", "creating blob directories: " + ec.message());
  }
  return std::unique_ptr<LocalBlobStore>(new LocalBlobStore(root));
}

std::string LocalBlobStore::PathOf(const std::string& name) const {
  std::string a = name.size() >= 2 ? name.substr(0, 2) : "__";
  std::string b = name.size() >= 4 ? name.substr(2, 2) : "__";
  return (fs::path(root_) / "blobs" / a / b / name).string();
}

StatusOr<std::unique_ptr<BlobWriter>> LocalBlobStore::NewWriter(const std::string& name) {
  if (!IsValidBlobName(name)) {
    return InvalidArgumentError("storage.bad_name", "invalid blob name");
  }
  uint8_t rnd[12];
  RandomBytes(rnd, sizeof rnd);
  std::string tmp_dir = (fs::path(root_) / "tmp").string();
  std::string tmp_path = tmp_dir + "/" + HexEncode(rnd, sizeof rnd) + ".tmp";
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("creating temporary blob", errno);
  return std::unique_ptr<BlobWriter>(
      new LocalBlobWriter(fd, tmp_path, PathOf(name), tmp_dir));
}

StatusOr<std::unique_ptr<BlobReader>> LocalBlobStore::Open(const std::string& name) {
  if (!IsValidBlobName(name)) {
    return InvalidArgumentError("storage.bad_name", "invalid blob name");
  }
  std::string path = PathOf(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError("blob.not_found", "blob " + name + " is missing");
    return IoError("opening blob", errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = IoError("stat of blob", errno);
    ::close(fd);
    return s;
  }
  return std::unique_ptr<BlobReader>(new LocalBlobReader(fd, static_cast<uint64_t>(st.st_size)));
}

Status LocalBlobStore::Remove(const std::string& name) {
  if (!IsValidBlobName(name)) {
    return InvalidArgumentError("storage.bad_name", "invalid blob name");
  }
  std::string path = PathOf(name);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return NotFoundError("blob.not_found", "blob " + name + " is missing");
    return IoError("removing blob", errno);
  }
  return SyncDirectory(fs::path(path).parent_path().string());
}

StatusOr<std::vector<std::string>> LocalBlobStore::List() {
  std::vector<std::string> names;
  boost::system::error_code ec;
  fs::recursive_directory_iterator it(fs::path(root_) / "blobs", ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (fs::is_regular_file(it->status())) {
      std::string name = it->path().filename().string();
      if (IsValidBlobName(name)) names.push_back(name);
    }
  }
  if (ec) return UnavailableError("storage.io_error", "listing blobs: " + ec.message());
  return names;
}

StatusOr<std::vector<std::string>> LocalBlobStore::ListTemporaries() {
  std::vector<std::string> names;
  boost::system::error_code ec;
  fs::directory_iterator it(fs::path(root_) / "tmp", ec), end;
  for (; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
  if (ec) return UnavailableError("storage.io_error", "listing temporaries: " + ec.message());
  return names;
}

Status LocalBlobStore::RemoveTemporary(const std::string& name) {
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    return InvalidArgumentError("storage.bad_name", "invalid temporary name");
  }
  fs::path p = fs::path(root_) / "tmp" / name;
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) return IoError("removing temporary", errno);
  return SyncDirectory(p.parent_path().string());
}

}  // namespace vault
