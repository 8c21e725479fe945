#include "vault/local/process_presence.h"

#include <dirent.h>
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

// Removes the files of processes that are gone (killed ones leave theirs),
// so the directory does not grow with every crash.
void SweepGone(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (struct dirent* e = ::readdir(d)) {
    const std::string file = e->d_name;
    const std::string suffix = ".lock";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    (void)ProcessPresence::Alive(dir, file.substr(0, file.size() - suffix.size()));
  }
  ::closedir(d);
}

}  // namespace

StatusOr<std::unique_ptr<ProcessPresence>> ProcessPresence::Hold(const std::string& dir, const std::string& name) {
  if (!ValidName(name)) return InvalidArgumentError("presence.bad_name", "a presence name is 1-64 of [0-9a-z]");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return UnavailableError("storage.io_error", "creating " + dir + ": " + std::strerror(errno));
  }
  SweepGone(dir);
  // Locked before it gets its visible name, so a <name>.lock file that is
  // not locked always means its process is gone.
  const std::string path = PathOf(dir, name);
  const std::string fresh = path + ".new";
  int fd = ::open(fresh.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("storage.io_error", "creating " + fresh + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::rename(fresh.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(fresh.c_str());
    return UnavailableError("storage.io_error", "holding " + path + ": " + std::strerror(err));
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
