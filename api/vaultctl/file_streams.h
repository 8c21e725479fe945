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

// Writes into a hidden temporary beside `path` (mode 0600) and renames it to
// `path` on Commit(). Destroyed without Commit(), it deletes what it wrote,
// so a failed `get` leaves no partial plaintext behind. "-" writes stdout.
class OutputFile : public vault::ByteSink {
 public:
  static vault::StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path);
  ~OutputFile() override;
  vault::Status Write(const uint8_t* data, size_t len) override;
  vault::Status Commit();

 private:
  OutputFile(int fd, std::string tmp, std::string path) : fd_(fd), tmp_(std::move(tmp)), path_(std::move(path)) {}
  int fd_;
  std::string tmp_;
  std::string path_;
  bool committed_ = false;
};

}  // namespace vaultctl
