// libFuzzer target for the return upload check (vault/borrow/returned_copy.h,
// what BorrowService::Return runs on the copy a borrower uploads): the
// input's first byte shapes how the body arrives (read sizes, a body cut
// short), the next 64 bytes are the issued copy's SHA-256 as stored, the
// rest is the returned file. Verified, altered or a Status, never a crash;
// a copy equal to the issued one must verify.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "vault/borrow/returned_copy.h"
#include "vault/crypto/sha256.h"

namespace {

// Hands out the body in reads of 1..`step` bytes, or fails after `fail_at`.
class ShapedSource : public vault::ByteSource {
 public:
  ShapedSource(const std::string& bytes, size_t step, size_t fail_at)
      : bytes_(bytes), step_(step), fail_at_(fail_at) {}
  vault::StatusOr<size_t> Read(uint8_t* buf, size_t max) override {
    if (pos_ >= fail_at_) return vault::InvalidArgumentError("request.truncated", "the body is shorter");
    const size_t n = std::min({max, step_, bytes_.size() - pos_});
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const std::string& bytes_;
  size_t step_, fail_at_;
  size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 65) return 0;
  const uint8_t shape = data[0];
  std::string issued(reinterpret_cast<const char*>(data + 1), 64);
  const std::string file(reinterpret_cast<const char*>(data + 65), size - 65);
  if (shape & 0x80) issued = vault::Sha256::HexOf(file);  // the copy comes back unaltered
  const size_t step = (shape & 0x0f) == 0 ? 64 * 1024 : (shape & 0x0f) * 97;
  const size_t fail_at = (shape & 0x40) ? file.size() / 2 : SIZE_MAX;
  ShapedSource source(file, step, fail_at);
  vault::ReturnedCopy copy;
  vault::Status s = copy.Read(source, /*limit=*/(shape & 0x20) ? 4096 : 1 << 20, issued);
  if (s.ok() && (shape & 0x80) && !copy.verified()) __builtin_trap();
  if (s.ok() && copy.data() != file) __builtin_trap();
  return 0;
}
