#include "api/vaultctl/file_streams.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"

namespace vaultctl {
namespace {

constexpr uint64_t kProgressThreshold = 8ull << 20;

vault::Status IoError(const std::string& what) {
  return vault::UnavailableError("cli.io_error", what + ": " + std::strerror(errno));
}

}  // namespace

vault::StatusOr<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path,
                                                              const std::string& label) {
  int fd = path == "-" ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return vault::NotFoundError("cli.file_not_found", "no such file: " + path);
    return IoError("cannot open " + path);
  }
  struct stat st {};
  uint64_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) size = static_cast<uint64_t>(st.st_size);
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return vault::InvalidArgumentError("cli.is_directory", path + " is a directory");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileSource>(new FileSource(fd, size, label));
}

FileSource::~FileSource() {
  if (last_percent_ >= 0) std::fputc('\n', stderr);
  ::close(fd_);
}

vault::StatusOr<size_t> FileSource::Read(uint8_t* buf, size_t max) {
  while (true) {
    ssize_t n = ::read(fd_, buf, max);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("reading input");
    }
    done_ += static_cast<uint64_t>(n);
    if (size_ > kProgressThreshold && ::isatty(STDERR_FILENO)) {
      int percent = static_cast<int>(done_ * 100 / size_);
      if (percent / 5 != last_percent_ / 5 || (n == 0 && percent != last_percent_)) {
        std::fprintf(stderr, "\r%s: %llu / %llu MiB (%d%%)", label_.c_str(),
                     static_cast<unsigned long long>(done_ >> 20),
                     static_cast<unsigned long long>(size_ >> 20), percent);
        last_percent_ = percent;
      }
    }
    return static_cast<size_t>(n);
  }
}

namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A Unix socket cannot be open()ed; a stream connection to it is the file.
int ConnectUnixSocket(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

vault::Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("opening " + dir + " to sync it");
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return IoError("syncing " + dir);
  return vault::Status::Ok();
}

// Only a missing path or a regular file may be replaced by rename.
vault::Status CheckReplaceable(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return vault::Status::Ok();
    return IoError("cannot inspect " + path);
  }
  if (S_ISREG(st.st_mode)) return vault::Status::Ok();
  if (S_ISLNK(st.st_mode)) {
    return vault::FailedPreconditionError(
        "cli.output_is_symlink", path + " is a symbolic link; give --follow-symlinks to write to what it names");
  }
  if (S_ISDIR(st.st_mode)) return vault::InvalidArgumentError("cli.bad_output", path + " is a directory");
  return vault::FailedPreconditionError("cli.output_not_regular",
                                        path + " changed into something that is not a regular file");
}

}  // namespace

vault::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path,
                                                                OutputOptions options) {
  if (path == "-") {
    int fd = ::dup(STDOUT_FILENO);
    if (fd < 0) return IoError("cannot use stdout");
    return std::unique_ptr<OutputFile>(new OutputFile(fd, "", "-", false));
  }
  if (path.empty() || path.back() == '/') {
    return vault::InvalidArgumentError("cli.bad_output", "output path names a directory");
  }
  std::string target = path;
  struct stat st {};
  bool exists = ::lstat(target.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) return IoError("cannot inspect " + path);
  if (exists && S_ISLNK(st.st_mode)) {
    if (!options.follow_symlinks) {
      return vault::FailedPreconditionError(
          "cli.output_is_symlink",
          path + " is a symbolic link; vaultctl does not write through it unless --follow-symlinks is given");
    }
    char* real = ::realpath(path.c_str(), nullptr);
    if (!real) {
      return vault::FailedPreconditionError("cli.output_is_symlink",
                                            path + " is a symbolic link to nothing that exists");
    }
    target = real;
    std::free(real);
    exists = ::lstat(target.c_str(), &st) == 0;
    if (!exists) return IoError("cannot inspect " + target);
  }
  if (exists && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return vault::InvalidArgumentError("cli.bad_output", path + " is a directory");
    if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
      return vault::FailedPreconditionError(
          "cli.output_not_writable",
          path + " is a block device or another special file; vaultctl writes only to regular files, "
                 "character devices, FIFOs and sockets");
    }
    // Written in place and never renamed over: the node stays what it is.
    int fd = S_ISSOCK(st.st_mode)
                 ? ConnectUnixSocket(target)
                 : ::open(target.c_str(), O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open " + path);
    struct stat opened {};
    if (!S_ISSOCK(st.st_mode) &&
        (::fstat(fd, &opened) != 0 || opened.st_ino != st.st_ino || opened.st_dev != st.st_dev)) {
      ::close(fd);
      return vault::FailedPreconditionError("cli.output_not_regular", path + " changed while being opened");
    }
    return std::unique_ptr<OutputFile>(new OutputFile(fd, "", target, true));
  }
  const std::string dir = DirectoryOf(target);
  const std::string base = target.substr(target.rfind('/') == std::string::npos ? 0 : target.rfind('/') + 1);
  uint8_t rnd[6];
  vault::RandomBytes(rnd, sizeof rnd);
  std::string tmp = dir + "/." + base + ".partial-" + vault::HexEncode(rnd, sizeof rnd);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create output in " + dir);
  return std::unique_ptr<OutputFile>(new OutputFile(fd, tmp, target, false));
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

vault::Status OutputFile::Write(const uint8_t* data, size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd_, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("writing output");
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return vault::Status::Ok();
}

vault::Status OutputFile::Commit() {
  int fd = fd_;
  fd_ = -1;
  if (tmp_.empty()) {
    if (::close(fd) != 0) return IoError("closing output");
    committed_ = true;
    return vault::Status::Ok();
  }
  // Synced before the rename, so a crash never leaves the name pointing at
  // a file whose content was not yet on disk.
  if (::fsync(fd) != 0) {
    ::close(fd);
    return IoError("syncing output");
  }
  if (::close(fd) != 0) return IoError("closing output");
  // The path was checked when the output was created; check again so that a
  // device or link put there meanwhile is not replaced (a narrow race remains
  // between this check and rename(), which POSIX gives no way to close).
  if (vault::Status s = CheckReplaceable(path_); !s.ok()) return s;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) return IoError("renaming output to " + path_);
  committed_ = true;
  return SyncDirectory(DirectoryOf(path_));
}

bool WritePublicFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace vaultctl
