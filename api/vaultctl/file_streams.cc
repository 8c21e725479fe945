#include "api/vaultctl/file_streams.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

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

vault::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path) {
  if (path == "-") {
    int fd = ::dup(STDOUT_FILENO);
    if (fd < 0) return IoError("cannot use stdout");
    return std::unique_ptr<OutputFile>(new OutputFile(fd, "", "-"));
  }
  std::string dir = ".", base = path;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) {
    dir = slash == 0 ? "/" : path.substr(0, slash);
    base = path.substr(slash + 1);
  }
  if (base.empty()) return vault::InvalidArgumentError("cli.bad_output", "output path names a directory");
  uint8_t rnd[6];
  vault::RandomBytes(rnd, sizeof rnd);
  std::string tmp = dir + "/." + base + ".partial-" + vault::HexEncode(rnd, sizeof rnd);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create output in " + dir);
  return std::unique_ptr<OutputFile>(new OutputFile(fd, tmp, path));
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
  if (::close(fd) != 0) return IoError("closing output");
  if (tmp_.empty()) {
    committed_ = true;
    return vault::Status::Ok();
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) return IoError("renaming output to " + path_);
  committed_ = true;
  return vault::Status::Ok();
}

}  // namespace vaultctl
