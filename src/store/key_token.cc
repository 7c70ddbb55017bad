#include "store/key_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace concord::store {

namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

bool inAlphabet(char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }

bool allInAlphabet(std::string_view s) {
  for (char c : s)
    if (!inAlphabet(c)) return false;
  return true;
}

// 256 is a multiple of 32, so masking each random byte gives uniform characters.
bool randomBase32(size_t n, std::string& out) {
  unsigned char buf[kMaxSecretLength];
  if (n > sizeof buf || RAND_bytes(buf, static_cast<int>(n)) != 1) return false;
  out.resize(n);
  for (size_t i = 0; i < n; ++i) out[i] = kAlphabet[buf[i] & 31];
  OPENSSL_cleanse(buf, sizeof buf);
  return true;
}

// Fetching the digest once avoids OpenSSL 3's implicit per-call provider lookup, which costs
// more than hashing a 40-byte secret.
const EVP_MD* sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

std::optional<KeyToken> parseKeyToken(std::string_view text) {
  if (text.size() < kKeyPrefix.size() + kKeyIdLength + 1 + kMinSecretLength) return std::nullopt;
  if (text.size() > kKeyPrefix.size() + kKeyIdLength + 1 + kMaxSecretLength) return std::nullopt;
  if (text.substr(0, kKeyPrefix.size()) != kKeyPrefix) return std::nullopt;
  text.remove_prefix(kKeyPrefix.size());
  KeyToken t{text.substr(0, kKeyIdLength), text.substr(kKeyIdLength + 1)};
  if (text[kKeyIdLength] != '-') return std::nullopt;
  if (!allInAlphabet(t.id) || !allInAlphabet(t.secret)) return std::nullopt;
  return t;
}

bool isValidKeyId(std::string_view id) {
  return id.size() == kKeyIdLength && allInAlphabet(id);
}

Result<GeneratedKey> generateKey() {
  GeneratedKey k;
  if (!randomBase32(kKeyIdLength, k.id) || !randomBase32(kSecretLength, k.secret))
    return makeError("store.random", "the OpenSSL random generator failed");
  k.plain.reserve(kKeyPrefix.size() + kKeyIdLength + 1 + kSecretLength);
  k.plain.append(kKeyPrefix).append(k.id).append(1, '-').append(k.secret);
  return k;
}

SecretHash hashSecret(std::string_view secret) {
  SecretHash out{};
  unsigned int len = 0;
  EVP_Digest(secret.data(), secret.size(), out.data(), &len, sha256(), nullptr);
  return out;
}

bool equalHashes(const SecretHash& a, std::string_view stored) {
  if (stored.size() != a.size()) return false;
  return CRYPTO_memcmp(a.data(), stored.data(), a.size()) == 0;
}

}  // namespace concord::store
