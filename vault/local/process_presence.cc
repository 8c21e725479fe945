#include "vault/local/process_presence.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vault {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

std::string PathOf(const std::string& dir, const std::string& name) { return dir + "/" + name + ".lock"; }

}  // namespace

StatusOr<std::unique_ptr<ProcessPresence>> ProcessPresence::Hold(const std::string& dir, const std::string& name) {
  if (!ValidName(name)) return InvalidArgumentError("presence.bad_name", "a presence name is 1-64 of [0-9a-z]");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return UnavailableError("storage.io_error", "creating " + dir + ": " + std::strerror(errno));
  }
  const std::string path = PathOf(dir, name);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("storage.io_error", "creating " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    return UnavailableError("storage.io_error", "locking " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<ProcessPresence>(new ProcessPresence(fd, path));
}

ProcessPresence::~ProcessPresence() {
  ::unlink(path_.c_str());
  ::close(fd_);  // releases the lock
}

bool ProcessPresence::Alive(const std::string& dir, const std::string& name) {
  if (!ValidName(name)) return true;
  const std::string path = PathOf(dir, name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT;
  bool alive = true;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    // Nobody holds it: its process is gone. The file goes too.
    alive = false;
    ::unlink(path.c_str());
  }
  ::close(fd);
  return alive;
}

}  // namespace vault
