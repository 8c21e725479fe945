// RandomAccessSource: content a reader may read at any offset, in any order.
//
// The PDF exporter reads a stored version this way (a PDF's cross-reference
// table is at its end), straight out of the encrypted blob, so the whole
// plaintext never needs to be in memory or in a file. Implementations need
// not be thread-safe; one reader uses a source at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "vault/base/status.h"

namespace vault {

class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t Size() const = 0;
  // Fills `buf` with the `len` bytes at `offset`, or fails; reading past
  // Size() is io.out_of_range.
  virtual Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) = 0;
};

// Over bytes the caller keeps alive (tests, scans converted in memory).
class BytesRandomAccess : public RandomAccessSource {
 public:
  explicit BytesRandomAccess(const std::string& bytes) : bytes_(bytes) {}
  uint64_t Size() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) override {
    if (offset > bytes_.size() || len > bytes_.size() - offset) {
      return InvalidArgumentError("io.out_of_range", "read past the end of the content");
    }
    if (len > 0) std::memcpy(buf, bytes_.data() + offset, len);
    return Status::Ok();
  }

 private:
  const std::string& bytes_;
};

}  // namespace vault
