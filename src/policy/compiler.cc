// Stages 2 and 3 of the loader: collect every pack (duplicate ids across files), check each rule
// against the vocabulary, and compile predicates (deduplicated) into bitset masks and indexes.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "policy/pack_reader.h"
#include "policy/program.h"
#include "policy/yaml_source.h"

namespace concord::policy {

class Compiler {
 public:
  Compiler(Program& p, Diagnostics& d, bool enable_unverified)
      : p_(p), d_(d), enable_unverified_(enable_unverified) {}

  void addPack(RawPack& pack);
  void finish();

 private:
  bool compileConjunction(const std::vector<RawPredicate>& raw, std::vector<int>& out);
  int compilePredicate(const RawPredicate& raw, const FactDef& fact);
  int intern(Pred p);
  void compileThen(const RawRule& raw, Rule& rule);
  bool anyRoute(int pred) const;

  Program& p_;
  Diagnostics& d_;
  bool enable_unverified_;
  std::map<std::string, int> pred_by_key_;
  std::map<std::string, std::string> rule_where_;  // id -> file:line
  std::set<std::string> pack_ids_;
};

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::optional<Action> parseAction(const std::string& s) {
  static const std::map<std::string, Action> k = {
      {"deny", Action::kDeny},     {"hold", Action::kHold},         {"redact", Action::kRedact},
      {"route", Action::kRoute},   {"label", Action::kLabel},       {"log", Action::kLog},
      {"notify", Action::kNotify}, {"disclose", Action::kDisclose}, {"document", Action::kDocument},
      {"allow", Action::kAllow}};
  auto it = k.find(s);
  if (it == k.end()) return std::nullopt;
  return it->second;
}

bool oneOf(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (v == a) return true;
  return false;
}

}  // namespace

int Compiler::intern(Pred p) {
  auto it = pred_by_key_.find(p.key);
  if (it != pred_by_key_.end()) return it->second;
  const int id = static_cast<int>(p_.preds_.size());
  pred_by_key_[p.key] = id;
  p_.preds_.push_back(std::move(p));
  return id;
}

bool Compiler::anyRoute(int id) const {
  const Pred& p = p_.preds_[static_cast<size_t>(id)];
  if (p.route) return true;
  for (int c : p.children)
    if (anyRoute(c)) return true;
  return false;
}

int Compiler::compilePredicate(const RawPredicate& raw, const FactDef& fact) {
  const std::string* file = raw.pos.file;
  const YAML::Node& v = raw.value;
  Pred p;
  p.fact = fact.id;
  p.route = fact.name.rfind("route.", 0) == 0;
  auto mismatch = [&](const std::string& why) {
    d_.error(posOf(file, v).line ? posOf(file, v) : raw.pos, "policy.type_mismatch",
             "`" + fact.name + "` is " + factTypeName(fact.type) + ": " + why);
    return -1;
  };
  switch (fact.type) {
    case FactType::kString:
    case FactType::kEnum:
    case FactType::kSet: {
      if (!v.IsScalar() && !v.IsSequence()) return mismatch("expected a value or a list of values");
      auto vals = stringsOf(v, file, d_, fact.name.c_str());
      if (!vals) return -1;
      if (vals->empty()) return mismatch("empty list");
      if (fact.type == FactType::kEnum)
        for (const auto& x : *vals)
          if (x.find('*') == std::string::npos &&
              std::find(fact.values.begin(), fact.values.end(), x) == fact.values.end())
            return mismatch("`" + x + "` is not one of [" + join(fact.values) + "]");
      p.kind = PredKind::kAnyOf;
      p.values = *vals;
      std::sort(p.values.begin(), p.values.end());
      p.values.erase(std::unique(p.values.begin(), p.values.end()), p.values.end());
      p.key = fact.name + ": [" + join(p.values) + "]";
      break;
    }
    case FactType::kBool: {
      if (!v.IsScalar()) return mismatch("expected true or false");
      auto b = parseBool(v.Scalar());
      if (!b) return mismatch("expected true or false, got `" + v.Scalar() + "`");
      p.kind = PredKind::kBool;
      p.bool_value = *b;
      p.key = fact.name + ": " + (*b ? "true" : "false");
      break;
    }
    case FactType::kNumber:
    case FactType::kDate: {
      const bool date = fact.type == FactType::kDate;
      auto parse = [&](const YAML::Node& n, double& out) {
        if (!n.IsScalar()) {
          mismatch("range bounds must be scalars");
          return false;
        }
        if (date) {
          auto day = parseDay(n.Scalar());
          if (!day) {
            d_.error(posOf(file, n), "policy.bad_date", "`" + n.Scalar() + "` is not a date YYYY-MM-DD");
            return false;
          }
          out = *day;
          return true;
        }
        auto num = parseNumber(n.Scalar());
        if (!num) {
          mismatch("`" + n.Scalar() + "` is not a number");
          return false;
        }
        out = *num;
        return true;
      };
      p.kind = PredKind::kRange;
      if (v.IsScalar()) {
        double x = 0;
        if (!parse(v, x)) return -1;
        p.lo = p.hi = x;
      } else if (v.IsMap()) {
        for (const auto& kv : v) {
          const std::string k = kv.first.Scalar();
          double x = 0;
          if (!parse(kv.second, x)) return -1;
          if (k == "gt") { p.lo = x; p.lo_incl = false; }
          else if (k == "gte" || k == "from") { p.lo = x; p.lo_incl = true; }
          else if (k == "lt") { p.hi = x; p.hi_incl = false; }
          else if (k == "lte" || k == "until") { p.hi = x; p.hi_incl = true; }
          else return mismatch("unknown range key `" + k + "` (gt, gte, lt, lte)");
        }
      } else {
        return mismatch("expected a value or { gt|gte|lt|lte: ... }");
      }
      if (p.lo > p.hi || (p.lo == p.hi && !(p.lo_incl && p.hi_incl))) {
        d_.error(raw.pos, "policy.contradiction", "`" + fact.name + "`: the range is empty");
        return -1;
      }
      char buf[128];
      std::snprintf(buf, sizeof buf, ": %s%.17g,%.17g%s", p.lo_incl ? "[" : "(", p.lo, p.hi, p.hi_incl ? "]" : ")");
      p.key = fact.name + buf;
      break;
    }
    case FactType::kFindings: {
      p.kind = PredKind::kFinding;
      if (v.IsScalar()) {
        p.values = {v.Scalar()};
      } else if (v.IsMap()) {
        for (const auto& kv : v) {
          const std::string k = kv.first.Scalar();
          if (k == "kind") {
            auto kinds = stringsOf(kv.second, file, d_, "kind");
            if (!kinds || kinds->empty()) return -1;
            p.values = *kinds;
            std::sort(p.values.begin(), p.values.end());
          } else if (k == "min_score" && kv.second.IsScalar()) {
            auto s = parseNumber(kv.second.Scalar());
            if (!s || *s < 0 || *s > 1) return mismatch("min_score must be a number in 0..1");
            p.min_score = *s;
          } else return mismatch("unknown key `" + k + "` (kind, min_score)");
        }
        if (p.values.empty()) return mismatch("needs a `kind`");
      } else {
        return mismatch("expected { kind: \"pii.*\", min_score: 0.7 }");
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, " >= %.6g", p.min_score);
      p.key = fact.name + ": [" + join(p.values) + "]" + buf;
      break;
    }
    case FactType::kToolCalls: {
      // "transfer_*" | { name: [...], argument: amount, gte: 1000 } | { argument: "*", matches: [...] }
      p.kind = PredKind::kToolCall;
      if (v.IsScalar() || v.IsSequence()) {
        auto names = stringsOf(v, file, d_, "name");
        if (!names || names->empty()) return -1;
        p.values = *names;
      } else if (v.IsMap()) {
        for (const auto& kv : v) {
          const std::string k = kv.first.Scalar();
          if (k == "name") {
            auto names = stringsOf(kv.second, file, d_, "name");
            if (!names || names->empty()) return -1;
            p.values = *names;
          } else if (k == "argument" && kv.second.IsScalar()) {
            p.argument = kv.second.Scalar();
          } else if (k == "matches" || k == "not_matches") {
            auto pats = stringsOf(kv.second, file, d_, k.c_str());
            if (!pats || pats->empty()) return -1;
            for (auto& x : *pats) {
              std::transform(x.begin(), x.end(), x.begin(), [](unsigned char c) { return std::tolower(c); });
              (k == "matches" ? p.argument_values : p.argument_excludes).push_back(x);
            }
          } else if ((k == "gt" || k == "gte" || k == "lt" || k == "lte") && kv.second.IsScalar()) {
            auto x = parseNumber(kv.second.Scalar());
            if (!x) return mismatch("`" + kv.second.Scalar() + "` is not a number");
            p.numeric = true;
            if (k[0] == 'g') p.lo = *x, p.lo_incl = k == "gte";
            else p.hi = *x, p.hi_incl = k == "lte";
          } else {
            return mismatch("unknown key `" + k + "` (name, argument, matches, not_matches, gt, gte, lt, lte)");
          }
        }
      } else {
        return mismatch("expected a tool name pattern or { name, argument, matches | gt/gte/lt/lte }");
      }
      if (p.values.empty()) p.values = {"*"};
      if ((p.numeric || !p.argument_values.empty() || !p.argument_excludes.empty()) && p.argument.empty())
        return mismatch("`matches`, `not_matches` and ranges need the `argument` they test");
      std::sort(p.values.begin(), p.values.end());
      std::sort(p.argument_values.begin(), p.argument_values.end());
      std::sort(p.argument_excludes.begin(), p.argument_excludes.end());
      char buf[128] = "";
      if (p.numeric)
        std::snprintf(buf, sizeof buf, " %s%.17g,%.17g%s", p.lo_incl ? "[" : "(", p.lo, p.hi, p.hi_incl ? "]" : ")");
      p.key = fact.name + ": [" + join(p.values) + "] " + p.argument + " [" + join(p.argument_values) + "] not [" +
              join(p.argument_excludes) + "]" + buf;
      break;
    }
  }
  return intern(std::move(p));
}

bool Compiler::compileConjunction(const std::vector<RawPredicate>& raw, std::vector<int>& out) {
  bool ok = true;
  for (const auto& r : raw) {
    if (r.fact == "not") {
      for (const auto& group : r.not_groups) {
        std::vector<int> children;
        if (!compileConjunction(group, children)) {
          ok = false;
          continue;
        }
        if (children.empty()) {
          d_.error(r.pos, "policy.bad_yaml", "`not` needs at least one condition");
          ok = false;
          continue;
        }
        std::sort(children.begin(), children.end());
        Pred p;
        p.kind = PredKind::kNot;
        p.children = children;
        p.key = "not(";
        for (int c : children) p.key += p_.preds_[static_cast<size_t>(c)].key + ";";
        p.key += ")";
        // A negation that includes a positive predicate of the same conjunction can never hold
        // together with it: `x: a` and `not: { x: a }`.
        if (children.size() == 1)
          for (int o : out)
            if (o == children[0]) {
              d_.error(r.pos, "policy.contradiction",
                       "`not` excludes `" + p_.preds_[static_cast<size_t>(o)].key + "` that the same `when` requires");
              ok = false;
            }
        const int id = intern(std::move(p));
        p_.preds_[static_cast<size_t>(id)].route = false;
        out.push_back(id);
      }
      continue;
    }
    const FactDef* fact = p_.vocab_.fact(r.fact);
    if (!fact) {
      d_.error(r.pos, "policy.unknown_fact", "unknown fact `" + r.fact + "` (see packs/vocabulary.yaml facts)");
      ok = false;
      continue;
    }
    const int id = compilePredicate(r, *fact);
    if (id < 0) {
      ok = false;
      continue;
    }
    // Two values for one single-valued fact that share nothing can never both hold.
    const Pred& np = p_.preds_[static_cast<size_t>(id)];
    if (fact->type == FactType::kString || fact->type == FactType::kEnum || fact->type == FactType::kBool) {
      for (int o : out) {
        const Pred& op = p_.preds_[static_cast<size_t>(o)];
        if (op.fact != np.fact || o == id) continue;
        bool disjoint = true;
        if (np.kind == PredKind::kBool) disjoint = op.bool_value != np.bool_value;
        else
          for (const auto& a : np.values)
            for (const auto& b : op.values)
              if (a == b || a.find('*') != std::string::npos || b.find('*') != std::string::npos) disjoint = false;
        if (disjoint) {
          d_.error(r.pos, "policy.contradiction", "`" + np.key + "` contradicts `" + op.key + "`");
          ok = false;
        }
      }
    }
    out.push_back(id);
  }
  // Negations: `not: {x: [a]}` next to `x: [a, ...]` subsets are checked above for single ones.
  for (int o : out) {
    const Pred& n = p_.preds_[static_cast<size_t>(o)];
    if (n.kind != PredKind::kNot || n.children.size() != 1) continue;
    const Pred& c = p_.preds_[static_cast<size_t>(n.children[0])];
    if (c.kind != PredKind::kAnyOf) continue;
    const FactDef& f = p_.vocab_.facts[static_cast<size_t>(c.fact)];
    if (f.type == FactType::kSet) continue;
    for (int q : out) {
      const Pred& pos = p_.preds_[static_cast<size_t>(q)];
      if (pos.kind != PredKind::kAnyOf || pos.fact != c.fact || q == n.children[0]) continue;
      bool covered = true;  // every allowed value is excluded
      for (const auto& v : pos.values)
        if (std::find(c.values.begin(), c.values.end(), v) == c.values.end()) covered = false;
      if (covered) {
        d_.error(raw.empty() ? Pos{} : raw.front().pos, "policy.contradiction",
                 "`" + pos.key + "` is excluded by `" + n.key + "`");
        ok = false;
      }
    }
  }
  return ok;
}

void Compiler::compileThen(const RawRule& raw, Rule& rule) {
  const std::string* file = raw.then_pos.file;
  static const std::map<Action, std::set<std::string>> kParams = {
      {Action::kDeny, {"message"}},
      {Action::kHold, {"reason", "message"}},
      {Action::kRedact, {"kinds", "mode"}},
      {Action::kRoute, {"require_region", "deny_origin", "require_origin"}},
      {Action::kLabel, {"placement", "text", "implicit", "waivable"}},
      {Action::kLog, {"content", "retention_min_days", "retention_max_days"}},
      {Action::kNotify, {"within_hours", "to"}},
      {Action::kDisclose, {"text"}},
      {Action::kDocument, {"text"}},
      {Action::kAllow, {}}};
  const auto& allowed = kParams.at(rule.action);
  for (const auto& kv : raw.then) {
    const std::string key = kv.first.Scalar();
    if (key == "action") continue;
    const Pos pos = posOf(file, kv.first);
    const ConceptDef* cdef = p_.vocab_.conceptDef(rule.concept_id);
    if (!allowed.count(key) && !(cdef && cdef->param(key))) {
      d_.warn(pos, "policy.unknown_key", "`" + key + "` is not a parameter of action " + actionName(rule.action));
      continue;
    }
    Param prm;
    prm.name = key;
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      prm.is_map = true;
      for (const auto& e : v) {
        if (!e.second.IsScalar()) {
          d_.error(posOf(file, e.second), "policy.type_mismatch", "`" + key + "` values must be text");
          continue;
        }
        prm.map.emplace_back(e.first.Scalar(), e.second.Scalar());
      }
    } else if (auto vals = stringsOf(v, file, d_, key.c_str())) {
      prm.list = *vals;
      prm.is_list = v.IsSequence();
    } else {
      continue;
    }
    auto number = [&](int32_t& out) {
      auto n = prm.list.size() == 1 ? parseNumber(prm.list[0]) : std::nullopt;
      if (!n || *n < 0) d_.error(posOf(file, v), "policy.type_mismatch", "`" + key + "` must be a number >= 0");
      else out = static_cast<int32_t>(*n);
    };
    auto scalar = [&]() -> std::string {
      if (prm.is_map || prm.list.size() != 1) {
        d_.error(posOf(file, v), "policy.type_mismatch", "`" + key + "` must be a single value");
        return {};
      }
      return prm.list[0];
    };
    if (key == "message" || key == "reason") rule.message = scalar();
    else if (key == "text" && rule.action != Action::kLabel) rule.message = scalar();
    else if (key == "kinds") rule.kinds = prm.list;
    else if (key == "mode") {
      const std::string m = scalar();
      if (m == "tag") rule.redact_mode = RedactMode::kTag;
      else if (m == "mask") rule.redact_mode = RedactMode::kMask;
      else if (m == "pseudonym") rule.redact_mode = RedactMode::kPseudonym;
      else d_.error(posOf(file, v), "policy.type_mismatch", "redact mode must be tag, mask or pseudonym");
    } else if (key == "require_region") rule.require_region = prm.list;
    else if (key == "deny_origin") rule.deny_origin = prm.list;
    else if (key == "require_origin") rule.require_origin = prm.list;
    else if (key == "placement") {
      const std::string m = scalar();
      if (m == "start") rule.label.placement = Placement::kStart;
      else if (m == "end") rule.label.placement = Placement::kEnd;
      else if (m == "first_turn") rule.label.placement = Placement::kFirstTurn;
      else d_.error(posOf(file, v), "policy.type_mismatch", "placement must be start, end or first_turn");
    } else if (key == "text") {
      if (!prm.is_map) d_.error(posOf(file, v), "policy.type_mismatch", "label text must be a map { en: ..., zh: ... }");
      rule.label.text = prm.map;
    } else if (key == "implicit") rule.label.implicit = prm.list;
    else if (key == "waivable") {
      auto b = parseBool(scalar());
      if (!b) d_.error(posOf(file, v), "policy.type_mismatch", "waivable must be true or false");
      else rule.label.waivable = *b;
    } else if (key == "content") {
      const std::string m = scalar();
      rule.log_content_set = true;
      if (m == "none") rule.log_content = LogContent::kNone;
      else if (m == "hash") rule.log_content = LogContent::kHash;
      else if (m == "redacted") rule.log_content = LogContent::kRedacted;
      else if (m == "full") rule.log_content = LogContent::kFull;
      else d_.error(posOf(file, v), "policy.type_mismatch", "log content must be none, hash, redacted or full");
    } else if (key == "retention_min_days") number(rule.retention_min_days);
    else if (key == "retention_max_days") number(rule.retention_max_days);
    else if (key == "within_hours") {
      int32_t h = 0;
      number(h);
    }
    rule.params.push_back(std::move(prm));
  }
  if (rule.retention_max_days > 0 && rule.retention_min_days > rule.retention_max_days)
    d_.error(raw.then_pos, "policy.contradiction", "retention_min_days is above retention_max_days");
  if (rule.action == Action::kRoute && rule.require_region.empty() && rule.deny_origin.empty() &&
      rule.require_origin.empty())
    d_.error(raw.then_pos, "policy.missing_field", "route needs require_region, deny_origin or require_origin");
  if (rule.action == Action::kRedact && rule.kinds.empty())
    d_.error(raw.then_pos, "policy.missing_field", "redact needs `kinds`");
}

void Compiler::addPack(RawPack& pack) {
  PackInfo info;
  info.id = pack.id.value;
  info.jurisdiction = pack.jurisdiction.value;
  info.instrument = pack.instrument.value;
  info.version = pack.version.value;
  info.severity = pack.severity.present ? pack.severity.value : "binding";
  info.file = pack.path;
  info.sources = pack.sources;
  if (!oneOf(info.severity, {"binding", "advisory"}))
    d_.error(pack.severity.pos, "policy.bad_value", "severity must be binding or advisory");
  if (!info.id.empty() && !pack_ids_.insert(info.id).second)
    d_.error(pack.id.pos, "policy.duplicate_id", "pack id `" + info.id + "` is used by another pack");

  for (const RawRule& raw : pack.rules) {
    Rule rule;
    rule.id = raw.id.value;
    rule.file = pack.path;
    rule.line = raw.pos.line;
    rule.pack_id = info.id;
    rule.severity = info.severity;
    rule.instrument = info.instrument;
    const std::string where = pack.path + ":" + std::to_string(raw.pos.line);
    if (auto [it, fresh] = rule_where_.emplace(rule.id, where); !fresh)
      d_.error(raw.id.pos, "policy.duplicate_id", "rule id `" + rule.id + "` already defined at " + it->second);
    rule.cite = raw.cite.value;
    if (!raw.cite.present) d_.error(raw.pos, "policy.missing_field", "rule " + rule.id + " needs a `cite`");
    rule.jurisdiction = raw.jurisdiction.present ? raw.jurisdiction.value : info.jurisdiction;
    rule.concept_id = raw.concept_id.value;
    if (!raw.concept_id.present) d_.error(raw.pos, "policy.missing_field", "rule " + rule.id + " needs a `concept`");
    else if (!p_.vocab_.conceptDef(rule.concept_id))
      d_.error(raw.concept_id.pos, "policy.unknown_concept", "unknown concept `" + rule.concept_id + "` (see packs/vocabulary.yaml concepts)");
    rule.binds = raw.binds.value;
    rule.summary = raw.summary.value;
    rule.status_note = raw.status_note.value;
    rule.confidence = raw.confidence.present ? raw.confidence.value : "V";
    if (rule.confidence == "verified") rule.confidence = "V";
    if (rule.confidence == "secondary") rule.confidence = "S";
    if (rule.confidence == "unverified") rule.confidence = "U";
    if (!oneOf(rule.confidence, {"V", "S", "U"}))
      d_.error(raw.confidence.pos, "policy.bad_value", "confidence must be V, S or U");
    rule.status = raw.status.present ? raw.status.value : (info.severity == "advisory" ? "voluntary" : "in_force");
    if (!oneOf(rule.status, {"in_force", "not_yet_in_force", "enjoined", "repealed", "voluntary", "contested"}))
      d_.error(raw.status.pos, "policy.bad_value",
               "status must be in_force, not_yet_in_force, enjoined, repealed, voluntary or contested");
    rule.enforced_by = raw.enforced_by.present ? raw.enforced_by.value : "organisation";
    if (!oneOf(rule.enforced_by, {"gateway", "partly", "organisation"}))
      d_.error(raw.enforced_by.pos, "policy.bad_value", "enforced_by must be gateway, partly or organisation");
    rule.mode = raw.mode.present ? raw.mode.value : "runtime";
    if (!oneOf(rule.mode, {"runtime", "assess", "both"}))
      d_.error(raw.mode.pos, "policy.bad_value", "mode must be runtime, assess or both");
    rule.runtime = rule.mode != "assess";
    if (raw.priority.present) {
      auto n = parseNumber(raw.priority.value);
      if (!n) d_.error(raw.priority.pos, "policy.type_mismatch", "priority must be an integer");
      else rule.priority = static_cast<int>(*n);
    }
    if (raw.from.present) {
      if (auto d = parseDay(raw.from.value)) rule.from_day = *d;
      else d_.error(raw.from.pos, "policy.bad_date", "`" + raw.from.value + "` is not a date YYYY-MM-DD");
    }
    if (raw.until.present) {
      if (auto d = parseDay(raw.until.value)) rule.until_day = *d;
      else d_.error(raw.until.pos, "policy.bad_date", "`" + raw.until.value + "` is not a date YYYY-MM-DD");
    }
    if (rule.from_day != INT32_MIN && rule.until_day != INT32_MAX && rule.from_day > rule.until_day)
      d_.error(raw.until.pos, "policy.contradiction", "effective.until is before effective.from");
    if (raw.action.present) {
      if (auto a = parseAction(raw.action.value)) {
        rule.action = *a;
        compileThen(raw, rule);
      } else {
        d_.error(raw.action.pos, "policy.unknown_action",
                 "unknown action `" + raw.action.value +
                     "` (allow, deny, hold, redact, route, label, log, notify, disclose, document)");
      }
    }
    compileConjunction(raw.when, rule.preds);
    std::sort(rule.preds.begin(), rule.preds.end());
    rule.preds.erase(std::unique(rule.preds.begin(), rule.preds.end()), rule.preds.end());
    for (int id : rule.preds) {
      if (anyRoute(id)) rule.candidate_scoped = true;
      if (p_.preds_[static_cast<size_t>(id)].kind == PredKind::kToolCall) rule.on_answer = true;
    }
    rule.enabled = (rule.confidence != "U" || enable_unverified_) &&
                   rule.status != "repealed" && rule.status != "enjoined";
    rule.index = static_cast<int>(p_.rules_.size());
    p_.rules_.push_back(std::move(rule));
  }
  p_.packs_.push_back(std::move(info));
}

void Compiler::finish() {
  auto& P = p_;
  P.words_ = std::max<size_t>(1, (P.preds_.size() + 63) / 64);
  if (P.words_ > Program::kMaxWords)
    d_.error(Pos{}, "policy.too_large", "more than " + std::to_string(Program::kMaxWords * 64) + " distinct predicates");
  const size_t nf = P.vocab_.facts.size();
  P.exact_.assign(nf, {});
  P.bool_true_.assign(nf, {});
  P.bool_false_.assign(nf, {});
  P.ranges_.assign(nf, {});
  for (const auto& f : P.vocab_.facts) P.exact_[static_cast<size_t>(f.id)].hierarchical = f.hierarchical;
  for (size_t i = 0; i < P.preds_.size(); ++i) {
    const Pred& p = P.preds_[i];
    const int id = static_cast<int>(i);
    if (p.route) {
      P.route_preds_.push_back(id);
      continue;
    }
    switch (p.kind) {
      case PredKind::kAnyOf: {
        auto& ix = P.exact_[static_cast<size_t>(p.fact)];
        bool glob = false;
        for (const auto& v : p.values) {
          if (v.find('*') != std::string::npos) glob = true;
          else ix.by_value[v].push_back(id);
        }
        if (glob) ix.globs.push_back(id);
        break;
      }
      case PredKind::kBool:
        (p.bool_value ? P.bool_true_ : P.bool_false_)[static_cast<size_t>(p.fact)].push_back(id);
        break;
      case PredKind::kRange: P.ranges_[static_cast<size_t>(p.fact)].push_back(id); break;
      case PredKind::kFinding: P.finding_preds_.push_back(id); break;
      case PredKind::kToolCall: P.tool_preds_.push_back(id); break;
      case PredKind::kNot: P.not_preds_.push_back(id); break;
    }
  }
  for (auto& r : P.rules_) {
    std::map<uint32_t, uint64_t> m;
    for (int id : r.preds) m[static_cast<uint32_t>(id / 64)] |= uint64_t{1} << (id % 64);
    r.mask.assign(m.begin(), m.end());
    if (!r.enabled) continue;
    if (r.runtime) P.runtime_rules_.push_back(r.index);
    if (r.runtime && r.on_answer) P.has_answer_rules_ = true;
    else P.assess_rules_.push_back(r.index);
  }
  std::stable_sort(P.runtime_rules_.begin(), P.runtime_rules_.end(), [&](int a, int b) {
    return !P.rules_[static_cast<size_t>(a)].candidate_scoped && P.rules_[static_cast<size_t>(b)].candidate_scoped;
  });
  // Anchor: a jurisdiction predicate if the rule has one, else any positive predicate.
  auto anchorOf = [&](const Rule& r) {
    int anchor = -1;
    for (int id : r.preds) {
      const Pred& pr = P.preds_[static_cast<size_t>(id)];
      if (pr.kind == PredKind::kNot || pr.route) continue;
      if (P.vocab_.facts[static_cast<size_t>(pr.fact)].name == "principal.jurisdictions") return id;
      if (anchor < 0) anchor = id;
    }
    return anchor;
  };
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<int> order = pass == 0 ? P.runtime_rules_ : P.assess_rules_;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return anchorOf(P.rules_[static_cast<size_t>(a)]) < anchorOf(P.rules_[static_cast<size_t>(b)]);
    });
    for (int i : order) {
      const Rule& r = P.rules_[static_cast<size_t>(i)];
      const int anchor = anchorOf(r);
      if (P.buckets_.empty() || P.buckets_.back().anchor != anchor ||
          P.buckets_.back().end != P.hot_.size() || (pass == 1 && P.buckets_.size() == P.buckets_runtime_end_))
        P.buckets_.push_back(Program::Bucket{anchor, static_cast<uint32_t>(P.hot_.size()), static_cast<uint32_t>(P.hot_.size())});
      P.buckets_.back().end++;
      Program::HotRule h{r.from_day, r.until_day, static_cast<uint32_t>(P.hot_masks_.size()), 0,
                         static_cast<uint32_t>(i), r.candidate_scoped, r.runtime, r.on_answer};
      P.hot_masks_.insert(P.hot_masks_.end(), r.mask.begin(), r.mask.end());
      h.mask_end = static_cast<uint32_t>(P.hot_masks_.size());
      P.hot_.push_back(h);
    }
    if (pass == 0) {
      P.hot_runtime_end_ = P.hot_.size();
      P.buckets_runtime_end_ = P.buckets_.size();
    }
  }
  auto fid = [&](const char* n) { const FactDef* f = P.vocab_.fact(n); return f ? f->id : -1; };
  P.fact_tenant_ = fid("principal.tenant");
  P.fact_juris_ = fid("principal.jurisdictions");
  P.fact_sector_ = fid("principal.sector");
  P.fact_public_ = fid("principal.public_body");
  P.fact_roles_ = fid("principal.roles");
  P.fact_endpoint_ = fid("request.endpoint");
  P.fact_model_ = fid("request.model");
  P.fact_language_ = fid("request.language");
  P.fact_stream_ = fid("request.stream");
  P.fact_tools_ = fid("request.tools_present");
  P.fact_modality_ = fid("request.modality");
  P.fact_date_ = fid("date");
  P.fact_region_ = fid("route.region");
  P.fact_origin_ = fid("route.model_origin");
  P.fact_upstream_ = fid("route.upstream");
}

static std::vector<std::string> expandPaths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const auto name = e.path().filename().string();
        const auto ext = e.path().extension().string();
        if ((ext == ".yaml" || ext == ".yml") && name != "vocabulary.yaml" && name != "vocabulary.yml")
          files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else if (fs::path(p).filename() != "vocabulary.yaml") {  // `packs/*.yaml` globs include it
      out.push_back(p);
    }
  }
  return out;
}

Result<std::shared_ptr<const Program>> loadProgram(const LoadOptions& o, std::vector<Diagnostic>* out) {
  SourceSet sources;
  Diagnostics diags(&sources);
  auto program = std::make_shared<Program>();
  auto finishWith = [&]() -> Result<std::shared_ptr<const Program>> {
    if (out) *out = diags.all();
    if (diags.hasErrors()) {
      std::string code;
      for (const auto& d : diags.all())
        if (!d.warning) { code = d.code; break; }
      return Error{code, diags.summary()};
    }
    return std::shared_ptr<const Program>(program);
  };
  std::string vtext = o.vocabulary_text;
  std::string vpath = o.vocabulary_path.empty() ? "<vocabulary>" : o.vocabulary_path;
  if (vtext.empty()) {
    auto t = readFileText(o.vocabulary_path);
    if (!t) {
      diags.error(Pos{&vpath, 0, 0}, "policy.bad_yaml", "cannot read vocabulary file");
      return finishWith();
    }
    vtext = *t;
  }
  auto vocab = readVocabulary(vpath, vtext, sources, diags);
  if (!vocab || diags.hasErrors()) return finishWith();
  program->vocab_ = std::move(*vocab);

  Compiler compiler(*program, diags, o.enable_unverified);
  std::vector<RawPack> raws;  // stage 1 for every file, then compile: ids are checked across files
  std::vector<std::string> unreadable;
  for (const auto& [path, text] : o.pack_texts)
    if (auto p = readPack(path, text, sources, diags)) raws.push_back(std::move(*p));
  for (const auto& path : expandPaths(o.pack_paths)) {
    auto t = readFileText(path);
    if (!t) {
      unreadable.push_back(path);
      diags.error(Pos{&unreadable.back(), 0, 0}, "policy.bad_yaml", "cannot read pack file");
      continue;
    }
    if (auto p = readPack(path, *t, sources, diags)) raws.push_back(std::move(*p));
  }
  for (auto& raw : raws) compiler.addPack(raw);
  compiler.finish();
  return finishWith();
}

}  // namespace concord::policy
