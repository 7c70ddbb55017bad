// KeyRing: the gateway's Ed25519 provenance keys in one directory (default
// ./data/provenance/). Layout (docs/provenance-format.md §6):
//   ring.json           {"current":"<kid>","keys":[{"kid":..,"created":..},...]}
//   <kid>.key.pem       PKCS#8 private key, mode 0600 (absent on verify-only copies)
//   <kid>.pub.pem       SubjectPublicKeyInfo public key
// kid = "ed25519-" + first 8 bytes (16 hex) of SHA-256 of the raw 32-byte public key.
// Rotation adds a key and makes it current; old keys stay in the ring so that everything they
// signed keeps verifying. A loaded KeyRing is immutable (share it as shared_ptr<const>); a
// rotation writes the directory and the owner loads a new ring. Any thread may read.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace concord::label {

inline constexpr std::string_view kDefaultKeyDir = "./data/provenance";

struct KeyInfo {
  std::string kid;
  std::string created;      // RFC 3339
  std::string public_raw;   // 32 bytes
  bool has_private = false;
  bool current = false;
};

class KeyRing {
 public:
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Loads the ring in `dir`. Errors: "label.keyring_missing", "label.keyring_bad".
  static Result<std::shared_ptr<const KeyRing>> load(const std::string& dir);
  // Creates `dir` (if needed) with a first key; "label.keyring_exists" if it has a ring.
  static Result<std::string> keygen(const std::string& dir, const Clock& clock);
  // Adds a new current key to an existing ring; returns its kid.
  static Result<std::string> rotate(const std::string& dir, const Clock& clock);
  // A ring held only in memory (tests, benchmarks): one fresh key.
  static std::shared_ptr<const KeyRing> ephemeralForTest();

  const std::string& currentKid() const { return current_; }
  std::vector<KeyInfo> keys() const;
  bool canSign() const;

  // Ed25519 signature of `message` with the current private key (64 bytes).
  Result<std::string> sign(std::string_view message) const;
  // True if `signature` is a valid signature of `message` by key `kid` of this ring.
  bool verify(std::string_view kid, std::string_view message, std::string_view signature) const;

  // {"keys":[{"kty":"OKP","crv":"Ed25519","kid":..,"x":<base64url>,"use":"sig",
  //  "alg":"EdDSA"}...]}, current key first; for /.well-known/concord/provenance-keys.
  std::string jwks() const;

 private:
  struct Key {
    KeyInfo info;
    EVP_PKEY* priv = nullptr;
    EVP_PKEY* pub = nullptr;
  };
  KeyRing() = default;
  const Key* find(std::string_view kid) const;

  std::vector<Key> keys_;
  std::string current_;
};

}  // namespace concord::label
