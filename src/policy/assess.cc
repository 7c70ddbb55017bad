#include "policy/assess.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "policy/yaml_source.h"

namespace concord::policy {
namespace {

enum class Tri { kFalse, kTrue, kUnknown };

std::vector<std::string> scalars(const YAML::Node& n) {
  std::vector<std::string> v;
  if (!n) return v;
  if (n.IsScalar()) v.push_back(n.Scalar());
  else if (n.IsSequence())
    for (const auto& x : n)
      if (x.IsScalar()) v.push_back(x.Scalar());
  return v;
}

struct Evaluator {
  const Program& p;
  const std::map<std::string, std::vector<std::string>>& facts;
  std::set<std::string>* unknown;

  Tri eval(int id) const {
    const Pred& pr = p.predicates()[static_cast<size_t>(id)];
    if (pr.kind == PredKind::kNot) {
      bool any_unknown = false;
      for (int c : pr.children) {
        Tri t = eval(c);
        if (t == Tri::kFalse) return Tri::kTrue;
        if (t == Tri::kUnknown) any_unknown = true;
      }
      return any_unknown ? Tri::kUnknown : Tri::kFalse;
    }
    const FactDef& f = p.vocabulary().facts[static_cast<size_t>(pr.fact)];
    auto it = facts.find(f.name);
    if (it == facts.end() || pr.kind == PredKind::kFinding || pr.kind == PredKind::kToolCall) {
      unknown->insert(f.name);
      return Tri::kUnknown;
    }
    for (const auto& v : it->second) {
      switch (pr.kind) {
        case PredKind::kAnyOf:
          for (const auto& x : pr.values)
            if (x.find('*') != std::string::npos ? globMatch(x, v) : (f.hierarchical ? hierarchicalMatch(x, v) : x == v))
              return Tri::kTrue;
          break;
        case PredKind::kBool:
          if (parseBool(v) == pr.bool_value) return Tri::kTrue;
          break;
        case PredKind::kRange: {
          std::optional<double> x;
          if (f.type == FactType::kDate) { if (auto d = parseDay(v)) x = *d; }
          else x = parseNumber(v);
          if (x && (pr.lo_incl ? *x >= pr.lo : *x > pr.lo) && (pr.hi_incl ? *x <= pr.hi : *x < pr.hi)) return Tri::kTrue;
          break;
        }
        default:
          break;
      }
    }
    return Tri::kFalse;
  }
};

std::string statusText(const Rule& r, int32_t as_of) {
  if (as_of < r.from_day) return "not yet in force";
  if (r.status == "in_force") return "in force";
  if (r.status == "not_yet_in_force") return "not yet in force";
  return r.status;
}

}  // namespace

size_t Assessment::count() const {
  size_t n = 0;
  for (const auto& [_, v] : by_jurisdiction) n += v.size();
  return n;
}

Result<SystemManifest> parseManifest(const std::string& path, const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error{"policy.bad_yaml", path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
  const YAML::Node s = root["system"];
  if (!s || !s.IsMap()) return Error{"policy.bad_yaml", path + ": a manifest needs a `system:` mapping"};
  SystemManifest m;
  static const std::map<std::string, std::string> kMap = {
      {"roles", "deployment.role"},          {"markets", "system.markets"},
      {"user_regions", "principal.jurisdictions"}, {"use_cases", "deployment.use_case"},
      {"risk_class", "deployment.risk_class"}, {"setting", "deployment.setting"},
      {"audience", "deployment.audience"},   {"modality", "system.modality"},
      {"user_facing", "deployment.user_facing"}, {"public_body", "principal.public_body"},
      {"sector", "principal.sector"},        {"model_origin", "system.model_origin"},
      {"training_flop", "system.training_flop"}, {"finetune_flop", "system.finetune_flop"},
      {"open_weights", "system.open_weights"}, {"annual_revenue_usd", "system.annual_revenue_usd"},
      {"users_monthly", "system.users_monthly"}};
  for (const auto& kv : s) {
    const std::string key = kv.first.Scalar();
    const int line = kv.first.Mark().line + 1;
    if (key == "name") { m.name = kv.second.Scalar(); continue; }
    if (key == "facts") {
      if (!kv.second.IsMap()) return Error{"policy.bad_yaml", path + ":" + std::to_string(line) + ": `facts` must be a mapping"};
      for (const auto& f : kv.second) m.facts[f.first.Scalar()] = scalars(f.second);
      continue;
    }
    auto it = kMap.find(key);
    if (it == kMap.end())
      return Error{"policy.unknown_key", path + ":" + std::to_string(line) + ": unknown manifest key `" + key + "`"};
    m.facts[it->second] = scalars(kv.second);
    if (key == "modality") m.facts["request.modality"] = scalars(kv.second);
  }
  for (const char* k : {"system.markets", "principal.jurisdictions"})
    if (auto it = m.facts.find(k); it != m.facts.end())
      for (const auto& j : it->second)
        if (std::find(m.regions.begin(), m.regions.end(), j) == m.regions.end()) m.regions.push_back(j);
  if (m.regions.empty()) return Error{"policy.missing_field", path + ": a manifest needs `markets` or `user_regions`"};
  if (!m.facts.count("principal.jurisdictions")) m.facts["principal.jurisdictions"] = m.regions;
  return m;
}

Assessment assess(const Program& program, const SystemManifest& m, int32_t as_of, bool include_unverified) {
  Assessment a;
  a.system = m.name;
  a.as_of = as_of;
  auto facts = m.facts;
  facts["date"] = {formatDay(as_of)};
  for (const auto& r : program.rules()) {
    if (r.status == "repealed" || as_of > r.until_day) continue;
    if (r.confidence == "U" && !include_unverified) continue;
    bool in = false;
    for (const auto& j : m.regions) in = in || jurisdictionMatches(r.jurisdiction, j);
    if (!in) continue;
    std::set<std::string> unknown;
    Evaluator ev{program, facts, &unknown};
    bool binds = true, conditional = false;
    for (int id : r.preds) {
      Tri t = ev.eval(id);
      if (t == Tri::kFalse) { binds = false; break; }
      if (t == Tri::kUnknown) conditional = true;
    }
    if (!binds) continue;
    AssessItem item;
    item.rule = &r;
    item.status = statusText(r, as_of);
    item.conditional = conditional;
    item.depends_on.assign(unknown.begin(), unknown.end());
    item.concord_enforces = r.runtime && (r.enforced_by == "gateway" || r.enforced_by == "partly");
    a.by_jurisdiction[r.jurisdiction].push_back(std::move(item));
  }
  return a;
}

std::string renderAssessment(const Assessment& a, Format f) {
  auto effective = [](const Rule& r) {
    std::string s = r.from_day == INT32_MIN ? "" : formatDay(r.from_day);
    if (r.until_day != INT32_MAX) s += " until " + formatDay(r.until_day);
    return s.empty() ? std::string("-") : s;
  };
  if (f == Format::kJson) {
    nlohmann::json j{{"system", a.system}, {"as_of", formatDay(a.as_of)}, {"obligations", a.count()}};
    j["jurisdictions"] = nlohmann::json::object();
    for (const auto& [jur, items] : a.by_jurisdiction) {
      auto& arr = j["jurisdictions"][jur] = nlohmann::json::array();
      for (const auto& it : items)
        arr.push_back({{"id", it.rule->id}, {"cite", it.rule->cite}, {"concept", it.rule->concept_id},
                       {"binds", it.rule->binds}, {"effective", effective(*it.rule)}, {"status", it.status},
                       {"status_note", it.rule->status_note}, {"enforced_by", it.rule->enforced_by},
                       {"concord", it.concord_enforces ? "enforces" : "organisation"},
                       {"confidence", it.rule->confidence}, {"conditional", it.conditional},
                       {"depends_on", it.depends_on}, {"summary", it.rule->summary}});
    }
    return j.dump(2) + "\n";
  }
  std::ostringstream o;
  const bool md = f == Format::kMd;
  o << (md ? "# " : "") << "Assessment of " << (a.system.empty() ? "system" : a.system) << " as of "
    << formatDay(a.as_of) << ": " << a.count() << " obligations\n";
  for (const auto& [jur, items] : a.by_jurisdiction) {
    o << "\n" << (md ? "## " : "== ") << jur << " (" << items.size() << ")\n";
    if (md) o << "\n| id | cite | concept | effective | status | enforced by | summary |\n|---|---|---|---|---|---|---|\n";
    for (const auto& it : items) {
      const Rule& r = *it.rule;
      std::string status = it.status + (it.conditional ? " (conditional on " : "");
      if (it.conditional) {
        for (size_t i = 0; i < it.depends_on.size(); ++i) status += (i ? ", " : "") + it.depends_on[i];
        status += ")";
      }
      const std::string by = r.enforced_by + (it.concord_enforces ? " [concord enforces]" : " [organisation]");
      if (md)
        o << "| " << r.id << " | " << r.cite << " | `" << r.concept_id << "` | " << effective(r) << " | " << status
          << " | " << by << " | " << r.summary << " |\n";
      else
        o << "  " << r.id << "  " << r.cite << "  [" << r.concept_id << "]  effective " << effective(r) << "  "
          << status << "  " << by << "\n      " << r.summary << "\n";
    }
  }
  return o.str();
}

}  // namespace concord::policy
