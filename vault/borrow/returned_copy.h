// ReturnedCopy: the file a borrower uploads to return an electronic loan,
// read (bounded) and checked against the SHA-256 of the copy issued.
//
// The bytes are kept only to seal them as evidence when they differ, and
// are wiped when the object goes. The hashes are compared in constant time.
// Errors: borrow.return_too_large (more than `limit` bytes), or the
// source's own error (a body cut short).
//
// Thread-compatible; not copyable (the bytes must be wiped exactly once).
#pragma once

#include <cstdint>
#include <string>

#include "vault/base/byte_stream.h"
#include "vault/base/status.h"

namespace vault {

class ReturnedCopy {
 public:
  ReturnedCopy() = default;
  ~ReturnedCopy();
  ReturnedCopy(const ReturnedCopy&) = delete;
  ReturnedCopy& operator=(const ReturnedCopy&) = delete;

  // Reads `file` to its end and compares it with `issued_sha256` (hex).
  Status Read(ByteSource& file, int64_t limit, const std::string& issued_sha256);

  const std::string& data() const { return data_; }
  const std::string& sha256() const { return sha256_; }  // hex
  // Byte for byte the copy that was issued.
  bool verified() const { return verified_; }

 private:
  std::string data_;
  std::string sha256_;
  bool verified_ = false;
};

}  // namespace vault
