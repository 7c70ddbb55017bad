// JsonWriter: a small append-only JSON writer for the writer thread's hot loop (one exchange
// record per call), several times faster than building an nlohmann::json tree. The caller
// emits keys in sorted order (docs/audit-format.md, section 3). Strings are escaped as JSON
// requires and invalid UTF-8 becomes U+FFFD, so the output always parses. One instance per
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace concord::audit {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  void beginObject() { sep(); out_.push_back('{'); first_ = true; }
  void endObject() { out_.push_back('}'); first_ = false; }
  void beginArray() { sep(); out_.push_back('['); first_ = true; }
  void endArray() { out_.push_back(']'); first_ = false; }
  void key(std::string_view k) { sep(); writeString(k); out_.push_back(':'); first_ = true; }
  void string(std::string_view v) { sep(); writeString(v); }
  void integer(int64_t v);
  void unsignedInteger(uint64_t v);
  void number(double v);  // non-finite values are written as 0
  void boolean(bool v) { sep(); out_ += v ? "true" : "false"; }

 private:
  void sep() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  void writeString(std::string_view s);
  std::string& out_;
  bool first_ = true;
};

}  // namespace concord::audit
