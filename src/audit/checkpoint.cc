#include "audit/checkpoint.h"

#include <nlohmann/json.hpp>

namespace concord::audit {
namespace {

Digest leafHash(const Digest& d) {
  std::string buf(1, '\0');
  buf.append(reinterpret_cast<const char*>(d.data()), d.size());
  return sha256(buf);
}

Digest nodeHash(const Digest& l, const Digest& r) {
  std::string buf(1, '\1');
  buf.append(reinterpret_cast<const char*>(l.data()), l.size());
  buf.append(reinterpret_cast<const char*>(r.data()), r.size());
  return sha256(buf);
}

Digest mth(const Digest* d, size_t n) {
  if (n == 1) return leafHash(d[0]);
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(mth(d, k), mth(d + k, n - k));
}

}  // namespace

Digest merkleRoot(const std::vector<Digest>& leaves) {
  if (leaves.empty()) return sha256("");
  return mth(leaves.data(), leaves.size());
}

std::string encodeCheckpoint(const CheckpointBody& b, const SigningKey& key) {
  nlohmann::json j;
  j["v"] = 1;
  j["segment"] = b.segment;
  j["first_seq"] = b.first_seq;
  j["count"] = b.count;
  j["last_seq"] = b.last_seq;
  j["last_hash"] = toHex(b.last_hash);
  j["merkle_root"] = toHex(b.merkle_root);
  j["prev_checkpoint"] = toHex(b.prev_checkpoint);
  j["created_us"] = b.created_us;
  j["sealed_us"] = b.sealed_us;
  j["min_ts"] = b.min_ts;
  j["max_ts"] = b.max_ts;
  j["key"] = key.publicKeyHex();
  std::string body = j.dump();
  std::string sig = key.sign(body);
  return body + "\n" + toHex(reinterpret_cast<const uint8_t*>(sig.data()), sig.size()) + "\n";
}

std::optional<Checkpoint> parseCheckpoint(std::string_view file) {
  auto nl = file.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  std::string_view body = file.substr(0, nl);
  std::string_view rest = file.substr(nl + 1);
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  Checkpoint c;
  bool ok = false;
  c.signature = fromHex(rest, &ok);
  if (!ok) return std::nullopt;
  c.body_bytes = std::string(body);
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    auto& b = c.body;
    b.segment = j.at("segment").get<uint64_t>();
    b.first_seq = j.at("first_seq").get<uint64_t>();
    b.count = j.at("count").get<uint64_t>();
    b.last_seq = j.at("last_seq").get<uint64_t>();
    b.created_us = j.at("created_us").get<int64_t>();
    b.sealed_us = j.at("sealed_us").get<int64_t>();
    b.min_ts = j.at("min_ts").get<int64_t>();
    b.max_ts = j.at("max_ts").get<int64_t>();
    b.key_hex = j.at("key").get<std::string>();
    if (!digestFromHex(j.at("last_hash").get<std::string>(), b.last_hash) ||
        !digestFromHex(j.at("merkle_root").get<std::string>(), b.merkle_root) ||
        !digestFromHex(j.at("prev_checkpoint").get<std::string>(), b.prev_checkpoint))
      return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // off the request path: recovery and verify only
  }
  return c;
}

}  // namespace concord::audit
