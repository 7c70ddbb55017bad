#include "audit/json_writer.h"

#include <charconv>
#include <cmath>

namespace concord::audit {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
size_t utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return uint8_t(s[i + k]); };
  uint8_t c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
  if (n == 2 && c < 0xC2) return 0;
  if (n == 3 && ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) >= 0xA0))) return 0;
  if (n == 4 && ((c == 0xF0 && b(1) < 0x90) || c > 0xF4 || (c == 0xF4 && b(1) >= 0x90))) return 0;
  return n;
}

}  // namespace

void JsonWriter::integer(int64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::unsignedInteger(uint64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::number(double v) {
  sep();
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::writeString(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out_.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = uint8_t(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      size_t j = i + 1;  // a run of plain ASCII: append at once
      while (j < s.size() && uint8_t(s[j]) >= 0x20 && uint8_t(s[j]) < 0x80 && s[j] != '"' && s[j] != '\\') ++j;
      out_.append(s.substr(i, j - i));
      i = j;
      continue;
    }
    switch (c) {
      case '"': out_ += "\\\""; ++i; continue;
      case '\\': out_ += "\\\\"; ++i; continue;
      case '\n': out_ += "\\n"; ++i; continue;
      case '\r': out_ += "\\r"; ++i; continue;
      case '\t': out_ += "\\t"; ++i; continue;
      case '\b': out_ += "\\b"; ++i; continue;
      case '\f': out_ += "\\f"; ++i; continue;
      default: break;
    }
    if (c < 0x20) {
      out_ += "\\u00";
      out_.push_back(kHex[c >> 4]);
      out_.push_back(kHex[c & 15]);
      ++i;
      continue;
    }
    size_t n = utf8Length(s, i);
    if (n == 0) {
      out_ += "\xEF\xBF\xBD";  // U+FFFD for each invalid byte: the record stays writable
      ++i;
    } else {
      out_.append(s.substr(i, n));
      i += n;
    }
  }
  out_.push_back('"');
}

}  // namespace concord::audit
