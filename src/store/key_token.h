// The API key's text format and its hash, apart from storage so both the store and tests use
// one definition.
//
//   sk-concord-<id>-<secret>     e.g. sk-concord-k3f9q2mz7a4x-<40 chars>
//
// <id> is 12 characters of lowercase base32 (a-z, 2-7), 60 random bits: public, shown in
// lists, logs and audit records. <secret> is 40 characters of the same alphabet, 200 bits from
// RAND_bytes: shown once at creation, stored only as SHA-256(secret). Parsing accepts secrets
// of 32..128 characters so a later, longer format still parses.
// Plain functions; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace concord::store {

inline constexpr std::string_view kKeyPrefix = "sk-concord-";
inline constexpr size_t kKeyIdLength = 12;
inline constexpr size_t kSecretLength = 40;
inline constexpr size_t kMinSecretLength = 32;
inline constexpr size_t kMaxSecretLength = 128;

using SecretHash = std::array<uint8_t, 32>;

struct KeyToken {
  std::string_view id;      // views into the parsed text
  std::string_view secret;
};

struct GeneratedKey {
  std::string id;
  std::string secret;
  std::string plain;  // the full key given to the user, once
};

// nullopt when the text is not a well-formed Concord key (prefix, id, separator, alphabet,
// lengths). Does not allocate.
std::optional<KeyToken> parseKeyToken(std::string_view text);

// True for a 12-character lowercase base32 id (used to validate `keys revoke ID`).
bool isValidKeyId(std::string_view id);

// A fresh random key; fails only if the OpenSSL RNG fails.
Result<GeneratedKey> generateKey();

// SHA-256 of the secret via OpenSSL EVP (the fetched digest is cached).
SecretHash hashSecret(std::string_view secret);

// Constant-time equality, for comparing a computed hash with a stored one.
bool equalHashes(const SecretHash& a, std::string_view stored);

}  // namespace concord::store
