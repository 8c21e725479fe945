// ReturnedCopy: the copy a borrower uploads, read bounded and compared with
// the SHA-256 of the copy issued (what BorrowService::Return and the
// `return` fuzz target run).
#include "vault/borrow/returned_copy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "tests/support/status_matchers.h"
#include "vault/crypto/sha256.h"

namespace vault {
namespace {

using testing::IsOk;
using testing::StatusIs;

// Hands out `bytes` a few at a time, then fails if `fail` is set.
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string bytes, size_t step, bool fail) : bytes_(std::move(bytes)), step_(step), fail_(fail) {}
  StatusOr<size_t> Read(uint8_t* buf, size_t max) override {
    if (pos_ == bytes_.size() && fail_) return InvalidArgumentError("request.truncated", "the body is shorter");
    const size_t n = std::min({max, step_, bytes_.size() - pos_});
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t step_;
  bool fail_;
  size_t pos_ = 0;
};

TEST(ReturnedCopyTest, TheIssuedBytesVerifyHoweverTheyArrive) {
  const std::string issued = "%PDF-1.4 the stamped copy";
  TrickleSource source(issued, 3, false);
  ReturnedCopy copy;
  ASSERT_THAT(copy.Read(source, 1 << 20, Sha256::HexOf(issued)), IsOk());
  EXPECT_TRUE(copy.verified());
  EXPECT_EQ(copy.data(), issued);
  EXPECT_EQ(copy.sha256(), Sha256::HexOf(issued));
}

TEST(ReturnedCopyTest, OneChangedByteIsAltered) {
  TrickleSource source("%PDF-1.4 the stamped copY", 64, false);
  ReturnedCopy copy;
  ASSERT_THAT(copy.Read(source, 1 << 20, Sha256::HexOf("%PDF-1.4 the stamped copy")), IsOk());
  EXPECT_FALSE(copy.verified());
}

TEST(ReturnedCopyTest, AStoredHashOfAnotherLengthNeverVerifies) {
  const std::string issued = "copy";
  const std::string prefix = Sha256::HexOf(issued).substr(0, 10);
  TrickleSource source(issued, 64, false);
  ReturnedCopy copy;
  ASSERT_THAT(copy.Read(source, 1 << 20, prefix), IsOk());
  EXPECT_FALSE(copy.verified());
}

TEST(ReturnedCopyTest, RefusesACopyOverTheLimit) {
  TrickleSource source(std::string(5000, 'x'), 1000, false);
  ReturnedCopy copy;
  EXPECT_THAT(copy.Read(source, 4096, std::string(64, '0')),
              StatusIs(StatusCode::kResourceExhausted, "borrow.return_too_large"));
}

TEST(ReturnedCopyTest, ABodyCutShortIsTheSourcesError) {
  TrickleSource source("half a file", 4, true);
  ReturnedCopy copy;
  EXPECT_THAT(copy.Read(source, 1 << 20, std::string(64, '0')),
              StatusIs(StatusCode::kInvalidArgument, "request.truncated"));
}

}  // namespace
}  // namespace vault
