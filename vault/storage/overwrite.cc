#include "vault/storage/overwrite.h"

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sodium.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "vault/base/hex.h"

namespace vault {
namespace {

constexpr size_t kBlock = 1 << 20;

Status Io(const std::string& what) {
  return InternalError("overwrite.io", what + ": " + std::strerror(errno));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Fills `buf` with pass `pattern`'s bytes for file offset `offset`.
class PatternSource {
 public:
  static StatusOr<PatternSource> For(const std::string& pattern) {
    PatternSource p;
    if (pattern == "random") {
      p.random_ = true;
      randombytes_buf(p.key_, sizeof p.key_);
      return p;
    }
    if (pattern == "zeros") {
      p.byte_ = 0x00;
    } else if (pattern == "ones") {
      p.byte_ = 0xff;
    } else if (pattern.size() == 4 && pattern.compare(0, 2, "0x") == 0 &&
               std::isxdigit(static_cast<unsigned char>(pattern[2])) &&
               std::isxdigit(static_cast<unsigned char>(pattern[3]))) {
      p.byte_ = static_cast<uint8_t>(std::stoi(pattern.substr(2), nullptr, 16));
    } else {
      return InvalidArgumentError("overwrite.bad_pattern",
                                  "unknown overwrite pattern \"" + pattern + "\" (random, zeros, ones or 0xNN)");
    }
    return p;
  }
  // Offsets are multiples of kBlock: block n uses nonce n.
  void Fill(uint64_t offset, uint8_t* buf, size_t len) const {
    if (!random_) {
      std::memset(buf, byte_, len);
      return;
    }
    uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {};
    const uint64_t block = offset / kBlock;
    std::memcpy(nonce, &block, sizeof block);
    crypto_stream_chacha20_ietf(buf, len, nonce, key_);
  }
  ~PatternSource() { sodium_memzero(key_, sizeof key_); }

 private:
  bool random_ = false;
  uint8_t byte_ = 0;
  uint8_t key_[crypto_stream_chacha20_ietf_KEYBYTES] = {};
};

// Moves the whole range with `op` (pwrite or pread), going on after short
// transfers and EINTR; `what` names the step in the error.
template <typename Buffer, typename Op>
Status WholeRange(Op op, const char* what, int fd, Buffer* buf, size_t len, uint64_t offset) {
  while (len > 0) {
    ssize_t n = op(fd, buf, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Io(what);
    buf += n;
    len -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status WriteAll(int fd, const uint8_t* buf, size_t len, uint64_t offset) {
  return WholeRange(::pwrite, "write", fd, buf, len, offset);
}

Status ReadAll(int fd, uint8_t* buf, size_t len, uint64_t offset) {
  return WholeRange(::pread, "read back", fd, buf, len, offset);
}

std::string Dir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

}  // namespace

Status CheckOverwritePatterns(const std::vector<std::string>& passes) {
  if (passes.empty()) return InvalidArgumentError("overwrite.bad_pattern", "at least one overwrite pass is needed");
  for (const auto& p : passes) {
    auto s = PatternSource::For(p);
    if (!s.ok()) return s.status();
  }
  return Status::Ok();
}

std::vector<FileExtent> FileExtents(int fd) {
  std::vector<FileExtent> out;
  constexpr unsigned kMax = 512;
  std::vector<uint8_t> mem(sizeof(struct fiemap) + kMax * sizeof(struct fiemap_extent));
  auto* fm = reinterpret_cast<struct fiemap*>(mem.data());
  uint64_t start = 0;
  for (;;) {
    std::memset(mem.data(), 0, mem.size());
    fm->fm_start = start;
    fm->fm_length = ~0ULL;
    fm->fm_flags = FIEMAP_FLAG_SYNC;
    fm->fm_extent_count = kMax;
    if (::ioctl(fd, FS_IOC_FIEMAP, fm) != 0) return {};
    if (fm->fm_mapped_extents == 0) break;
    bool last = false;
    for (unsigned i = 0; i < fm->fm_mapped_extents; ++i) {
      const struct fiemap_extent& e = fm->fm_extents[i];
      out.push_back(FileExtent{e.fe_logical, e.fe_physical, e.fe_length});
      start = e.fe_logical + e.fe_length;
      last = last || (e.fe_flags & FIEMAP_EXTENT_LAST);
    }
    if (last) break;
  }
  return out;
}

StatusOr<OverwriteReport> OverwriteAndRemove(const std::string& path, const std::vector<std::string>& passes,
                                             const std::function<void(size_t pass)>& after_pass) {
  if (passes.empty()) return InvalidArgumentError("overwrite.bad_pattern", "at least one overwrite pass is needed");
  std::vector<PatternSource> sources;
  for (const auto& p : passes) {
    VAULT_ASSIGN_OR_RETURN(PatternSource s, PatternSource::For(p));
    sources.push_back(std::move(s));
  }
  Fd f;
  f.fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);  // never O_TRUNC: the old blocks are the target
  if (f.fd < 0) return Io("open " + path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return Io("stat");
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError("overwrite.not_a_file", "only regular files are overwritten");
  OverwriteReport report;
  report.size = static_cast<uint64_t>(st.st_size);
  const std::vector<FileExtent> before = FileExtents(f.fd);
  std::unique_ptr<uint8_t[]> buf(new uint8_t[kBlock]);
  std::unique_ptr<uint8_t[]> back(new uint8_t[kBlock]);
  for (size_t i = 0; i < passes.size(); ++i) {
    OverwritePassResult r;
    r.pattern = passes[i];
    for (uint64_t off = 0; off < report.size; off += kBlock) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, report.size - off));
      sources[i].Fill(off, buf.get(), n);
      VAULT_RETURN_IF_ERROR(WriteAll(f.fd, buf.get(), n, off));
      r.bytes += n;
    }
    if (::fdatasync(f.fd) != 0) return Io("fdatasync after pass " + std::to_string(i + 1));
    r.synced = true;
    report.passes.push_back(r);
    if (after_pass) after_pass(i);
  }
  // Read the last pattern back from the device, not the page cache.
  (void)::posix_fadvise(f.fd, 0, 0, POSIX_FADV_DONTNEED);
  bool same = true;
  for (uint64_t off = 0; off < report.size && same; off += kBlock) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, report.size - off));
    sources.back().Fill(off, buf.get(), n);
    VAULT_RETURN_IF_ERROR(ReadAll(f.fd, back.get(), n, off));
    same = std::memcmp(buf.get(), back.get(), n) == 0;
  }
  report.passes.back().verified = same;
  report.verified = same;
  const std::vector<FileExtent> after = FileExtents(f.fd);
  report.extents_known = !before.empty() || report.size == 0;
  report.same_extents = report.extents_known && before == after;
  if (!same) {
    // Left in place under its name: a retry overwrites it again.
    return DataLossError("overwrite.verify_failed", "the last overwrite pass did not read back intact");
  }
  // A random name first: the old name leaves the directory before the inode goes.
  uint8_t rnd[12];
  randombytes_buf(rnd, sizeof rnd);
  const std::string dir = Dir(path);
  const std::string renamed = dir + "/.destroyed-" + HexEncode(rnd, sizeof rnd);
  if (::rename(path.c_str(), renamed.c_str()) != 0) return Io("rename");
  if (::unlink(renamed.c_str()) != 0) return Io("unlink");
  Fd d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd < 0 || ::fsync(d.fd) != 0) return Io("fsync directory");
  return report;
}

}  // namespace vault
