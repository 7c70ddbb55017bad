#include "policy/vocabulary.h"

#include "policy/yaml_source.h"

namespace concord::policy {

const char* factTypeName(FactType t) {
  switch (t) {
    case FactType::kString: return "string";
    case FactType::kSet: return "set<string>";
    case FactType::kEnum: return "enum";
    case FactType::kBool: return "bool";
    case FactType::kNumber: return "number";
    case FactType::kDate: return "date";
    case FactType::kFindings: return "findings";
    case FactType::kToolCalls: return "tool_calls";
  }
  return "?";
}

const ParamDef* ConceptDef::param(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

const FactDef* Vocabulary::fact(const std::string& name) const {
  for (const auto& f : facts)
    if (f.name == name) return &f;
  return nullptr;
}

const ConceptDef* Vocabulary::conceptDef(const std::string& key) const {
  auto it = concepts.find(key);
  return it == concepts.end() ? nullptr : &it->second;
}

bool hierarchicalMatch(const std::string& rule_value, const std::string& fact_value) {
  if (fact_value == rule_value) return true;
  return fact_value.size() > rule_value.size() &&
         fact_value.compare(0, rule_value.size(), rule_value) == 0 &&
         fact_value[rule_value.size()] == '-';
}

bool Tension::irreconcilableFor(const std::vector<std::string>& chosen) const {
  if (!irreconcilable) return false;
  const auto& side = irreconcilable_between.empty() ? jurisdictions : irreconcilable_between;
  int matched = 0;
  for (const auto& j : side)
    for (const auto& c : chosen)
      if (jurisdictionMatches(j, c)) {
        ++matched;
        break;
      }
  return matched >= 2;
}

bool jurisdictionMatches(const std::string& rule, const std::string& selected) {
  return hierarchicalMatch(rule, selected) || hierarchicalMatch(selected, rule);
}

static std::optional<FactType> parseFactType(const std::string& s) {
  if (s == "string") return FactType::kString;
  if (s == "set<string>" || s == "set") return FactType::kSet;
  if (s == "enum") return FactType::kEnum;
  if (s == "bool") return FactType::kBool;
  if (s == "number") return FactType::kNumber;
  if (s == "date") return FactType::kDate;
  if (s == "findings") return FactType::kFindings;
  if (s == "tool_calls") return FactType::kToolCalls;
  return std::nullopt;
}

std::optional<Vocabulary> readVocabulary(const std::string& path, const std::string& text,
                                         SourceSet& sources, Diagnostics& diags) {
  const std::string* file = nullptr;
  auto root = parseYaml(path, text, sources, diags, &file);
  if (!root) return std::nullopt;
  Vocabulary v;
  if (!root->IsMap()) {
    diags.error(posOf(file, *root), "policy.bad_yaml", "vocabulary must be a mapping");
    return std::nullopt;
  }
  const YAML::Node concepts = (*root)["concepts"];
  if (!concepts || !concepts.IsMap()) {
    diags.error(posOf(file, *root), "policy.bad_yaml", "vocabulary needs a `concepts:` mapping");
  } else {
    for (const auto& kv : concepts) {
      ConceptDef c;
      c.key = kv.first.Scalar();
      const YAML::Node& body = kv.second;
      if (!body.IsMap()) {
        diags.error(posOf(file, body), "policy.bad_yaml", "concept `" + c.key + "` must be a mapping");
        continue;
      }
      if (body["description"]) c.description = body["description"].Scalar();
      if (body["distinct_definitions"]) c.distinct_definitions = body["distinct_definitions"].as<bool>(false);
      if (const YAML::Node t = body["terms"]; t && t.IsMap())
        for (const auto& term : t) c.terms[term.first.Scalar()] = term.second.Scalar();
      if (const YAML::Node ps = body["parameters"]; ps && ps.IsMap()) {
        for (const auto& p : ps) {
          ParamDef pd;
          pd.name = p.first.Scalar();
          if (p.second.IsMap()) {
            if (p.second["type"]) pd.type = p.second["type"].Scalar();
            pd.merge = p.second["merge"] ? p.second["merge"].Scalar() : "equal";
            if (p.second["values"])
              if (auto vals = stringsOf(p.second["values"], file, diags, "values")) pd.values = *vals;
          }
          c.params.push_back(std::move(pd));
        }
      }
      if (v.concepts.count(c.key))
        diags.error(posOf(file, kv.first), "policy.duplicate_id", "concept `" + c.key + "` defined twice");
      v.concepts[c.key] = std::move(c);
    }
  }
  const YAML::Node facts = (*root)["facts"];
  if (!facts || !facts.IsMap()) {
    diags.error(posOf(file, *root), "policy.bad_yaml", "vocabulary needs a `facts:` mapping");
  } else {
    for (const auto& kv : facts) {
      FactDef f;
      f.name = kv.first.Scalar();
      f.id = static_cast<int>(v.facts.size());
      const YAML::Node& body = kv.second;
      if (!body.IsMap() || !body["type"]) {
        diags.error(posOf(file, body), "policy.bad_yaml", "fact `" + f.name + "` needs { type: ... }");
        continue;
      }
      auto t = parseFactType(body["type"].Scalar());
      if (!t) {
        diags.error(posOf(file, body["type"]), "policy.type_mismatch",
                    "unknown fact type `" + body["type"].Scalar() + "`");
        continue;
      }
      f.type = *t;
      if (body["values"])
        if (auto vals = stringsOf(body["values"], file, diags, "values")) f.values = *vals;
      if (f.type == FactType::kEnum && f.values.empty())
        diags.error(posOf(file, body), "policy.bad_yaml", "enum fact `" + f.name + "` needs values");
      f.hierarchical = f.name == "principal.jurisdictions" || f.name == "system.markets" ||
                       f.name == "route.region" ||
                       (body["match"] && body["match"].Scalar() == "hierarchical");
      if (v.fact(f.name))
        diags.error(posOf(file, kv.first), "policy.duplicate_id", "fact `" + f.name + "` defined twice");
      v.facts.push_back(std::move(f));
    }
  }
  if (const YAML::Node ts = (*root)["tensions"]; ts && ts.IsSequence()) {
    for (const auto& t : ts) {
      Tension x;
      if (!t.IsMap() || !t["id"]) {
        diags.error(posOf(file, t), "policy.bad_yaml", "tension needs an id");
        continue;
      }
      x.id = t["id"].Scalar();
      if (t["concept"]) x.concept_id = t["concept"].Scalar();
      if (t["title"]) x.title = t["title"].Scalar();
      if (t["resolution"]) x.resolution = t["resolution"].Scalar();
      if (t["irreconcilable"]) x.irreconcilable = t["irreconcilable"].as<bool>(false);
      if (t["jurisdictions"])
        if (auto j = stringsOf(t["jurisdictions"], file, diags, "jurisdictions")) x.jurisdictions = *j;
      if (t["irreconcilable_between"])
        if (auto j = stringsOf(t["irreconcilable_between"], file, diags, "irreconcilable_between"))
          x.irreconcilable_between = *j;
      if (!x.concept_id.empty() && !v.conceptDef(x.concept_id))
        diags.error(posOf(file, t["concept"]), "policy.unknown_concept",
                    "tension " + x.id + ": unknown concept `" + x.concept_id + "`");
      v.tensions.push_back(std::move(x));
    }
  }
  return v;
}

}  // namespace concord::policy
