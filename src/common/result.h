// Result<T>: a value or an Error, for code that must not throw (the request path, loaders).
// An Error carries a stable machine-readable code (e.g. "config.unknown_key") and a message
// that a person can act on. Plain value types; any thread.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace concord {

struct Error {
  std::string code;     // stable, switchable: "module.reason"
  std::string message;  // one line, for people
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: a Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}
  static Status okStatus() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error makeError(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace concord
