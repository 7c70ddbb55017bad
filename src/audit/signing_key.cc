#include "audit/signing_key.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "audit/hashing.h"

namespace concord::audit {
namespace {

std::string bioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, size_t(n));
}

}  // namespace

SigningKey::SigningKey(void* pkey) : pkey_(pkey) {
  size_t len = 32;
  pub_.resize(32);
  EVP_PKEY_get_raw_public_key(static_cast<EVP_PKEY*>(pkey_), reinterpret_cast<unsigned char*>(pub_.data()), &len);
  pub_.resize(len);
}

SigningKey::~SigningKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

std::string SigningKey::publicKeyHex() const {
  return toHex(reinterpret_cast<const uint8_t*>(pub_.data()), pub_.size());
}

std::string SigningKey::sign(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig(64, '\0');
  size_t len = sig.size();
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_)) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return {};
  sig.resize(len);
  return sig;
}

std::string SigningKey::privatePem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(pkey_), nullptr, nullptr, 0, nullptr, nullptr);
  std::string s = bioString(bio);
  BIO_free(bio);
  return s;
}

std::string SigningKey::publicPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, static_cast<EVP_PKEY*>(pkey_));
  std::string s = bioString(bio);
  BIO_free(bio);
  return s;
}

Result<std::shared_ptr<const SigningKey>> SigningKey::generate() {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return makeError("audit.key", "cannot generate an Ed25519 key");
  return std::shared_ptr<const SigningKey>(new SigningKey(pkey));
}

Result<std::shared_ptr<const SigningKey>> SigningKey::loadOrCreate(FileSystem& fs, const std::string& path) {
  if (!fs.exists(path)) {
    auto key = generate();
    if (!key) return key;
    std::string dir = dirName(path);
    if (Status s = fs.createDir(dir); !s) return s.error();
    std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    if (Status s = writeFileAtomic(fs, dir, base + ".pub", (*key)->publicPem()); !s) return s.error();
    if (Status s = writeFileAtomic(fs, dir, base, (*key)->privatePem(), 0600); !s) return s.error();
    return key;
  }
  auto pem = fs.readFile(path);
  if (!pem) return pem.error();
  BIO* bio = BIO_new_mem_buf(pem->data(), int(pem->size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey) return makeError("audit.key", "cannot read the audit signing key " + path);
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return makeError("audit.key", "the audit signing key is not Ed25519: " + path);
  }
  return std::shared_ptr<const SigningKey>(new SigningKey(pkey));
}

bool verifyEd25519(std::string_view pub, std::string_view message, std::string_view sig) {
  if (pub.size() != 32 || sig.size() != 64) return false;
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                               reinterpret_cast<const unsigned char*>(pub.data()), 32);
  if (!pkey) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

Result<std::string> loadPublicKeyRaw(FileSystem& fs, const std::string& pub_path) {
  auto pem = fs.readFile(pub_path);
  if (!pem) return pem.error();
  BIO* bio = BIO_new_mem_buf(pem->data(), int(pem->size()));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey) return makeError("audit.key", "cannot read the audit public key " + pub_path);
  std::string raw(32, '\0');
  size_t len = 32;
  bool ok = EVP_PKEY_get_id(pkey) == EVP_PKEY_ED25519 &&
            EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) == 1;
  EVP_PKEY_free(pkey);
  if (!ok) return makeError("audit.key", "the audit public key is not Ed25519: " + pub_path);
  return raw;
}

}  // namespace concord::audit
