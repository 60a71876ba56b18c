// Status and StatusOr<T>: expected failures as values.
//
// A Status is either OK or carries a code, a message and an optional location (file, line or
// byte offset) so a person can find the bad input. Functions that can fail on input return a
// Status or a StatusOr<T>; exceptions and aborts are reserved for programmer errors.
//
// Thread safety: plain values; copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cordon {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input or flags
  kNotFound,
  kIoError,            // a file could not be read or written
  kCorrupt,            // input data that does not parse
  kUnsupported,        // a format or feature cordon does not handle
  kResourceExhausted,  // over a configured limit
  kInternal,
};

const char* StatusCodeName(StatusCode code);

// Where a problem is: "file:line", "file@offset" or "file" alone.
struct Location {
  std::string file;
  int64_t line = 0;     // 1-based; 0 when unknown
  int64_t offset = -1;  // byte offset; -1 when unknown
  std::string ToString() const;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, Location where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m, Location w = {}) {
    return Status(StatusCode::kInvalidArgument, std::move(m), std::move(w));
  }
  static Status NotFound(std::string m, Location w = {}) {
    return Status(StatusCode::kNotFound, std::move(m), std::move(w));
  }
  static Status IoError(std::string m, Location w = {}) {
    return Status(StatusCode::kIoError, std::move(m), std::move(w));
  }
  static Status Corrupt(std::string m, Location w = {}) {
    return Status(StatusCode::kCorrupt, std::move(m), std::move(w));
  }
  static Status Unsupported(std::string m, Location w = {}) {
    return Status(StatusCode::kUnsupported, std::move(m), std::move(w));
  }
  static Status ResourceExhausted(std::string m, Location w = {}) {
    return Status(StatusCode::kResourceExhausted, std::move(m), std::move(w));
  }
  static Status Internal(std::string m, Location w = {}) {
    return Status(StatusCode::kInternal, std::move(m), std::move(w));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const Location& where() const { return where_; }

  // Returns a copy with the location set (when it had none).
  Status At(Location w) const;

  // "file:line: corrupt: message", or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  Location where_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("StatusOr built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace cordon

#define CORDON_CONCAT_INNER(a, b) a##b
#define CORDON_CONCAT(a, b) CORDON_CONCAT_INNER(a, b)

// Returns from the current function when `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)      \
  do {                             \
    ::cordon::Status _st = (expr); \
    if (!_st.ok()) return _st;     \
  } while (0)

// ASSIGN_OR_RETURN(auto x, MakeX()); binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CORDON_CONCAT(_status_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
