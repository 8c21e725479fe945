#include "vault/base/byte_stream.h"

#include <algorithm>
#include <cstring>

namespace vault {

StatusOr<size_t> StringSource::Read(uint8_t* buf, size_t max) {
  size_t n = std::min(max, data_.size() - pos_);
  if (n > 0) std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

Status StringSink::Write(const uint8_t* data, size_t len) {
  data_.append(reinterpret_cast<const char*>(data), len);
  return Status::Ok();
}

}  // namespace vault
