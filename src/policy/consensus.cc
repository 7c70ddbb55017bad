// Consensus: every obligation of every chosen jurisdiction applied to the traffic of all of
// them, with parameters merged to the strictest compatible value (vocabulary `merge`), emitted
// as a loadable pack. Routing concepts (a parameter merged by `intersect`) stay per data origin.
#include <algorithm>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "policy/crosswalk.h"
#include "policy/yaml_source.h"

namespace concord::policy {
namespace {

struct Draft {
  const Rule* rule;
  std::vector<Param> params;
  std::string when_text;  // for dedup
  std::vector<std::string> cites;
  int32_t from_day = INT32_MIN, until_day = INT32_MAX;
};

bool numericLess(const std::string& a, const std::string& b) {
  auto x = parseNumber(a), y = parseNumber(b);
  if (x && y) return *x < *y;
  return a < b;
}

// Merges `from` into `into` for one parameter by the vocabulary's merge rule. Returns false
// on an irreconcilable difference (merge: equal, or an empty intersection).
bool mergeParam(const ParamDef* def, Param& into, const Param& from) {
  const std::string merge = def ? def->merge : "first";
  if (into.is_map || from.is_map) {
    for (const auto& kv : from.map)
      if (std::none_of(into.map.begin(), into.map.end(), [&](const auto& e) { return e.first == kv.first; }))
        into.map.push_back(kv);
    into.is_map = true;
    return true;
  }
  if (into.list.empty()) { into = from; return true; }
  if (from.list.empty()) return true;
  if (merge == "max" || merge == "min" || merge == "min_nonzero") {
    const std::string& a = into.list[0];
    const std::string& b = from.list[0];
    if (def && def->type == "enum") {  // ordered by the vocabulary's `values`
      auto rank = [&](const std::string& x) { return std::find(def->values.begin(), def->values.end(), x) - def->values.begin(); };
      if (merge == "max" ? rank(b) > rank(a) : rank(b) < rank(a)) into.list = from.list;
      return true;
    }
    if (merge == "max") { if (numericLess(a, b)) into.list = from.list; }
    else if (merge == "min") { if (numericLess(b, a)) into.list = from.list; }
    else {
      const bool a0 = parseNumber(a).value_or(0) == 0, b0 = parseNumber(b).value_or(0) == 0;
      if (a0 || (!b0 && numericLess(b, a))) into.list = from.list;
    }
    return true;
  }
  if (merge == "union") {
    for (const auto& v : from.list)
      if (std::find(into.list.begin(), into.list.end(), v) == into.list.end()) into.list.push_back(v);
    into.is_list = true;
    return true;
  }
  if (merge == "intersect") {
    std::vector<std::string> keep;
    for (const auto& v : into.list)
      if (std::find(from.list.begin(), from.list.end(), v) != from.list.end()) keep.push_back(v);
    into.list = keep;
    return !keep.empty();
  }
  if (merge == "all_false") {
    if (from.list[0] == "false") into.list = {"false"};
    return true;
  }
  if (merge == "equal") return into.list == from.list;
  return true;  // first: any listed value satisfies everyone; keep the first
}

void emitPred(YAML::Emitter& e, const Program& p, int id, const std::vector<std::string>* juris_override,
              const std::map<int, double>& lower_bounds) {
  const Pred& pr = p.predicates()[static_cast<size_t>(id)];
  const FactDef& f = p.vocabulary().facts[static_cast<size_t>(pr.fact)];
  e << YAML::Key << f.name << YAML::Value;
  switch (pr.kind) {
    case PredKind::kAnyOf: {
      // Jurisdiction-like facts are widened to every chosen jurisdiction.
      const bool widen = juris_override && (f.name == "principal.jurisdictions" || f.name == "system.markets");
      const auto& vals = widen ? *juris_override : pr.values;
      e << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : vals) e << v;
      e << YAML::EndSeq;
      break;
    }
    case PredKind::kBool: e << (pr.bool_value ? "true" : "false"); break;
    case PredKind::kRange: {
      const bool date = f.type == FactType::kDate;
      auto fmt = [&](double x) {
        if (date) return formatDay(static_cast<int32_t>(x));
        char b[40];
        std::snprintf(b, sizeof b, "%.17g", x);
        return std::string(b);
      };
      double lo = pr.lo;
      if (auto it = lower_bounds.find(pr.fact); it != lower_bounds.end() && pr.lo > -1e307) lo = it->second;
      e << YAML::Flow << YAML::BeginMap;
      if (lo > -1e307) e << YAML::Key << (pr.lo_incl ? "gte" : "gt") << YAML::Value << fmt(lo);
      if (pr.hi < 1e307) e << YAML::Key << (pr.hi_incl ? "lte" : "lt") << YAML::Value << fmt(pr.hi);
      e << YAML::EndMap;
      break;
    }
    case PredKind::kFinding: {
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "kind" << YAML::Value << YAML::BeginSeq;
      for (const auto& v : pr.values) e << v;
      e << YAML::EndSeq << YAML::Key << "min_score" << YAML::Value << pr.min_score << YAML::EndMap;
      break;
    }
    case PredKind::kToolCall: {
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << YAML::BeginSeq;
      for (const auto& v : pr.values) e << v;
      e << YAML::EndSeq;
      if (!pr.argument.empty()) e << YAML::Key << "argument" << YAML::Value << pr.argument;
      if (!pr.argument_values.empty()) {
        e << YAML::Key << "matches" << YAML::Value << YAML::BeginSeq;
        for (const auto& v : pr.argument_values) e << v;
        e << YAML::EndSeq;
      }
      if (!pr.argument_excludes.empty()) {
        e << YAML::Key << "not_matches" << YAML::Value << YAML::BeginSeq;
        for (const auto& v : pr.argument_excludes) e << v;
        e << YAML::EndSeq;
      }
      if (pr.numeric && pr.lo > -1e307) e << YAML::Key << (pr.lo_incl ? "gte" : "gt") << YAML::Value << pr.lo;
      if (pr.numeric && pr.hi < 1e307) e << YAML::Key << (pr.hi_incl ? "lte" : "lt") << YAML::Value << pr.hi;
      e << YAML::EndMap;
      break;
    }
    case PredKind::kNot: break;
  }
}

void emitWhen(YAML::Emitter& e, const Program& p, const std::vector<int>& preds,
              const std::vector<std::string>* juris_override, const std::map<int, double>& lower) {
  e << YAML::BeginMap;
  std::vector<int> nots;
  for (int id : preds) {
    if (p.predicates()[static_cast<size_t>(id)].kind == PredKind::kNot) nots.push_back(id);
    else emitPred(e, p, id, juris_override, lower);
  }
  if (!nots.empty()) {
    e << YAML::Key << "not" << YAML::Value << YAML::BeginSeq;
    for (int n : nots) emitWhen(e, p, p.predicates()[static_cast<size_t>(n)].children, nullptr, {});
    e << YAML::EndSeq;
  }
  e << YAML::EndMap;
}

}  // namespace

Consensus buildConsensus(const Program& program, const std::vector<std::string>& chosen) {
  Consensus out;
  const Vocabulary& v = program.vocabulary();
  for (const Tension* t : tensionsFor(v, chosen))
    out.conflicts.push_back(Conflict{t->concept_id, "tension", t->title + ": " + t->resolution, t->id,
                                     t->jurisdictions, t->irreconcilableFor(chosen)});
  // Group the chosen jurisdictions' rules by (concept, action).
  std::map<std::pair<std::string, int>, std::vector<const Rule*>> groups;
  for (const auto& r : program.rules()) {
    if (r.status == "repealed" || r.status == "enjoined" || !r.enabled) continue;
    bool in = false;
    for (const auto& c : chosen) in = in || jurisdictionMatches(r.jurisdiction, c);
    if (in) groups[{r.concept_id, static_cast<int>(r.action)}].push_back(&r);
  }
  std::vector<Draft> drafts;
  for (auto& [key, rules] : groups) {
    const ConceptDef* cdef = v.conceptDef(key.first);
    bool per_origin = static_cast<Action>(key.second) == Action::kRoute;
    if (cdef)
      for (const auto& pd : cdef->params) per_origin = per_origin || pd.merge == "intersect";
    // Merged parameters of the group.
    std::vector<Param> merged;
    for (const Rule* r : rules) {
      for (const auto& p : r->params) {
        const ParamDef* pd = cdef ? cdef->param(p.name) : nullptr;
        if (per_origin && pd && pd->merge == "intersect") continue;  // kept per rule
        auto it = std::find_if(merged.begin(), merged.end(), [&](const Param& m) { return m.name == p.name; });
        if (it == merged.end()) { merged.push_back(p); continue; }
        if (!mergeParam(pd, *it, p)) {
          std::vector<std::string> js;
          for (const Rule* x : rules) js.push_back(x->jurisdiction + " " + x->id);
          out.conflicts.push_back(Conflict{key.first, "parameter",
                                           "`" + p.name + "` cannot be merged (" + (pd ? pd->merge : "?") + ")", "",
                                           js, true});
        }
      }
    }
    // Lowest numeric lower bound per fact across the group (e.g. the compute trigger).
    std::map<int, double> lower;
    for (const Rule* r : rules)
      for (int id : r->preds) {
        const Pred& pr = program.predicates()[static_cast<size_t>(id)];
        if (pr.kind != PredKind::kRange || pr.lo <= -1e307) continue;
        if (v.facts[static_cast<size_t>(pr.fact)].type != FactType::kNumber) continue;
        auto it = lower.find(pr.fact);
        if (it == lower.end() || pr.lo < it->second) lower[pr.fact] = pr.lo;
      }
    for (const Rule* r : rules) {
      Draft d;
      d.rule = r;
      d.from_day = r->from_day;
      d.until_day = r->until_day;
      d.params = merged;
      for (const auto& p : r->params) {
        const ParamDef* pd = cdef ? cdef->param(p.name) : nullptr;
        if (per_origin && pd && pd->merge == "intersect") d.params.push_back(p);
      }
      YAML::Emitter e;
      emitWhen(e, program, r->preds, per_origin ? nullptr : &chosen, lower);
      d.when_text = e.c_str();
      d.cites.push_back(r->cite + " [" + r->jurisdiction + "]");
      bool dup = false;
      for (auto& other : drafts)
        if (other.rule->concept_id == r->concept_id && other.rule->action == r->action && other.when_text == d.when_text &&
            other.rule->mode == r->mode) {
          other.cites.push_back(d.cites[0]);
          other.from_day = std::min(other.from_day, r->from_day);  // the earliest start is the strictest
          other.until_day = std::max(other.until_day, r->until_day);
          dup = true;
          break;
        }
      if (!dup) drafts.push_back(std::move(d));
    }
  }
  // A floor above a ceiling cannot be met.
  int max_min = 0, min_max = 0;
  for (const auto& [key, rules] : groups)
    for (const Rule* r : rules) {
      max_min = std::max(max_min, r->retention_min_days);
      if (r->retention_max_days > 0 && (min_max == 0 || r->retention_max_days < min_max))
        min_max = r->retention_max_days;
    }
  if (min_max > 0 && max_min > min_max)
    out.conflicts.push_back(Conflict{"logging.retention_min", "retention",
                                     "minimum retention " + std::to_string(max_min) +
                                         " days exceeds maximum " + std::to_string(min_max) + " days",
                                     "", chosen, true});
  out.ok = std::none_of(out.conflicts.begin(), out.conflicts.end(), [](const Conflict& c) { return c.irreconcilable; });
  if (!out.ok) return out;

  std::string jlist;
  for (const auto& c : chosen) jlist += (jlist.empty() ? "" : "+") + c;
  YAML::Emitter e;
  std::string notes = "Consensus profile for " + jlist + ", generated by `concord policy consensus`.";
  for (const auto& c : out.conflicts)
    if (!c.tension_id.empty()) notes += "\n" + c.tension_id + " (" + c.concept_id + "): " + c.description;
  e << YAML::Comment(notes);
  e << YAML::BeginMap << YAML::Key << "pack" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "id" << YAML::Value << "consensus-" + jlist;
  e << YAML::Key << "jurisdiction" << YAML::Value << jlist;
  e << YAML::Key << "instrument" << YAML::Value << "Consensus of " + jlist + " (strictest compatible parameters)";
  e << YAML::Key << "version" << YAML::Value << "generated";
  e << YAML::Key << "severity" << YAML::Value << "binding" << YAML::EndMap;
  e << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (const auto& d : drafts) {
    const Rule& r = *d.rule;
    e << YAML::BeginMap;
    e << YAML::Key << "id" << YAML::Value << "CONSENSUS-" + r.id;
    std::string cite;
    for (const auto& c : d.cites) cite += (cite.empty() ? "" : "; ") + c;
    e << YAML::Key << "cite" << YAML::Value << cite;
    e << YAML::Key << "jurisdiction" << YAML::Value << jlist;
    e << YAML::Key << "concept" << YAML::Value << r.concept_id;
    if (!r.binds.empty()) e << YAML::Key << "binds" << YAML::Value << r.binds;
    if (d.from_day != INT32_MIN || d.until_day != INT32_MAX) {
      e << YAML::Key << "effective" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (d.from_day != INT32_MIN) e << YAML::Key << "from" << YAML::Value << formatDay(d.from_day);
      if (d.until_day != INT32_MAX) e << YAML::Key << "until" << YAML::Value << formatDay(d.until_day);
      e << YAML::EndMap;
    }
    e << YAML::Key << "confidence" << YAML::Value << r.confidence;
    e << YAML::Key << "status" << YAML::Value << r.status;
    e << YAML::Key << "enforced_by" << YAML::Value << r.enforced_by;
    e << YAML::Key << "mode" << YAML::Value << r.mode;
    e << YAML::Key << "priority" << YAML::Value << r.priority;
    if (!r.summary.empty()) e << YAML::Key << "summary" << YAML::Value << r.summary;
    if (!r.preds.empty()) {
      e << YAML::Key << "when" << YAML::Value;
      YAML::Node parsed = YAML::Load(d.when_text);
      e << parsed;
    }
    e << YAML::Key << "then" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "action" << YAML::Value << actionName(r.action);
    for (const auto& p : d.params) {
      e << YAML::Key << p.name << YAML::Value;
      if (p.is_map) {
        e << YAML::BeginMap;
        for (const auto& [k, val] : p.map) e << YAML::Key << k << YAML::Value << val;
        e << YAML::EndMap;
      } else if (p.is_list) {
        e << YAML::Flow << YAML::BeginSeq;
        for (const auto& x : p.list) e << x;
        e << YAML::EndSeq;
      } else if (!p.list.empty()) {
        e << p.list[0];
      }
    }
    e << YAML::EndMap << YAML::EndMap;
    ++out.rules;
  }
  e << YAML::EndSeq << YAML::EndMap;
  out.pack_yaml = std::string(e.c_str()) + "\n";
  return out;
}

}  // namespace concord::policy
