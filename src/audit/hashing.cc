#include "audit/hashing.h"


namespace concord::audit {

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string fromHex(std::string_view hex, bool* ok) {
  std::string out;
  *ok = hex.size() % 2 == 0;
  if (!*ok) return out;
  out.resize(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hexValue(hex[2 * i]), lo = hexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      *ok = false;
      return {};
    }
    out[i] = char(hi << 4 | lo);
  }
  return out;
}

bool digestFromHex(std::string_view hex, Digest& out) {
  if (hex.size() != 64) return false;
  bool ok = false;
  std::string raw = fromHex(hex, &ok);
  if (!ok) return false;
  for (size_t i = 0; i < 32; ++i) out[i] = uint8_t(raw[i]);
  return true;
}

}  // namespace concord::audit
