#include "tests/support/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace vault {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::IsOk;
using testing::IsOkAndHolds;
using ::testing::Not;
using ::testing::StartsWith;
using testing::StatusIs;

Status AuthFailed() { return DataLossError("blob.chunk_auth_failed", "chunk 3 failed authentication"); }

StatusOr<int> Seven() { return 7; }
StatusOr<int> NoSeven() { return NotFoundError("number.missing", "seven is gone"); }

// What a matcher says about a value when it fails.
template <typename M, typename T>
std::string Explain(const M& matcher, const T& value) {
  const ::testing::Matcher<const T&> m = matcher;
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(m.MatchAndExplain(value, &listener));
  return listener.str();
}

TEST(StatusMatchersTest, IsOkOnStatusAndStatusOr) {
  EXPECT_THAT(Status::Ok(), IsOk());
  EXPECT_THAT(Seven(), IsOk());
  EXPECT_THAT(AuthFailed(), Not(IsOk()));
  EXPECT_THAT(NoSeven(), Not(IsOk()));
}

TEST(StatusMatchersTest, IsOkAndHoldsMatchesTheValue) {
  EXPECT_THAT(Seven(), IsOkAndHolds(7));
  EXPECT_THAT(Seven(), IsOkAndHolds(::testing::Gt(6)));
  EXPECT_THAT(Seven(), Not(IsOkAndHolds(8)));
  EXPECT_THAT(NoSeven(), Not(IsOkAndHolds(::testing::_)));
  StatusOr<std::string> s = std::string("hello vault");
  EXPECT_THAT(s, IsOkAndHolds(HasSubstr("vault")));
  StatusOr<std::unique_ptr<int>> p = std::make_unique<int>(3);
  EXPECT_THAT(p, IsOkAndHolds(::testing::Pointee(3)));
}

TEST(StatusMatchersTest, StatusIsMatchesCodeReasonAndMessage) {
  EXPECT_THAT(AuthFailed(), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(AuthFailed(), StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
  EXPECT_THAT(AuthFailed(), StatusIs(StatusCode::kDataLoss, StartsWith("blob."), HasSubstr("chunk 3")));
  EXPECT_THAT(AuthFailed(), Not(StatusIs(StatusCode::kInvalidArgument)));
  EXPECT_THAT(AuthFailed(), Not(StatusIs(StatusCode::kDataLoss, "blob.truncated")));
  EXPECT_THAT(AuthFailed(), Not(StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed", "other")));
  EXPECT_THAT(NoSeven(), StatusIs(StatusCode::kNotFound, "number.missing", "seven is gone"));
  EXPECT_THAT(Seven(), StatusIs(StatusCode::kOk));
  EXPECT_THAT(Status::Ok(), StatusIs(StatusCode::kOk, ""));
  EXPECT_THAT(AuthFailed(), StatusIs(::testing::_, "blob.chunk_auth_failed"));
}

TEST(StatusMatchersTest, FailuresSayWhatTheyGot) {
  EXPECT_EQ(Explain(IsOk(), AuthFailed()),
            "which is DATA_LOSS reason=\"blob.chunk_auth_failed\" message=\"chunk 3 failed authentication\"");
  EXPECT_EQ(Explain(StatusIs(StatusCode::kDataLoss, "blob.truncated"), AuthFailed()),
            "which is DATA_LOSS reason=\"blob.chunk_auth_failed\" message=\"chunk 3 failed authentication\"");
  EXPECT_EQ(Explain(StatusIs(StatusCode::kNotFound), Seven()), "which is OK");
  EXPECT_EQ(Explain(IsOkAndHolds(7), NoSeven()),
            "which is NOT_FOUND reason=\"number.missing\" message=\"seven is gone\"");
  EXPECT_THAT(Explain(IsOkAndHolds(8), Seven()), StartsWith("which is OK holding 7"));
}

TEST(StatusMatchersTest, DescriptionsNameWhatWasExpected) {
  EXPECT_EQ(::testing::DescribeMatcher<Status>(IsOk()), "is OK");
  EXPECT_EQ(::testing::DescribeMatcher<Status>(StatusIs(StatusCode::kDataLoss, "blob.truncated")),
            "has a code that is equal to DATA_LOSS, a reason that is equal to \"blob.truncated\" and a message "
            "that is anything");
  EXPECT_EQ(::testing::DescribeMatcher<StatusOr<int>>(IsOkAndHolds(7)), "is OK and holds a value that is equal to 7");
}

TEST(StatusMatchersTest, PrintsStatusReadably) {
  EXPECT_EQ(::testing::PrintToString(AuthFailed()),
            "DATA_LOSS [blob.chunk_auth_failed]: chunk 3 failed authentication");
  EXPECT_EQ(::testing::PrintToString(Seven()), "OK holding 7");
  EXPECT_EQ(::testing::PrintToString(StatusCode::kNotFound), "NOT_FOUND");
  EXPECT_THAT(::testing::PrintToString(NoSeven()), AllOf(HasSubstr("NOT_FOUND"), HasSubstr("number.missing")));
}

}  // namespace
}  // namespace vault
