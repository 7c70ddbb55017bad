#include "audit/hashing.h"

#include <openssl/evp.h>

namespace concord::audit {

Digest sha256(std::string_view data) {
  // Fetched once: OpenSSL 3's implicit fetch per call takes a global lock.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, kSha256, nullptr);
  return d;
}

std::string toHex(const uint8_t* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[data[i] >> 4];
    s[2 * i + 1] = kDigits[data[i] & 15];
  }
  return s;
}

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
