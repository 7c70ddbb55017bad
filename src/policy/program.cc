// Program accessors, enum names and compileDeployment (static facts pre-evaluated once).
#include "policy/program.h"

#include <algorithm>
#include <cstdio>

#include "policy/yaml_source.h"

namespace concord::policy {

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllow: return "allow";
    case Verdict::kDeny: return "deny";
    case Verdict::kHold: return "hold";
  }
  return "?";
}

const char* actionName(Action a) {
  switch (a) {
    case Action::kDeny: return "deny";
    case Action::kHold: return "hold";
    case Action::kRedact: return "redact";
    case Action::kRoute: return "route";
    case Action::kLabel: return "label";
    case Action::kLog: return "log";
    case Action::kNotify: return "notify";
    case Action::kDisclose: return "disclose";
    case Action::kDocument: return "document";
    case Action::kAllow: return "allow";
  }
  return "?";
}

const char* redactModeName(RedactMode m) {
  switch (m) {
    case RedactMode::kTag: return "tag";
    case RedactMode::kMask: return "mask";
    case RedactMode::kPseudonym: return "pseudonym";
  }
  return "?";
}

const char* placementName(Placement p) {
  switch (p) {
    case Placement::kStart: return "start";
    case Placement::kEnd: return "end";
    case Placement::kFirstTurn: return "first_turn";
  }
  return "?";
}

const char* logContentName(LogContent c) {
  switch (c) {
    case LogContent::kNone: return "none";
    case LogContent::kHash: return "hash";
    case LogContent::kRedacted: return "redacted";
    case LogContent::kFull: return "full";
  }
  return "?";
}

std::string_view LabelObligation::textFor(std::string_view language) const {
  if (!text || text->empty()) return {};
  for (const auto& [lang, t] : *text)
    if (lang == language) return t;
  for (const auto& [lang, t] : *text)
    if (lang == "en") return t;
  return text->front().second;
}

bool Decision::fired(std::string_view rule_id) const {
  for (const auto& r : rules)
    if (r.id == rule_id) return true;
  return false;
}

const Param* Rule::param(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

const Rule* Program::rule(std::string_view id) const {
  for (const auto& r : rules_)
    if (r.id == id) return &r;
  return nullptr;
}

std::string Program::describePred(int id) const {
  const Pred& p = preds_[static_cast<size_t>(id)];
  if (p.kind == PredKind::kRange) {
    const FactDef& f = vocab_.facts[static_cast<size_t>(p.fact)];
    auto fmt = [&](double x) {
      if (f.type == FactType::kDate) return formatDay(static_cast<int32_t>(x));
      char b[40];
      std::snprintf(b, sizeof b, "%g", x);
      return std::string(b);
    };
    if (p.lo == p.hi) return f.name + " = " + fmt(p.lo);
    std::string s = f.name;
    if (p.lo > -1e307) s += std::string(p.lo_incl ? " >= " : " > ") + fmt(p.lo);
    if (p.lo > -1e307 && p.hi < 1e307) s += " and";
    if (p.hi < 1e307) s += std::string(p.hi_incl ? " <= " : " < ") + fmt(p.hi);
    return s;
  }
  if (p.kind != PredKind::kNot) return p.key;
  std::string s = "not {";
  for (size_t i = 0; i < p.children.size(); ++i) s += (i ? ", " : " ") + describePred(p.children[i]);
  return s + " }";
}

Result<Deployment> Program::compileDeployment(const std::map<std::string, std::vector<std::string>>& facts) const {
  Deployment d;
  d.program = this;
  d.bits.assign(words_, 0);
  auto set = [&](int id) { d.bits[static_cast<size_t>(id) >> 6] |= uint64_t{1} << (id & 63); };
  for (const auto& [name, values] : facts) {
    const FactDef* f = vocab_.fact(name);
    if (!f) return Error{"policy.unknown_fact", "unknown fact `" + name + "`"};
    if (f->type == FactType::kFindings || f->type == FactType::kToolCalls || name.rfind("route.", 0) == 0 ||
        name == "date")
      return Error{"policy.type_mismatch", "`" + name + "` varies per request; it cannot be a deployment fact"};
    d.present.push_back(f->id);
    if (name == "request.modality") d.modality = values;
    const bool single = f->type != FactType::kSet;
    if (single && values.size() > 1)
      return Error{"policy.type_mismatch", "`" + name + "` takes one value"};
    for (size_t i = 0; i < preds_.size(); ++i) {
      const Pred& p = preds_[i];
      if (p.fact != f->id) continue;
      bool hit = false;
      for (const auto& v : values) {
        switch (p.kind) {
          case PredKind::kAnyOf:
            for (const auto& x : p.values) {
              if (x.find('*') != std::string::npos ? globMatch(x, v)
                                                   : (f->hierarchical ? hierarchicalMatch(x, v) : x == v))
                hit = true;
            }
            break;
          case PredKind::kBool: {
            auto b = parseBool(v);
            if (!b) return Error{"policy.type_mismatch", "`" + name + "` is bool, got `" + v + "`"};
            hit = hit || *b == p.bool_value;
            break;
          }
          case PredKind::kRange: {
            auto x = f->type == FactType::kDate ? std::optional<double>(parseDay(v).value_or(-1e9))
                                                : parseNumber(v);
            if (!x || *x == -1e9)
              return Error{f->type == FactType::kDate ? "policy.bad_date" : "policy.type_mismatch",
                           "`" + name + "`: bad value `" + v + "`"};
            const bool lo = p.lo_incl ? *x >= p.lo : *x > p.lo;
            const bool hi = p.hi_incl ? *x <= p.hi : *x < p.hi;
            hit = hit || (lo && hi);
            break;
          }
          default:
            break;
        }
      }
      if (hit) set(static_cast<int>(i));
    }
    // Values are checked even when no predicate uses the fact.
    for (const auto& v : values) {
      if (f->type == FactType::kBool && !parseBool(v))
        return Error{"policy.type_mismatch", "`" + name + "` is bool, got `" + v + "`"};
      if (f->type == FactType::kNumber && !parseNumber(v))
        return Error{"policy.type_mismatch", "`" + name + "` is a number, got `" + v + "`"};
      if (f->type == FactType::kDate && !parseDay(v))
        return Error{"policy.bad_date", "`" + name + "`: `" + v + "` is not YYYY-MM-DD"};
      if (f->type == FactType::kEnum && std::find(f->values.begin(), f->values.end(), v) == f->values.end())
        return Error{"policy.type_mismatch", "`" + name + "`: `" + v + "` is not an allowed value"};
    }
  }
  return d;
}

}  // namespace concord::policy
