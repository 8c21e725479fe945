// ByteSource and ByteSink: how content enters and leaves the core.
//
// The core streams content in bounded chunks and never needs a whole file in
// memory. The CLI and the HTTP layer adapt files, sockets and buffers to
// these interfaces. Implementations need not be thread-safe; the core calls a
// given source or sink from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `max` bytes into `buf`. Returns 0 only at end of input; a
  // short read before the end is allowed.
  virtual StatusOr<size_t> Read(uint8_t* buf, size_t max) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Writes all `len` bytes or fails.
  virtual Status Write(const uint8_t* data, size_t len) = 0;
};

// In-memory adapters, for tests and small payloads.
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  StatusOr<size_t> Read(uint8_t* buf, size_t max) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

class StringSink : public ByteSink {
 public:
  Status Write(const uint8_t* data, size_t len) override;
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

}  // namespace vault
