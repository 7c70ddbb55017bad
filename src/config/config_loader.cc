#include "config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace concord::config {
namespace {

// Collects the first error with its position; every reader method becomes a no-op after it.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  void fail(const YAML::Node& at, const std::string& reason) {
    if (failed()) return;
    const auto mark = at.Mark();
    std::ostringstream out;
    out << source_ << ":" << (mark.line + 1) << ":" << (mark.column + 1) << ": " << reason;
    error_ = out.str();
  }

  // Refuses keys of `map` that are not in `known` (typos must not be silently ignored).
  bool expectMap(const YAML::Node& map, const std::string& what, std::set<std::string> known) {
    if (failed()) return false;
    if (!map.IsMap()) {
      fail(map, what + " must be a mapping");
      return false;
    }
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (!known.count(key)) {
        fail(kv.first, "unknown key '" + key + "' in " + what);
        return false;
      }
    }
    return true;
  }

  void str(const YAML::Node& map, const char* key, std::string& out, bool required = false) {
    if (failed()) return;
    const auto node = map[key];
    if (!node) {
      if (required) fail(map, std::string("missing required key '") + key + "'");
      return;
    }
    if (!node.IsScalar()) return fail(node, std::string("'") + key + "' must be a string");
    out = node.Scalar();
  }

  template <typename Int>
  void integer(const YAML::Node& map, const char* key, Int& out, int64_t min, int64_t max) {
    if (failed()) return;
    const auto node = map[key];
    if (!node) return;
    int64_t v = 0;
    const auto& s = node.IsScalar() ? node.Scalar() : std::string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!node.IsScalar() || ec != std::errc() || end != s.data() + s.size())
      return fail(node, std::string("'") + key + "' must be an integer");
    if (v < min || v > max)
      return fail(node, std::string("'") + key + "' must be between " + std::to_string(min) +
                            " and " + std::to_string(max));
    out = static_cast<Int>(v);
  }

  void boolean(const YAML::Node& map, const char* key, bool& out) {
    if (failed()) return;
    const auto node = map[key];
    if (!node) return;
    const auto& s = node.IsScalar() ? node.Scalar() : std::string();
    if (s == "true") out = true;
    else if (s == "false") out = false;
    else fail(node, std::string("'") + key + "' must be true or false");
  }

  void strings(const YAML::Node& map, const char* key, std::vector<std::string>& out) {
    if (failed()) return;
    const auto node = map[key];
    if (!node) return;
    if (node.IsScalar()) {
      out = {node.Scalar()};
      return;
    }
    if (!node.IsSequence()) return fail(node, std::string("'") + key + "' must be a list");
    out.clear();
    for (const auto& item : node) {
      if (!item.IsScalar()) return fail(item, std::string("'") + key + "' items must be strings");
      out.push_back(item.Scalar());
    }
  }

 private:
  std::string source_;
  std::string error_;
};

// Splits http(s)://host[:port][/prefix] into the upstream's derived fields.
bool parseBaseUrl(UpstreamConfig& u) {
  std::string_view url = u.base_url;
  if (url.starts_with("https://")) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    u.tls = false;
    url.remove_prefix(7);
  } else {
    return false;
  }
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  u.path_prefix = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
  while (!u.path_prefix.empty() && u.path_prefix.back() == '/') u.path_prefix.pop_back();
  // "[::1]:9000": the port follows the closing bracket; "host:9000": the last colon.
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
  } else {
    u.host = std::string(authority);
    u.port = u.tls ? "443" : "80";
  }
  if (u.host.size() > 2 && u.host.front() == '[' && u.host.back() == ']') u.host = u.host.substr(1, u.host.size() - 2);
  return !u.host.empty() && !u.port.empty();
}

void readLimits(Reader& r, const YAML::Node& n, Limits& l) {
  if (!r.expectMap(n, "limits",
                   {"max_header_bytes", "max_body_bytes", "header_timeout_ms", "body_timeout_ms",
                    "idle_timeout_ms", "total_timeout_ms", "max_connections", "shutdown_grace_ms"}))
    return;
  r.integer(n, "max_header_bytes", l.max_header_bytes, 1024, 1 << 20);
  r.integer(n, "max_body_bytes", l.max_body_bytes, 1024, int64_t{1} << 32);
  r.integer(n, "header_timeout_ms", l.header_timeout_ms, 10, 3'600'000);
  r.integer(n, "body_timeout_ms", l.body_timeout_ms, 10, 3'600'000);
  r.integer(n, "idle_timeout_ms", l.idle_timeout_ms, 10, 86'400'000);
  r.integer(n, "total_timeout_ms", l.total_timeout_ms, 10, 86'400'000);
  r.integer(n, "max_connections", l.max_connections, 1, 1'000'000);
  r.integer(n, "shutdown_grace_ms", l.shutdown_grace_ms, 0, 3'600'000);
}

void readUpstream(Reader& r, const YAML::Node& n, UpstreamConfig& u) {
  if (!r.expectMap(n, "upstream",
                   {"name", "base_url", "api_key_env", "region", "model_origin", "models", "aliases",
                    "connect_timeout_ms", "first_byte_timeout_ms", "total_timeout_ms", "pool_size"}))
    return;
  r.str(n, "name", u.name, true);
  r.str(n, "base_url", u.base_url, true);
  r.str(n, "api_key_env", u.api_key_env);
  r.str(n, "region", u.region, true);
  r.str(n, "model_origin", u.model_origin, true);
  r.strings(n, "models", u.models);
  r.integer(n, "connect_timeout_ms", u.connect_timeout_ms, 1, 600'000);
  r.integer(n, "first_byte_timeout_ms", u.first_byte_timeout_ms, 1, 3'600'000);
  r.integer(n, "total_timeout_ms", u.total_timeout_ms, 1, 86'400'000);
  r.integer(n, "pool_size", u.pool_size, 0, 10'000);
  if (r.failed()) return;
  if (const auto a = n["aliases"]) {
    if (!a.IsMap()) return r.fail(a, "'aliases' must map alias names to model names");
    for (const auto& kv : a) {
      if (!kv.second.IsScalar()) return r.fail(kv.second, "alias target must be a model name");
      u.aliases[kv.first.as<std::string>()] = kv.second.Scalar();
    }
  }
  if (u.models.empty() && u.aliases.empty())
    return r.fail(n, "upstream '" + u.name + "' must list the models it serves");
  if (!parseBaseUrl(u))
    return r.fail(n["base_url"], "base_url must look like http(s)://host[:port][/path]");
}

void readDeployment(Reader& r, const YAML::Node& n, Config& c) {
  if (!n.IsMap()) return r.fail(n, "deployment must be a mapping of fact names to values");
  for (const auto& kv : n) {
    const auto key = "deployment." + kv.first.as<std::string>();
    std::vector<std::string> values;
    if (kv.second.IsScalar()) {
      values.push_back(kv.second.Scalar());
    } else if (kv.second.IsSequence()) {
      for (const auto& item : kv.second) {
        if (!item.IsScalar()) return r.fail(item, "deployment values must be scalars");
        values.push_back(item.Scalar());
      }
    } else {
      return r.fail(kv.second, "deployment values must be a scalar or a list");
    }
    c.deployment[key] = std::move(values);
  }
}

void readTop(Reader& r, const YAML::Node& root, Config& c) {
  if (!r.expectMap(root, "concord.yaml",
                   {"gateway", "listen", "limits", "retry", "upstreams", "storage", "audit",
                    "policy", "detect", "provenance", "admin", "oversight", "deployment"}))
    return;
  if (const auto g = root["gateway"]; g && r.expectMap(g, "gateway", {"id", "operator"})) {
    r.str(g, "id", c.gateway_id);
    r.str(g, "operator", c.operator_name);
  }
  if (const auto l = root["listen"];
      l && r.expectMap(l, "listen", {"address", "port", "workers", "tls"})) {
    r.str(l, "address", c.listen.address);
    r.integer(l, "port", c.listen.port, 0, 65535);
    r.integer(l, "workers", c.listen.workers, 0, 256);
    if (const auto t = l["tls"]; t && r.expectMap(t, "listen.tls", {"cert", "key"})) {
      r.str(t, "cert", c.listen.tls.cert_file, true);
      r.str(t, "key", c.listen.tls.key_file, true);
    }
  }
  if (const auto l = root["limits"]) readLimits(r, l, c.limits);
  if (const auto n = root["retry"]; n && r.expectMap(n, "retry", {"max_attempts", "backoff_ms"})) {
    r.integer(n, "max_attempts", c.retry.max_attempts, 1, 10);
    r.integer(n, "backoff_ms", c.retry.backoff_ms, 0, 10'000);
  }
  const auto ups = root["upstreams"];
  if (!r.failed() && (!ups || !ups.IsSequence() || ups.size() == 0))
    r.fail(ups ? ups : root, "'upstreams' must be a non-empty list");
  if (!r.failed()) {
    std::set<std::string> names;
    for (const auto& u : ups) {
      UpstreamConfig upstream;
      readUpstream(r, u, upstream);
      if (r.failed()) return;
      if (!names.insert(upstream.name).second)
        return r.fail(u, "duplicate upstream name '" + upstream.name + "'");
      c.upstreams.push_back(std::move(upstream));
    }
  }
  if (const auto s = root["storage"];
      s && r.expectMap(s, "storage", {"data_dir", "keys_db", "oversight_db"})) {
    r.str(s, "data_dir", c.data_dir);
    r.str(s, "keys_db", c.keys_db);
    r.str(s, "oversight_db", c.oversight_db);
  }
  if (const auto a = root["audit"];
      a && r.expectMap(a, "audit", {"dir", "durability", "fail_open", "group_commit_ms",
                                    "group_commit_records"})) {
    r.str(a, "dir", c.audit.dir);
    r.integer(a, "group_commit_ms", c.audit.group_commit_ms, 0, 10'000);
    r.integer(a, "group_commit_records", c.audit.group_commit_records, 1, 1'000'000);
    r.str(a, "durability", c.audit.durability);
    r.boolean(a, "fail_open", c.audit.fail_open);
    if (!r.failed() && c.audit.durability != "strict" && c.audit.durability != "batched")
      r.fail(a["durability"], "audit.durability must be strict or batched");
  }
  if (const auto p = root["policy"];
      p && r.expectMap(p, "policy", {"vocabulary", "packs", "enable_unverified"})) {
    r.str(p, "vocabulary", c.policy.vocabulary);
    r.strings(p, "packs", c.policy.packs);
    r.boolean(p, "enable_unverified", c.policy.enable_unverified);
  }
  if (const auto p = root["provenance"];
      p && r.expectMap(p, "provenance", {"enabled", "key_dir", "index_path"})) {
    r.boolean(p, "enabled", c.provenance.enabled);
    r.str(p, "key_dir", c.provenance.key_dir);
    r.str(p, "index_path", c.provenance.index_path);
  }
  if (const auto d = root["detect"];
      d && r.expectMap(d, "detect", {"enabled", "fail_open", "answer_redact", "answer_mode"})) {
    r.boolean(d, "enabled", c.detect.enabled);
    r.boolean(d, "fail_open", c.detect.fail_open);
    r.strings(d, "answer_redact", c.detect.answer_redact);
    r.str(d, "answer_mode", c.detect.answer_mode);
    if (c.detect.answer_mode != "tag" && c.detect.answer_mode != "mask")
      r.fail(d["answer_mode"], "detect.answer_mode must be tag or mask");
  }
  if (const auto a = root["admin"];
      a && r.expectMap(a, "admin", {"address", "port", "console_dir"})) {
    r.str(a, "address", c.admin.address);
    r.integer(a, "port", c.admin.port, 0, 65535);
    r.str(a, "console_dir", c.admin.console_dir);
  }
  if (const auto o = root["oversight"];
      o && r.expectMap(o, "oversight", {"hold_max_wait_ms", "keepalive_ms"})) {
    r.integer(o, "hold_max_wait_ms", c.oversight.hold_max_wait_ms, 100, 86'400'000);
    r.integer(o, "keepalive_ms", c.oversight.keepalive_ms, 100, 600'000);
  }
  if (const auto d = root["deployment"]; d && !r.failed()) readDeployment(r, d, c);
}

}  // namespace

Result<std::shared_ptr<const Config>> parseConfig(const std::string& yaml_text,
                                                  const std::string& source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return makeError("config.bad_yaml", source_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                            std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  auto config = std::make_shared<Config>();
  config->source_path = source_name;
  Reader reader(source_name);
  try {
    readTop(reader, root, *config);
  } catch (const YAML::Exception& e) {
    reader.fail(root, e.what());
  }
  if (reader.failed()) return makeError("config.invalid", reader.error());
  if (config->keys_db.empty()) config->keys_db = config->data_dir + "/concord.db";
  if (config->audit.dir.empty()) config->audit.dir = config->data_dir + "/audit";
  if (config->provenance.key_dir.empty()) config->provenance.key_dir = config->data_dir + "/provenance";
  if (config->provenance.index_path.empty())
    config->provenance.index_path = config->data_dir + "/provenance.db";
  if (config->oversight_db.empty()) config->oversight_db = config->data_dir + "/oversight.db";
  return std::shared_ptr<const Config>(std::move(config));
}

Result<std::shared_ptr<const Config>> loadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("config.unreadable", path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return parseConfig(text.str(), path);
}

}  // namespace concord::config
