// GoogleTest matchers for vault::Status and vault::StatusOr<T>.
//
//   EXPECT_THAT(store.Put(x), IsOk());
//   EXPECT_THAT(ring.Find("k1"), IsOkAndHolds(Field(&Key::id, "k1")));
//   EXPECT_THAT(reader.Read(), StatusIs(StatusCode::kDataLoss));
//   EXPECT_THAT(reader.Read(), StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
//   EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, "field.invalid", HasSubstr("too long")));
//
// Every matcher accepts a Status or any StatusOr<T>. The code, reason and
// message arguments are values or matchers (`_`, HasSubstr, StartsWith...).
// A failing match prints the code, reason and message it got, so a test says
// why it failed without a debugger.
//
// GoogleTest prints Status and StatusCode with their operator<< (status.h);
// the PrintTo below prints a StatusOr<T> as its status or its value.
#pragma once

#include <gmock/gmock.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "vault/base/status.h"

namespace vault {

template <typename T>
void PrintTo(const StatusOr<T>& s, std::ostream* os) {
  if (s.ok()) {
    *os << "OK holding " << ::testing::PrintToString(s.value());
  } else {
    *os << s.status();
  }
}

namespace testing {
namespace status_matchers_internal {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const StatusOr<T>& s) {
  return s.status();
}

// "which is OK" / "which is DATA_LOSS reason=... message=..."
inline void ExplainStatus(const Status& s, ::testing::MatchResultListener* listener) {
  *listener << "which is ";
  if (s.ok()) {
    *listener << "OK";
  } else {
    *listener << StatusCodeName(s.code()) << " reason=\"" << s.reason() << "\" message=\"" << s.message() << "\"";
  }
}

class IsOkMatcher {
 public:
  template <typename S>
  bool MatchAndExplain(const S& s, ::testing::MatchResultListener* listener) const {
    const Status& status = GetStatus(s);
    if (!status.ok()) ExplainStatus(status, listener);
    return status.ok();
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

class StatusIsMatcher {
 public:
  StatusIsMatcher(::testing::Matcher<StatusCode> code, ::testing::Matcher<const std::string&> reason,
                  ::testing::Matcher<const std::string&> message)
      : code_(std::move(code)), reason_(std::move(reason)), message_(std::move(message)) {}

  template <typename S>
  bool MatchAndExplain(const S& s, ::testing::MatchResultListener* listener) const {
    const Status& status = GetStatus(s);
    const bool matches =
        code_.Matches(status.code()) && reason_.Matches(status.reason()) && message_.Matches(status.message());
    ExplainStatus(status, listener);
    return matches;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a code that ";
    code_.DescribeTo(os);
    *os << ", a reason that ";
    reason_.DescribeTo(os);
    *os << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have a code that ";
    code_.DescribeTo(os);
    *os << ", or a reason that ";
    reason_.DescribeTo(os);
    *os << ", or a message that ";
    message_.DescribeTo(os);
  }

 private:
  ::testing::Matcher<StatusCode> code_;
  ::testing::Matcher<const std::string&> reason_;
  ::testing::Matcher<const std::string&> message_;
};

template <typename T>
struct StatusOrValue;
template <typename T>
struct StatusOrValue<StatusOr<T>> {
  using type = T;
};

// Monomorphic implementation for one StatusOr<T>; `StatusOrRef` is the
// argument type the assertion uses (for example const StatusOr<int>&).
template <typename StatusOrRef>
class IsOkAndHoldsImpl : public ::testing::MatcherInterface<StatusOrRef> {
 public:
  using Value = typename StatusOrValue<std::decay_t<StatusOrRef>>::type;

  template <typename InnerMatcher>
  explicit IsOkAndHoldsImpl(InnerMatcher&& inner)
      : inner_(::testing::SafeMatcherCast<const Value&>(std::forward<InnerMatcher>(inner))) {}

  bool MatchAndExplain(StatusOrRef s, ::testing::MatchResultListener* listener) const override {
    if (!s.ok()) {
      ExplainStatus(s.status(), listener);
      return false;
    }
    ::testing::StringMatchResultListener inner_listener;
    const bool matches = inner_.MatchAndExplain(s.value(), &inner_listener);
    *listener << "which is OK holding " << ::testing::PrintToString(s.value());
    const std::string explanation = inner_listener.str();
    if (!explanation.empty()) *listener << ", " << explanation;
    return matches;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "is OK and holds a value that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "is not OK or holds a value that ";
    inner_.DescribeNegationTo(os);
  }

 private:
  ::testing::Matcher<const Value&> inner_;
};

template <typename InnerMatcher>
class IsOkAndHoldsMatcher {
 public:
  explicit IsOkAndHoldsMatcher(InnerMatcher inner) : inner_(std::move(inner)) {}

  template <typename StatusOrRef>
  operator ::testing::Matcher<StatusOrRef>() const {  // NOLINT: implicit by design
    return ::testing::Matcher<StatusOrRef>(new IsOkAndHoldsImpl<const std::decay_t<StatusOrRef>&>(inner_));
  }

 private:
  InnerMatcher inner_;
};

}  // namespace status_matchers_internal

// Matches an ok Status or an ok StatusOr<T>.
inline ::testing::PolymorphicMatcher<status_matchers_internal::IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::IsOkMatcher());
}

// Matches an ok StatusOr<T> whose value matches `inner` (a value or a matcher).
template <typename InnerMatcher>
status_matchers_internal::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>> IsOkAndHolds(InnerMatcher&& inner) {
  return status_matchers_internal::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>>(std::forward<InnerMatcher>(inner));
}

// Matches a Status or StatusOr<T> whose code, and optionally reason and
// message, match. Each argument is a value or a matcher.
template <typename CodeMatcher, typename ReasonMatcher, typename MessageMatcher>
::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(CodeMatcher code,
                                                                                  ReasonMatcher reason,
                                                                                  MessageMatcher message) {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::StatusIsMatcher(
      ::testing::MatcherCast<StatusCode>(code), ::testing::MatcherCast<const std::string&>(reason),
      ::testing::MatcherCast<const std::string&>(message)));
}

template <typename CodeMatcher, typename ReasonMatcher>
::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(CodeMatcher code,
                                                                                  ReasonMatcher reason) {
  return StatusIs(code, reason, ::testing::_);
}

template <typename CodeMatcher>
::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(CodeMatcher code) {
  return StatusIs(code, ::testing::_, ::testing::_);
}

}  // namespace testing
}  // namespace vault
