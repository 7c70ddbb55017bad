#include "label/key_ring.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "label/codec.h"

namespace concord::label {
namespace fs = std::filesystem;
namespace {

Error ioError(const std::string& what) { return makeError("label.keyring_io", what); }

std::string readFile(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool writeFile(const fs::path& p, const std::string& data, mode_t mode) {
  fs::path tmp = p;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << data;
    if (!out.flush()) return false;
  }
  ::chmod(tmp.c_str(), mode);
  std::error_code ec;
  fs::rename(tmp, p, ec);  // atomic replace: a crash leaves the old file or the new one
  return !ec;
}

std::string rawPublic(EVP_PKEY* k) {
  unsigned char buf[32];
  size_t n = sizeof buf;
  if (EVP_PKEY_get_raw_public_key(k, buf, &n) != 1) return {};
  return std::string(reinterpret_cast<char*>(buf), n);
}

std::string kidOf(const std::string& raw) {
  return "ed25519-" + hex(sha256(raw)).substr(0, 16);
}

std::string pem(EVP_PKEY* k, bool priv) {
  BIO* b = BIO_new(BIO_s_mem());
  int ok = priv ? PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr)
                : PEM_write_bio_PUBKEY(b, k);
  std::string out;
  if (ok == 1) {
    char* data;
    long n = BIO_get_mem_data(b, &data);
    out.assign(data, n);
  }
  BIO_free(b);
  return out;
}

EVP_PKEY* parsePem(const std::string& text, bool priv) {
  BIO* b = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  EVP_PKEY* k = priv ? PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr)
                     : PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (k && EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return nullptr;
  }
  return k;
}

EVP_PKEY* generate() {
  EVP_PKEY* k = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (ctx && EVP_PKEY_keygen_init(ctx) == 1) EVP_PKEY_keygen(ctx, &k);
  EVP_PKEY_CTX_free(ctx);
  return k;
}

// Writes a new key's files and returns its ring.json entry.
Result<nlohmann::json> addKey(const fs::path& dir, const Clock& clock) {
  EVP_PKEY* k = generate();
  if (!k) return makeError("label.keygen", "Ed25519 key generation failed");
  std::string kid = kidOf(rawPublic(k));
  bool ok = writeFile(dir / (kid + ".key.pem"), pem(k, true), 0600) &&
            writeFile(dir / (kid + ".pub.pem"), pem(k, false), 0644);
  EVP_PKEY_free(k);
  if (!ok) return ioError("cannot write key files in " + dir.string());
  return nlohmann::json{{"kid", kid}, {"created", rfc3339Micros(clock.nowMicros())}};
}

}  // namespace

KeyRing::~KeyRing() {
  for (auto& k : keys_) {
    EVP_PKEY_free(k.priv);
    EVP_PKEY_free(k.pub);
  }
}

Result<std::shared_ptr<const KeyRing>> KeyRing::load(const std::string& dir) {
  bool ok;
  std::string text = readFile(fs::path(dir) / "ring.json", ok);
  if (!ok) return makeError("label.keyring_missing", "no provenance key ring in " + dir +
                                                         " (run `concord provenance keygen`)");
  auto bad = [&](const std::string& why) {
    return makeError("label.keyring_bad", dir + "/ring.json: " + why);
  };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") || !j["keys"].is_array() ||
      !j.contains("current") || !j["current"].is_string())
    return bad("expected {\"current\":..,\"keys\":[..]}");
  std::shared_ptr<KeyRing> ring(new KeyRing());
  ring->current_ = j["current"].get<std::string>();
  for (const auto& e : j["keys"]) {
    if (!e.is_object() || !e.contains("kid") || !e["kid"].is_string()) return bad("key without kid");
    Key key;
    key.info.kid = e["kid"].get<std::string>();
    if (e.contains("created") && e["created"].is_string()) key.info.created = e["created"].get<std::string>();
    std::string pub = readFile(fs::path(dir) / (key.info.kid + ".pub.pem"), ok);
    if (!ok || !(key.pub = parsePem(pub, false))) return bad("missing or bad " + key.info.kid + ".pub.pem");
    key.info.public_raw = rawPublic(key.pub);
    std::string priv = readFile(fs::path(dir) / (key.info.kid + ".key.pem"), ok);
    bool kid_ok = kidOf(key.info.public_raw) == key.info.kid;
    if (ok) {
      key.priv = parsePem(priv, true);
      if (!key.priv || rawPublic(key.priv) != key.info.public_raw) kid_ok = false;
      key.info.has_private = true;
    }
    if (!kid_ok) {
      EVP_PKEY_free(key.pub);
      EVP_PKEY_free(key.priv);
      return bad("key files of " + key.info.kid + " do not match its kid");
    }
    key.info.current = key.info.kid == ring->current_;
    ring->keys_.push_back(std::move(key));
  }
  if (!ring->find(ring->current_)) return bad("current key " + ring->current_ + " is not in the ring");
  return std::shared_ptr<const KeyRing>(std::move(ring));
}

Result<std::string> KeyRing::keygen(const std::string& dir, const Clock& clock) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "ring.json"))
    return makeError("label.keyring_exists", dir + " already holds a key ring (use rotate)");
  fs::create_directories(dir, ec);
  if (ec) return ioError("cannot create " + dir + ": " + ec.message());
  auto entry = addKey(dir, clock);
  if (!entry.ok()) return entry.error();
  nlohmann::json ring{{"current", (*entry)["kid"]}, {"keys", nlohmann::json::array({*entry})}};
  if (!writeFile(fs::path(dir) / "ring.json", ring.dump(2) + "\n", 0644))
    return ioError("cannot write " + dir + "/ring.json");
  return (*entry)["kid"].get<std::string>();
}

Result<std::string> KeyRing::rotate(const std::string& dir, const Clock& clock) {
  auto current = load(dir);
  if (!current.ok()) return current.error();
  bool ok;
  nlohmann::json ring = nlohmann::json::parse(readFile(fs::path(dir) / "ring.json", ok));
  auto entry = addKey(dir, clock);
  if (!entry.ok()) return entry.error();
  ring["keys"].push_back(*entry);
  ring["current"] = (*entry)["kid"];
  if (!writeFile(fs::path(dir) / "ring.json", ring.dump(2) + "\n", 0644))
    return ioError("cannot write " + dir + "/ring.json");
  return (*entry)["kid"].get<std::string>();
}

std::shared_ptr<const KeyRing> KeyRing::ephemeralForTest() {
  std::shared_ptr<KeyRing> ring(new KeyRing());
  Key k;
  k.priv = generate();
  k.pub = parsePem(pem(k.priv, false), false);
  k.info.public_raw = rawPublic(k.pub);
  k.info.kid = kidOf(k.info.public_raw);
  k.info.has_private = true;
  k.info.current = true;
  ring->current_ = k.info.kid;
  ring->keys_.push_back(std::move(k));
  return ring;
}

const KeyRing::Key* KeyRing::find(std::string_view kid) const {
  for (const auto& k : keys_)
    if (k.info.kid == kid) return &k;
  return nullptr;
}

std::vector<KeyInfo> KeyRing::keys() const {
  std::vector<KeyInfo> out;
  for (const auto& k : keys_) out.push_back(k.info);
  return out;
}

bool KeyRing::canSign() const {
  const Key* k = find(current_);
  return k && k->priv;
}

Result<std::string> KeyRing::sign(std::string_view message) const {
  const Key* k = find(current_);
  if (!k || !k->priv) return makeError("label.no_signing_key", "the current provenance key has no private part");
  unsigned char sig[64];
  size_t n = sizeof sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, k->priv) == 1 &&
            EVP_DigestSign(ctx, sig, &n, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return makeError("label.sign_failed", "Ed25519 signing failed");
  return std::string(reinterpret_cast<char*>(sig), n);
}

bool KeyRing::verify(std::string_view kid, std::string_view message, std::string_view sig) const {
  const Key* k = find(kid);
  if (!k || sig.size() != 64) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, k->pub) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::string KeyRing::jwks() const {
  nlohmann::json keys = nlohmann::json::array();
  auto add = [&](const Key& k) {
    keys.push_back({{"kty", "OKP"}, {"crv", "Ed25519"}, {"kid", k.info.kid},
                    {"x", base64url(k.info.public_raw)}, {"use", "sig"}, {"alg", "EdDSA"}});
  };
  if (const Key* c = find(current_)) add(*c);
  for (const auto& k : keys_)
    if (k.info.kid != current_) add(k);
  return nlohmann::json{{"keys", keys}}.dump();
}

}  // namespace concord::label
