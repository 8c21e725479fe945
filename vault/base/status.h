// Status and StatusOr: the error currency of the vault core.
//
// The core never throws across its API. Every fallible call returns a Status
// (or a StatusOr<T>) carrying a canonical code, a stable machine-readable
// reason (for example "blob.chunk_auth_failed") that clients and tests match
// on, and a human-readable message that never contains secrets or plaintext.
//
// Thread-safety: value types; safe to copy between threads.
#pragma once

#include <cassert>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>

namespace vault {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kFailedPrecondition,
  kDataLoss,  // integrity failure: authentication or hash mismatch
  kUnauthenticated,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

const char* StatusCodeName(StatusCode code);
// Writes StatusCodeName(code), so test failures name the code.
std::ostream& operator<<(std::ostream& os, StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Stable dotted identifier, e.g. "field.invalid"; empty when ok.
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string reason_;
  std::string message_;
};

// Writes s.ToString().
std::ostream& operator<<(std::ostream& os, const Status& s);

inline Status InvalidArgumentError(std::string reason, std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(reason), std::move(message));
}
inline Status NotFoundError(std::string reason, std::string message) {
  return Status(StatusCode::kNotFound, std::move(reason), std::move(message));
}
inline Status AlreadyExistsError(std::string reason, std::string message) {
  return Status(StatusCode::kAlreadyExists, std::move(reason), std::move(message));
}
inline Status FailedPreconditionError(std::string reason, std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(reason), std::move(message));
}
inline Status DataLossError(std::string reason, std::string message) {
  return Status(StatusCode::kDataLoss, std::move(reason), std::move(message));
}
inline Status ResourceExhaustedError(std::string reason, std::string message) {
  return Status(StatusCode::kResourceExhausted, std::move(reason), std::move(message));
}
inline Status UnavailableError(std::string reason, std::string message) {
  return Status(StatusCode::kUnavailable, std::move(reason), std::move(message));
}
inline Status InternalError(std::string reason, std::string message) {
  return Status(StatusCode::kInternal, std::move(reason), std::move(message));
}

// StatusOr<T> holds either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "StatusOr constructed from an ok Status without a value");
    if (status_.ok()) status_ = InternalError("internal.statusor", "ok status without value");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace vault

#define VAULT_CONCAT_INNER_(a, b) a##b
#define VAULT_CONCAT_(a, b) VAULT_CONCAT_INNER_(a, b)

#define VAULT_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::vault::Status vault_status_ = (expr);  \
    if (!vault_status_.ok()) return vault_status_; \
  } while (0)

#define VAULT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#define VAULT_ASSIGN_OR_RETURN(lhs, expr) \
  VAULT_ASSIGN_OR_RETURN_IMPL_(VAULT_CONCAT_(vault_statusor_, __LINE__), lhs, expr)
