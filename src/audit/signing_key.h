// SigningKey: the Ed25519 key that seals audit checkpoints (OpenSSL EVP). The private key is a
// PKCS#8 PEM file (mode 0600), created on first use if missing, with its public key beside it
// as "<path>.pub" (SubjectPublicKeyInfo PEM). Immutable after load; sign() is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "audit/file_system.h"
#include "common/result.h"

namespace concord::audit {

class SigningKey {
 public:
  static Result<std::shared_ptr<const SigningKey>> loadOrCreate(FileSystem& fs, const std::string& path);
  static Result<std::shared_ptr<const SigningKey>> generate();  // in memory (tests)
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  const std::string& publicKeyRaw() const { return pub_; }  // 32 bytes
  std::string publicKeyHex() const;
  std::string sign(std::string_view message) const;  // 64 raw bytes; empty on failure
  std::string privatePem() const;
  std::string publicPem() const;

 private:
  explicit SigningKey(void* pkey);
  void* pkey_;  // EVP_PKEY*
  std::string pub_;
};

// Ed25519 verification with a raw 32-byte public key.
bool verifyEd25519(std::string_view public_raw, std::string_view message, std::string_view signature);
// Reads a public key PEM ("<key>.pub") and returns the raw 32 bytes.
Result<std::string> loadPublicKeyRaw(FileSystem& fs, const std::string& pub_path);

}  // namespace concord::audit
