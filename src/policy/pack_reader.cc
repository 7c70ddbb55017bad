#include "policy/pack_reader.h"

#include <set>

#include "policy/yaml_source.h"

namespace concord::policy {
namespace {

void readScalar(const YAML::Node& map, const char* key, const std::string* file, Diagnostics& d,
                RawScalar& out) {
  const YAML::Node n = map[key];
  if (!n) return;
  out.pos = posOf(file, n);
  if (!n.IsScalar()) {
    d.error(out.pos, "policy.type_mismatch", std::string("`") + key + "` must be a scalar");
    return;
  }
  out.value = n.Scalar();
  out.present = true;
}

bool readConjunction(const YAML::Node& node, const std::string* file, Diagnostics& d,
                     std::vector<RawPredicate>& out) {
  if (!node.IsMap()) {
    d.error(posOf(file, node), "policy.bad_yaml", "a condition must be a mapping of fact: value");
    return false;
  }
  bool ok = true;
  for (const auto& kv : node) {
    RawPredicate p;
    p.fact = kv.first.Scalar();
    p.pos = posOf(file, kv.first);
    p.value = kv.second;
    if (p.fact == "not") {
      if (kv.second.IsSequence()) {
        for (const auto& item : kv.second) {
          p.not_groups.emplace_back();
          ok = readConjunction(item, file, d, p.not_groups.back()) && ok;
        }
      } else {
        p.not_groups.emplace_back();
        ok = readConjunction(kv.second, file, d, p.not_groups.back()) && ok;
      }
    }
    out.push_back(std::move(p));
  }
  return ok;
}

const std::set<std::string>& ruleKeys() {
  static const std::set<std::string> k = {
      "id", "cite", "jurisdiction", "concept", "binds", "effective", "confidence", "status",
      "status_note", "enforced_by", "mode", "priority", "summary", "when", "then",
      "title", "notes", "litigation_status", "tags", "gateway"};
  return k;
}

}  // namespace

std::optional<RawPack> readPack(const std::string& path, const std::string& text, SourceSet& sources,
                                Diagnostics& d) {
  RawPack pack;
  pack.path = path;
  auto root = parseYaml(path, text, sources, d, &pack.file);
  if (!root) return std::nullopt;
  const std::string* file = pack.file;
  pack.pos = Pos{file, 1, 1};
  if (!root->IsMap()) {
    d.error(pack.pos, "policy.bad_yaml", "a pack must be a mapping with `pack:` and `rules:`");
    return std::nullopt;
  }
  const YAML::Node meta = (*root)["pack"];
  if (!meta || !meta.IsMap()) {
    d.error(pack.pos, "policy.missing_field", "a pack needs a `pack:` mapping (id, jurisdiction, ...)");
    return std::nullopt;
  }
  pack.pos = posOf(file, meta);
  readScalar(meta, "id", file, d, pack.id);
  readScalar(meta, "jurisdiction", file, d, pack.jurisdiction);
  readScalar(meta, "instrument", file, d, pack.instrument);
  readScalar(meta, "version", file, d, pack.version);
  readScalar(meta, "severity", file, d, pack.severity);
  if (meta["sources"])
    if (auto s = stringsOf(meta["sources"], file, d, "sources")) pack.sources = *s;
  if (!pack.id.present) d.error(pack.pos, "policy.missing_field", "pack.id is required");
  if (!pack.jurisdiction.present) d.error(pack.pos, "policy.missing_field", "pack.jurisdiction is required");

  const YAML::Node rules = (*root)["rules"];
  if (!rules) return pack;  // a pack with no rules is allowed (e.g. while being written)
  if (!rules.IsSequence()) {
    d.error(posOf(file, rules), "policy.bad_yaml", "`rules:` must be a list");
    return pack;
  }
  for (const auto& r : rules) {
    RawRule rule;
    rule.pos = posOf(file, r);
    if (!r.IsMap()) {
      d.error(rule.pos, "policy.bad_yaml", "a rule must be a mapping");
      continue;
    }
    for (const auto& kv : r)
      if (!ruleKeys().count(kv.first.Scalar()))
        d.warn(posOf(file, kv.first), "policy.unknown_key", "unknown rule key `" + kv.first.Scalar() + "`");
    readScalar(r, "id", file, d, rule.id);
    readScalar(r, "cite", file, d, rule.cite);
    readScalar(r, "jurisdiction", file, d, rule.jurisdiction);
    readScalar(r, "concept", file, d, rule.concept_id);
    if (!r["binds"] || !r["binds"].IsSequence()) readScalar(r, "binds", file, d, rule.binds);
    readScalar(r, "confidence", file, d, rule.confidence);
    readScalar(r, "status", file, d, rule.status);
    readScalar(r, "status_note", file, d, rule.status_note);
    readScalar(r, "enforced_by", file, d, rule.enforced_by);
    readScalar(r, "mode", file, d, rule.mode);
    readScalar(r, "priority", file, d, rule.priority);
    readScalar(r, "summary", file, d, rule.summary);
    if (const YAML::Node binds = r["binds"]; binds && binds.IsSequence()) {
      // Several roles: kept comma-separated (the schema shows one; lists are tolerated).
      rule.binds = RawScalar{};
      if (auto roles = stringsOf(binds, file, d, "binds")) {
        for (const auto& role : *roles) rule.binds.value += (rule.binds.value.empty() ? "" : ", ") + role;
        rule.binds.present = true;
        rule.binds.pos = posOf(file, binds);
      }
    }
    if (const YAML::Node eff = r["effective"]) {
      if (!eff.IsMap()) {
        d.error(posOf(file, eff), "policy.bad_date", "`effective` must be { from: YYYY-MM-DD, until: YYYY-MM-DD }");
      } else {
        readScalar(eff, "from", file, d, rule.from);
        readScalar(eff, "until", file, d, rule.until);
      }
    }
    if (const YAML::Node when = r["when"]) {
      rule.has_when = true;
      if (!when.IsNull()) readConjunction(when, file, d, rule.when);
    }
    const YAML::Node then = r["then"];
    if (!then || !then.IsMap()) {
      d.error(rule.pos, "policy.missing_field",
              "rule " + (rule.id.present ? rule.id.value + " " : std::string()) + "needs `then: { action: ... }`");
    } else {
      rule.then = then;
      rule.then_pos = posOf(file, then);
      readScalar(then, "action", file, d, rule.action);
      if (!rule.action.present)
        d.error(rule.then_pos, "policy.missing_field", "`then` needs an `action`");
    }
    if (!rule.id.present) {
      d.error(rule.pos, "policy.missing_field", "rule needs an `id`");
      continue;
    }
    pack.rules.push_back(std::move(rule));
  }
  return pack;
}

}  // namespace concord::policy
