#include "label/signer.h"

#include <openssl/sha.h>

#include <map>
#include <nlohmann/json.hpp>

namespace concord::label {
namespace {

constexpr std::string_view kRootPrefix = "concord.provenance.v1\n";

Digest nodeHash(const Digest& l, const Digest& r) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::copy(l.begin(), l.end(), buf + 1);
  std::copy(r.begin(), r.end(), buf + 33);
  Digest d;
  SHA256(buf, sizeof buf, d.data());
  return d;
}

size_t splitPoint(size_t n) {  // largest power of two < n
  size_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

// RFC 9162 §2.1.1 tree hash and §2.1.3.1 inclusion paths, memoised over (start, size).
class Tree {
 public:
  explicit Tree(const std::vector<Digest>& leaves) : leaves_(leaves) {}
  Digest hash(size_t start, size_t n) {
    if (n == 1) return leaves_[start];
    auto key = std::make_pair(start, n);
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    size_t k = splitPoint(n);
    Digest d = nodeHash(hash(start, k), hash(start + k, n - k));
    memo_.emplace(key, d);
    return d;
  }
  void path(size_t m, size_t start, size_t n, std::vector<Digest>& out) {
    if (n == 1) return;
    size_t k = splitPoint(n);
    if (m < k) {
      path(m, start, k, out);
      out.push_back(hash(start + k, n - k));
    } else {
      path(m - k, start + k, n - k, out);
      out.push_back(hash(start, k));
    }
  }

 private:
  const std::vector<Digest>& leaves_;
  std::map<std::pair<size_t, size_t>, Digest> memo_;
};

}  // namespace

Digest leafHash(std::string_view canonical) {
  std::string buf;
  buf.reserve(canonical.size() + 1);
  buf += '\0';
  buf += canonical;
  return sha256(buf);
}

std::string rootMessage(const Digest& root, uint32_t size) {
  std::string m(kRootPrefix);
  for (int shift = 24; shift >= 0; shift -= 8) m += static_cast<char>((size >> shift) & 0xFF);
  m.append(reinterpret_cast<const char*>(root.data()), root.size());
  return m;
}

bool rootFromPath(const Digest& leaf, uint32_t index, uint32_t size, const std::vector<Digest>& path,
                  Digest& root) {
  if (size == 0 || index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  Digest r = leaf;
  for (const Digest& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = nodeHash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return false;
  root = r;
  return true;
}

bool verifySignature(const KeyRing& ring, std::string_view canonical, const Signature& s) {
  Digest root;
  if (!rootFromPath(leafHash(canonical), s.index, s.size, s.path, root)) return false;
  return ring.verify(s.kid, rootMessage(root, s.size), s.sig);
}

std::string signatureJson(const Signature& s) {
  std::string out = "{\"alg\":\"Ed25519\",\"kid\":\"" + s.kid + "\",\"sig\":\"" + base64url(s.sig) +
                    "\",\"tree\":{\"index\":" + std::to_string(s.index) + ",\"path\":[";
  for (size_t i = 0; i < s.path.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += base64url(std::string_view(reinterpret_cast<const char*>(s.path[i].data()), 32));
    out += '"';
  }
  out += "],\"size\":" + std::to_string(s.size) + "}}";
  return out;
}

Result<Signature> parseSignature(std::string_view text) {
  auto bad = [](const std::string& why) { return makeError("label.bad_signature", "signature: " + why); };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "alg" && it.key() != "kid" && it.key() != "sig" && it.key() != "tree")
      return bad("unknown member \"" + it.key() + "\"");
  if (!j.contains("tree")) return bad("tree is required");
  if (!j.contains("alg") || j["alg"] != "Ed25519") return bad("alg must be Ed25519");
  if (!j.contains("kid") || !j["kid"].is_string() || !j.contains("sig") || !j["sig"].is_string())
    return bad("kid and sig are required strings");
  Signature s;
  s.kid = j["kid"].get<std::string>();
  auto sig = base64urlDecode(j["sig"].get<std::string>());
  if (!sig || sig->size() != 64) return bad("sig must be 64 bytes in base64url");
  s.sig = *sig;
  {
    const auto& t = j["tree"];
    if (!t.is_object() || t.size() != 3 || !t.contains("index") || !t.contains("size") || !t.contains("path") ||
        !t["index"].is_number_unsigned() || !t["size"].is_number_unsigned() || !t["path"].is_array())
      return bad("tree needs index, size and path");
    if (t["size"].get<uint64_t>() > UINT32_MAX || t["path"].size() > 32) return bad("tree too large");
    s.index = static_cast<uint32_t>(t["index"].get<uint64_t>());
    s.size = static_cast<uint32_t>(t["size"].get<uint64_t>());
    for (const auto& p : t["path"]) {
      if (!p.is_string()) return bad("path entries are strings");
      auto d = base64urlDecode(p.get<std::string>());
      if (!d || d->size() != 32) return bad("path entries are 32 bytes in base64url");
      Digest dg;
      std::copy(d->begin(), d->end(), dg.begin());
      s.path.push_back(dg);
    }
  }
  return s;
}

Result<Signature> Signer::sign(std::string_view canonical) const {
  auto sig = ring_->sign(rootMessage(leafHash(canonical), 1));
  if (!sig.ok()) return sig.error();
  Signature s;
  s.kid = ring_->currentKid();
  s.sig = std::move(*sig);
  return s;
}

Result<std::vector<Signature>> Signer::signBatch(const std::vector<std::string_view>& canonicals) const {
  std::vector<Signature> out;
  if (canonicals.empty()) return out;
  std::vector<Digest> leaves;
  leaves.reserve(canonicals.size());
  for (auto c : canonicals) leaves.push_back(leafHash(c));
  Tree tree(leaves);
  auto sig = ring_->sign(rootMessage(tree.hash(0, leaves.size()), static_cast<uint32_t>(leaves.size())));
  if (!sig.ok()) return sig.error();
  out.resize(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    out[i].kid = ring_->currentKid();
    out[i].sig = *sig;
    out[i].index = static_cast<uint32_t>(i);
    out[i].size = static_cast<uint32_t>(leaves.size());
    tree.path(i, 0, leaves.size(), out[i].path);
  }
  return out;
}

BatchSigner::BatchSigner(std::shared_ptr<const KeyRing> ring, size_t max_batch,
                         std::chrono::microseconds max_wait)
    : ring_(std::move(ring)), max_batch_(max_batch ? max_batch : 1), max_wait_(max_wait) {
  thread_ = std::thread([this] { run(); });
}

BatchSigner::~BatchSigner() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BatchSigner::submit(std::string canonical, Done done, std::string kid) {
  bool wake;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (queue_.empty()) first_queued_ = std::chrono::steady_clock::now();
    queue_.push_back({std::move(canonical), std::move(done), std::move(kid)});
    // The thread waits for the first item (idle) or for a full batch (gathering); anything
    // else would only wake it early.
    wake = queue_.size() == 1 || queue_.size() >= max_batch_;
  }
  if (wake) cv_.notify_one();
}

void BatchSigner::setKeyRing(std::shared_ptr<const KeyRing> ring) {
  std::lock_guard<std::mutex> l(mu_);
  previous_ring_ = std::move(ring_);
  ring_ = std::move(ring);
}

std::string BatchSigner::kid() const {
  std::lock_guard<std::mutex> l(mu_);
  return ring_->currentKid();
}

uint64_t BatchSigner::batchesSigned() const {
  std::lock_guard<std::mutex> l(mu_);
  return batches_;
}

uint64_t BatchSigner::manifestsSigned() const {
  std::lock_guard<std::mutex> l(mu_);
  return signed_;
}

void BatchSigner::signGroup(std::vector<Item*>& items, const std::shared_ptr<const KeyRing>& ring) {
  if (items.empty()) return;
  std::vector<std::string_view> views;
  views.reserve(items.size());
  for (const Item* it : items) views.push_back(it->canonical);
  auto sigs = Signer(ring).signBatch(views);
  for (size_t i = 0; i < items.size(); ++i) {
    if (sigs.ok()) items[i]->done(std::move((*sigs)[i]));
    else items[i]->done(sigs.error());
  }
}

void BatchSigner::run() {
  for (;;) {
    std::vector<Item> batch;
    std::shared_ptr<const KeyRing> ring, previous;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      const auto now = std::chrono::steady_clock::now();
      // Busy (answers overlap: the last batch or this queue holds several): let the batch gather.
      // A lone answer, as under one client at a time, is signed at once rather than made to wait.
      const bool overlapping = queue_.size() > 1 || last_batch_size_ > 1;
      if (max_wait_.count() > 0 && overlapping && now - last_batch_ < max_wait_) {
        cv_.wait_until(l, first_queued_ + max_wait_,
                       [&] { return stopping_ || queue_.size() >= max_batch_; });
      }
      last_batch_ = std::chrono::steady_clock::now();
      size_t n = std::min(queue_.size(), max_batch_);
      last_batch_size_ = n;
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
      if (!queue_.empty()) first_queued_ = last_batch_;
      ring = ring_;
      previous = previous_ring_;
    }
    // One tree per signing key: normally all items name the current key.
    std::vector<Item*> current, old;
    for (Item& it : batch) {
      if (it.kid.empty() || it.kid == ring->currentKid()) {
        current.push_back(&it);
      } else if (previous && it.kid == previous->currentKid()) {
        old.push_back(&it);
      } else {
        it.done(makeError("label.unknown_signing_key", "no signing key " + it.kid + " (rotated twice?)"));
      }
    }
    signGroup(current, ring);
    signGroup(old, previous);
    std::lock_guard<std::mutex> l(mu_);
    ++batches_;
    signed_ += batch.size();
  }
}

}  // namespace concord::label
