#include "common/sha256.h"

#include <openssl/evp.h>

namespace concord {

Sha256Digest sha256(std::string_view bytes) {
  // Fetched once: OpenSSL 3's implicit fetch per call takes a global lock.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Sha256Digest d{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), d.data(), &len, kSha256, nullptr);
  return d;
}

std::string toHex(const uint8_t* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[data[i] >> 4];
    s[2 * i + 1] = kDigits[data[i] & 15];
  }
  return s;
}

}  // namespace concord
