#include "vault/base/status.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace vault {
namespace {

using testing::StatusIs;

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgumentError("test.odd", "odd input");
  return x / 2;
}

Status UsesMacros(int x, int* out) {
  VAULT_ASSIGN_OR_RETURN(int h, Half(x));
  *out = h;
  return Status::Ok();
}

TEST(StatusTest, OkAndErrorCarryCodeReasonMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = DataLossError("blob.chunk_auth_failed", "chunk 3 failed");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.reason(), "blob.chunk_auth_failed");
  EXPECT_EQ(s.ToString(), "DATA_LOSS [blob.chunk_auth_failed]: chunk 3 failed");
}

TEST(StatusTest, AssignOrReturnPropagatesErrors) {
  int out = 0;
  EXPECT_TRUE(UsesMacros(8, &out).ok());
  EXPECT_EQ(out, 4);
  EXPECT_THAT(UsesMacros(3, &out), StatusIs(StatusCode::kInvalidArgument, "test.odd"));
}

}  // namespace
}  // namespace vault
