#include "vault/storage/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>

#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"
#include "vault/storage/local_blob_store.h"

namespace vault {

Status WriteFileAtomically(const std::string& path, const std::string& data, mode_t mode) {
  boost::filesystem::path target(path);
  boost::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  uint8_t rnd[8];
  RandomBytes(rnd, sizeof rnd);
  std::string tmp = (dir / ("." + target.filename().string() + ".new-" + HexEncode(rnd, 8))).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return UnavailableError("storage.io_error", "creating " + path + ": " + std::strerror(errno));
  }
  Status s;
  size_t off = 0;
  while (s.ok() && off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      s = UnavailableError("storage.io_error", "writing " + path + ": " + std::strerror(errno));
    } else {
      off += static_cast<size_t>(n);
    }
  }
  if (s.ok() && ::fsync(fd) != 0) {
    s = UnavailableError("storage.io_error", "syncing " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = UnavailableError("storage.io_error", "replacing " + path + ": " + std::strerror(errno));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDirectory(dir.string());
}

}  // namespace vault
