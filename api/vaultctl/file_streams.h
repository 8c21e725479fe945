// File adapters for vaultctl: a source with progress on stderr, and an
// output file that appears only when the whole content was authenticated.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vault/base/byte_stream.h"

namespace vaultctl {

// Reads a file (or stdin for "-"); prints progress to stderr for inputs
// larger than 8 MiB when stderr is a terminal.
class FileSource : public vault::ByteSource {
 public:
  static vault::StatusOr<std::unique_ptr<FileSource>> Open(const std::string& path, const std::string& label);
  ~FileSource() override;
  vault::StatusOr<size_t> Read(uint8_t* buf, size_t max) override;

 private:
  FileSource(int fd, uint64_t size, std::string label) : fd_(fd), size_(size), label_(std::move(label)) {}
  int fd_;
  uint64_t size_;
  std::string label_;
  uint64_t done_ = 0;
  int last_percent_ = -1;
};

struct OutputOptions {
  // Writes through a symbolic link at the output path to the file it names.
  // Without it a symlink is refused (cli.output_is_symlink): a link planted
  // where the operator expects a file must not redirect plaintext.
  bool follow_symlinks = false;
};

// Where decrypted content goes, chosen by what the output path is:
// - absent or a regular file: written into a hidden temporary beside it
//   (mode 0600), fsynced, renamed over it on Commit() and the directory
//   fsynced. Destroyed without Commit(), it deletes what it wrote, so a
//   failed `get` leaves no partial plaintext behind.
// - a character device, FIFO or Unix socket: written straight into it,
//   never replaced (renaming over /dev/null once left plaintext in its
//   place). What reaches such an output cannot be withdrawn, so callers
//   produce the content through WriteVerified().
// - "-": stdout, written straight (documented per command).
// Directories, block devices and (without follow_symlinks) symlinks are
// refused. Not thread-safe.
class OutputFile : public vault::ByteSink {
 public:
  static vault::StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path,
                                                             OutputOptions options = {});
  ~OutputFile() override;
  vault::Status Write(const uint8_t* data, size_t len) override;
  vault::Status Commit();
  // True for a device, FIFO or socket: nothing may be written into it before
  // the whole content has been authenticated.
  bool verify_first() const { return verify_first_; }

 private:
  OutputFile(int fd, std::string tmp, std::string path, bool verify_first)
      : fd_(fd), tmp_(std::move(tmp)), path_(std::move(path)), verify_first_(verify_first) {}
  int fd_;
  std::string tmp_;   // empty when writing straight into the output
  std::string path_;  // the output (symlinks resolved when followed)
  bool verify_first_;
  bool committed_ = false;
};

// Drops what it is given; a first pass into it authenticates content.
class DiscardSink : public vault::ByteSink {
 public:
  vault::Status Write(const uint8_t*, size_t) override { return vault::Status::Ok(); }
};

// Runs `produce(sink)`, which decrypts content into `sink` and returns a
// Status or StatusOr, into `out`. When `out` cannot be withdrawn (see
// verify_first()), it first runs into a DiscardSink so that a truncated or
// tampered version fails before any byte reaches the output; decrypting twice
// is the price of never keeping a plaintext copy on disk or in memory.
template <typename Produce>
auto WriteVerified(OutputFile& out, Produce produce) -> decltype(produce(out)) {
  if (out.verify_first()) {
    DiscardSink discard;
    auto verified = produce(discard);
    if (!verified.ok()) return verified;
  }
  return produce(out);
}

// Writes `bytes` to `path` (created or truncated), for files that are public
// by design (signatures, public keys, certificates): no temporary, no
// fsync. False when the file could not be written whole.
bool WritePublicFile(const std::string& path, const std::string& bytes);

}  // namespace vaultctl
