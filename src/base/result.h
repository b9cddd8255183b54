// Candor's one error policy: anything caused by input, the network or the disk is
// reported as a value (`Status` or `Result<T>`), never thrown. Broken invariants —
// states that cannot happen unless the code itself is wrong — abort loudly instead.
//
// This header is the whole of `src/base/`: it is the vocabulary every subsystem
// shares, and nothing else may be added to this folder (see README, "Architecture").
#ifndef CANDOR_BASE_RESULT_H_
#define CANDOR_BASE_RESULT_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace candor {

// What kind of failure happened. Callers branch on the code; people read the message.
enum class ErrorCode {
  kInvalidArgument,     // malformed or out-of-range input
  kVerificationFailed,  // a signature, proof, MAC or hash did not check
  kNotFound,
  kAlreadyExists,  // e.g. a second signature with the same tag
  kPermissionDenied,
  kUnauthenticated,  // wrong passphrase or password
  kFailedPrecondition,
  kResourceExhausted,
  kIo,
  kCorrupt,  // stored data that cannot be parsed
  kUnavailable,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

// An error: a code and a message written for the person who will read it.
class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy of this error whose message is prefixed with `context: `.
  Error WithContext(std::string_view context) const {
    return Error(code_, std::string(context) + ": " + message_);
  }

 private:
  ErrorCode code_;
  std::string message_;
};

namespace internal {
[[noreturn]] inline void DieOnBadAccess(const char* what) {
  (void)std::fprintf(stderr, "candor: fatal: %s\n", what);
  std::abort();
}
}  // namespace internal

// Either a T or an Error. Accessing the wrong alternative is a programming error
// and aborts (it is never the caller's input that makes it happen).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    if (!ok()) internal::DieOnBadAccess("Result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) internal::DieOnBadAccess("Result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) internal::DieOnBadAccess("Result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    if (ok()) internal::DieOnBadAccess("Result::error() on a value");
    return std::get<1>(v_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    if (ok_) internal::DieOnBadAccess("Status::error() on success");
    return error_;
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

inline Error InvalidArgument(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}
inline Error VerificationFailed(std::string message) {
  return Error(ErrorCode::kVerificationFailed, std::move(message));
}
inline Error NotFound(std::string message) {
  return Error(ErrorCode::kNotFound, std::move(message));
}

inline std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kVerificationFailed:
      return "verification failed";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kFailedPrecondition:
      return "failed precondition";
    case ErrorCode::kResourceExhausted:
      return "resource exhausted";
    case ErrorCode::kIo:
      return "i/o error";
    case ErrorCode::kCorrupt:
      return "corrupt data";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown error";
}

}  // namespace candor

// Evaluates `expr` (a Status or Result); on error, returns the error from the
// enclosing function.
#define CANDOR_CONCAT_INNER_(a, b) a##b
#define CANDOR_CONCAT_(a, b) CANDOR_CONCAT_INNER_(a, b)
// (The temporary is named after the line so that nested uses — a lambda inside the
// expression that itself uses the macro — do not shadow each other.)
#define CANDOR_RETURN_IF_ERROR(expr) \
  CANDOR_RETURN_IF_ERROR_IMPL_(CANDOR_CONCAT_(candor_status_, __LINE__), expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `tmp` and `lhs` are declarations, not expressions.
#define CANDOR_RETURN_IF_ERROR_IMPL_(tmp, expr) \
  do {                                          \
    auto&& tmp = (expr);                        \
    if (!tmp.ok()) return tmp.error();          \
  } while (0)
// `CANDOR_ASSIGN_OR_RETURN(auto x, Compute())`: binds the value or returns the error.
#define CANDOR_ASSIGN_OR_RETURN(lhs, expr) \
  CANDOR_ASSIGN_OR_RETURN_IMPL_(CANDOR_CONCAT_(candor_result_, __LINE__), lhs, expr)
#define CANDOR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.error();                  \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // CANDOR_BASE_RESULT_H_
