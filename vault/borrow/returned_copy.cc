#include "vault/borrow/returned_copy.h"

#include <sodium.h>

#include <algorithm>

#include "vault/crypto/sha256.h"

namespace vault {

ReturnedCopy::~ReturnedCopy() { sodium_memzero(data_.data(), data_.size()); }

Status ReturnedCopy::Read(ByteSource& file, int64_t limit, const std::string& issued_sha256) {
  uint8_t buf[64 * 1024];
  for (;;) {
    StatusOr<size_t> n = file.Read(buf, sizeof buf);
    if (!n.ok()) {
      sodium_memzero(buf, sizeof buf);
      return n.status();
    }
    if (*n == 0) break;
    if (static_cast<int64_t>(data_.size() + *n) > limit) {
      sodium_memzero(buf, sizeof buf);
      return ResourceExhaustedError("borrow.return_too_large",
                                    "the returned file exceeds " + std::to_string(limit) + " bytes");
    }
    data_.append(reinterpret_cast<const char*>(buf), *n);
  }
  sodium_memzero(buf, sizeof buf);
  sha256_ = Sha256::HexOf(data_);
  verified_ = sodium_memcmp(sha256_.data(), issued_sha256.data(), std::min(sha256_.size(), issued_sha256.size())) == 0 &&
              sha256_.size() == issued_sha256.size();
  return Status::Ok();
}

}  // namespace vault
