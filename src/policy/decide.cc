// Program::decide — the hot path. Every predicate is evaluated at most once per exchange into a
// satisfied-predicate bitset (exact values through hash indexes, then globs, bools, ranges,
// findings and finally negations); each rule is a sparse required-bit mask checked against it.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "policy/program.h"

namespace concord::policy {
namespace {

inline void setBit(uint64_t* sat, int id) { sat[id >> 6] |= uint64_t{1} << (id & 63); }
inline bool hasBit(const uint64_t* sat, int id) { return (sat[id >> 6] >> (id & 63)) & 1; }

inline bool masked(const std::pair<uint32_t, uint64_t>* begin, const std::pair<uint32_t, uint64_t>* end,
                   const uint64_t* sat) {
  for (auto* it = begin; it != end; ++it)
    if ((sat[it->first] & it->second) != it->second) return false;
  return true;
}

bool inRange(const Pred& p, double x) {
  if (p.lo_incl ? x < p.lo : x <= p.lo) return false;
  if (p.hi_incl ? x > p.hi : x >= p.hi) return false;
  return true;
}

}  // namespace

// Does one tool call satisfy a kToolCall predicate? The name matches one pattern and, when the
// predicate names an argument, some argument matching that key passes the value test.
static bool toolCallMatches(const Pred& p, const ToolCallFact& call) {
  bool named = false;
  for (const auto& pat : p.values)
    if (globMatch(pat, call.name)) named = true;
  if (!named) return false;
  if (p.argument.empty()) return true;
  for (const auto& arg : call.args) {
    if (!globMatch(p.argument, arg.key)) continue;
    if (p.numeric) {
      if (arg.is_number && inRange(p, arg.number)) return true;
      continue;
    }
    if (p.argument_values.empty() && p.argument_excludes.empty()) return true;
    std::string lower(arg.text);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool included = p.argument_values.empty(), excluded = false;
    for (const auto& pat : p.argument_values)
      if (globMatch(pat, lower)) included = true;
    for (const auto& pat : p.argument_excludes)
      if (globMatch(pat, lower)) excluded = true;
    if (included && !excluded) return true;
  }
  return false;
}

static bool matchesAny(const std::vector<std::string>& patterns, std::string_view kind) {
  for (const auto& p : patterns)
    if (globMatch(p, kind)) return true;
  return false;
}


static bool valueMatches(const std::string& rule_value, std::string_view v, bool hierarchical) {
  if (rule_value.find('*') != std::string::npos) return globMatch(rule_value, v);
  if (v == rule_value) return true;
  return hierarchical && v.size() > rule_value.size() && v.substr(0, rule_value.size()) == rule_value &&
         v[rule_value.size()] == '-';
}

bool Program::matchesRoute(const Pred& p, const RouteFact& r) const {
  std::string_view v;
  if (p.fact == fact_region_) v = r.region;
  else if (p.fact == fact_origin_) v = r.model_origin;
  else if (p.fact == fact_upstream_) v = r.upstream;
  else return false;
  if (v.empty()) return false;
  const bool hier = vocab_.facts[static_cast<size_t>(p.fact)].hierarchical;
  for (const auto& x : p.values)
    if (valueMatches(x, v, hier)) return true;
  return false;
}

void Program::evalBase(const Facts& f, uint64_t* sat) const {
  std::memset(sat, 0, words_ * sizeof(uint64_t));
  auto lookup = [&](int fact, std::string_view value) {
    if (fact < 0 || value.empty()) return;
    const ExactIndex& ix = exact_[static_cast<size_t>(fact)];
    if (!ix.by_value.empty()) {
      if (auto it = ix.by_value.find(value); it != ix.by_value.end())
        for (int id : it->second) setBit(sat, id);
      if (ix.hierarchical)
        for (size_t i = value.find('-'); i != std::string_view::npos; i = value.find('-', i + 1))
          if (auto it = ix.by_value.find(value.substr(0, i)); it != ix.by_value.end())
            for (int id : it->second) setBit(sat, id);
    }
    for (int id : ix.globs) {
      for (const auto& x : preds_[static_cast<size_t>(id)].values)
        if (x.find('*') != std::string::npos && globMatch(x, value)) {
          setBit(sat, id);
          break;
        }
    }
  };
  auto boolean = [&](int fact, bool v) {
    if (fact < 0) return;
    for (int id : (v ? bool_true_ : bool_false_)[static_cast<size_t>(fact)]) setBit(sat, id);
  };
  const Deployment* dep = f.deployment && f.deployment->program == this ? f.deployment : nullptr;
  if (dep)
    for (size_t w = 0; w < words_ && w < dep->bits.size(); ++w) sat[w] |= dep->bits[w];
  if (const Principal* p = f.principal) {
    lookup(fact_tenant_, p->tenant);
    lookup(fact_sector_, p->sector);
    for (const auto& j : p->jurisdictions) lookup(fact_juris_, j);
    bool public_body = false;
    for (const auto& r : p->roles) {
      lookup(fact_roles_, r);
      if (r == "public_body") public_body = true;
    }
    const bool dep_says =
        dep && std::find(dep->present.begin(), dep->present.end(), fact_public_) != dep->present.end();
    if (public_body || !dep_says) boolean(fact_public_, public_body);
  }
  lookup(fact_endpoint_, f.endpoint);
  lookup(fact_model_, f.model);
  lookup(fact_language_, f.language);
  boolean(fact_stream_, f.stream);
  boolean(fact_tools_, f.tools_present);
  if (!f.modality.empty()) {
    for (auto m : f.modality) lookup(fact_modality_, m);
  } else if (dep && !dep->modality.empty()) {
    for (const auto& m : dep->modality) lookup(fact_modality_, m);
  } else if (!f.endpoint.empty()) {
    lookup(fact_modality_, f.endpoint == "images" ? "image" : f.endpoint == "audio" ? "audio" : "text");
  }
  if (fact_date_ >= 0)
    for (int id : ranges_[static_cast<size_t>(fact_date_)])
      if (inRange(preds_[static_cast<size_t>(id)], f.day)) setBit(sat, id);
  for (int id : finding_preds_) {
    const Pred& p = preds_[static_cast<size_t>(id)];
    for (const auto& fi : f.findings)
      if (fi.score >= p.min_score && matchesAny(p.values, fi.kind)) {
        setBit(sat, id);
        break;
      }
  }
  if (!f.tool_calls.empty()) evalToolCalls(f, sat);
}

void Program::evalToolCalls(const Facts& f, uint64_t* sat) const {
  for (int id : tool_preds_)
    for (const auto& call : f.tool_calls)
      if (toolCallMatches(preds_[static_cast<size_t>(id)], call)) {
        setBit(sat, id);
        break;
      }
}

void Program::evalNots(uint64_t* sat) const {
  for (int id : not_preds_) {
    const Pred& p = preds_[static_cast<size_t>(id)];
    bool all = true;
    for (int c : p.children)
      if (!hasBit(sat, c)) {
        all = false;
        break;
      }
    const uint64_t bit = uint64_t{1} << (id & 63);
    if (all) sat[id >> 6] &= ~bit;
    else sat[id >> 6] |= bit;
  }
}

std::vector<uint64_t> Program::satisfiedForTest(const Facts& facts) const {
  std::vector<uint64_t> sat(words_);
  evalBase(facts, sat.data());
  evalNots(sat.data());
  return sat;
}

Decision Program::decide(const Facts& facts, std::span<const RouteFact> candidates) const {
  return run(facts, candidates, false, Phase::kRequest);
}

Decision Program::decideAll(const Facts& facts, std::span<const RouteFact> candidates) const {
  return run(facts, candidates, true, Phase::kAll);
}

Decision Program::decideAnswer(const Facts& facts) const {
  return run(facts, {}, false, Phase::kAnswer);
}

Decision Program::run(const Facts& facts, std::span<const RouteFact> candidates, bool include_assess,
                      Phase phase) const {
  uint64_t sat[kMaxWords];
  evalBase(facts, sat);
  evalNots(sat);
  Decision d;
  d.program = shared_from_this();

  struct Fired {
    const Rule* rule;
    bool counts;  // affects verdict and obligations (runtime, not merely route-excluding)
  };
  Fired fired_buf[256];
  std::vector<Fired> fired_more;
  size_t nfired = 0;
  auto fire = [&](const Rule* r, bool counts) {
    if (nfired < 256) fired_buf[nfired++] = Fired{r, counts};
    else fired_more.push_back(Fired{r, counts});
  };
  // Candidates excluded by candidate-scoped deny/hold rules (bit per candidate, first 64).
  uint64_t excluded = 0;
  const size_t ncand = std::min<size_t>(candidates.size(), 64);
  const Rule* excluder = nullptr;

  // Per-candidate bitsets (base + that candidate's route predicates), built on first need.
  std::vector<uint64_t> cand_sat;
  const auto* masks = hot_masks_.data();
  auto consider = [&](const HotRule& h) {
    if (facts.day < h.from_day || facts.day > h.until_day) return;
    if (phase != Phase::kAll && h.on_answer != (phase == Phase::kAnswer)) return;
    const bool runtime = h.runtime;
    if (!h.candidate_scoped) {
      if (masked(masks + h.mask_begin, masks + h.mask_end, sat)) fire(&rules_[h.rule], runtime);
      return;
    }
    const Rule& r = rules_[h.rule];
    if (cand_sat.empty() && ncand > 0) {
      cand_sat.resize(ncand * words_);
      for (size_t c = 0; c < ncand; ++c) {
        uint64_t* tmp = cand_sat.data() + c * words_;
        std::memcpy(tmp, sat, words_ * sizeof(uint64_t));
        for (int id : route_preds_)
          if (matchesRoute(preds_[static_cast<size_t>(id)], candidates[c])) setBit(tmp, id);
        evalNots(tmp);
      }
    }
    uint64_t matched = 0;
    for (size_t c = 0; c < ncand; ++c)
      if (masked(masks + h.mask_begin, masks + h.mask_end, cand_sat.data() + c * words_)) matched |= uint64_t{1} << c;
    if (!matched) return;
    if (runtime && (r.action == Action::kDeny || r.action == Action::kHold)) {
      excluded |= matched;
      if (!excluder) excluder = &r;
      d.route_constrained = true;
      // Only a rule that leaves no candidate decides the verdict; otherwise it filters routes.
      const uint64_t all = ncand == 64 ? ~uint64_t{0} : (uint64_t{1} << ncand) - 1;
      fire(&r, (excluded & all) == all);
    } else {
      fire(&r, runtime);
    }
  };
  const size_t nbuckets = include_assess ? buckets_.size() : buckets_runtime_end_;
  for (size_t b = 0; b < nbuckets; ++b) {
    const Bucket& bucket = buckets_[b];
    if (bucket.anchor >= 0 && !hasBit(sat, bucket.anchor)) continue;
    for (uint32_t i = bucket.begin; i < bucket.end; ++i) consider(hot_[i]);
  }

  // Up to 256 fired rules stay on the stack; more (unusual) spill into fired_more.
  std::span<Fired> all(fired_buf, nfired);
  if (!fired_more.empty()) {
    fired_more.insert(fired_more.begin(), fired_buf, fired_buf + nfired);
    all = std::span<Fired>(fired_more);
  }
  std::sort(all.begin(), all.end(), [](const Fired& a, const Fired& b) {
    if (a.rule->action != b.rule->action) return a.rule->action < b.rule->action;
    if (a.rule->priority != b.rule->priority) return a.rule->priority > b.rule->priority;
    return a.rule->index < b.rule->index;
  });
  d.rules.reserve(all.size());
  const Rule* route_rule = nullptr;
  for (const Fired& f : all) {
    const Rule& r = *f.rule;
    d.rules.push_back(RuleHit{r.id, r.cite, r.concept_id, r.jurisdiction, r.action, r.priority, r.on_answer});
    if (!f.counts) continue;
    switch (r.action) {
      case Action::kDeny:
        if (d.verdict != Verdict::kDeny) {
          d.verdict = Verdict::kDeny;
          d.denial_message = r.message;
          d.deciding_rule = r.id;
        }
        break;
      case Action::kHold:
        if (d.verdict == Verdict::kAllow) {
          d.verdict = Verdict::kHold;
          d.denial_message = r.message;
          d.deciding_rule = r.id;
        }
        break;
      case Action::kRedact:
        d.redactions.push_back(RedactionObligation{r.id, &r.kinds, r.redact_mode});
        break;
      case Action::kRoute:
        if (!route_rule) route_rule = &r;
        d.route_constrained = true;
        break;
      case Action::kLabel:
        d.labels.push_back(LabelObligation{r.id, r.label.placement, &r.label.text, &r.label.implicit, r.label.waivable});
        break;
      case Action::kLog:
        if (!d.log.required || (r.log_content_set && r.log_content < d.log.content)) {
          if (r.log_content_set || !d.log.required) d.log.content = r.log_content;
        }
        d.log.required = true;
        d.log.retention_min_days = std::max(d.log.retention_min_days, r.retention_min_days);
        if (r.retention_max_days > 0 &&
            (d.log.retention_max_days == 0 || r.retention_max_days < d.log.retention_max_days))
          d.log.retention_max_days = r.retention_max_days;
        break;
      default:
        break;
    }
  }
  // Routes: a candidate is allowed when every fired route rule accepts it and no
  // candidate-scoped deny/hold excluded it.
  d.allowed_routes.reserve(candidates.size());
  for (size_t c = 0; c < candidates.size(); ++c) {
    if (c < 64 && (excluded >> c) & 1) continue;
    bool ok = true;
    for (const Fired& f : all) {
      const Rule& r = *f.rule;
      if (!f.counts || r.action != Action::kRoute) continue;
      const RouteFact& rf = candidates[c];
      bool region_ok = r.require_region.empty();
      for (const auto& x : r.require_region)
        if (valueMatches(x, rf.region, true)) region_ok = true;
      bool origin_ok = r.require_origin.empty();
      for (const auto& x : r.require_origin)
        if (valueMatches(x, rf.model_origin, false)) origin_ok = true;
      for (const auto& x : r.deny_origin)
        if (valueMatches(x, rf.model_origin, false)) origin_ok = false;
      if (!region_ok || !origin_ok) {
        ok = false;
        break;
      }
    }
    if (ok) d.allowed_routes.push_back(static_cast<uint32_t>(c));
  }
  // No compliant route decides the verdict unless a deny rule already did (then the deny, with
  // its citation, is the reason the client sees).
  if (d.route_constrained && !candidates.empty() && d.allowed_routes.empty() && d.verdict != Verdict::kDeny) {
    d.no_compliant_route = true;
    {
      d.verdict = Verdict::kDeny;
      const Rule* why = route_rule ? route_rule : excluder;
      d.deciding_rule = why ? std::string_view(why->id) : std::string_view();
      d.denial_message = "no upstream satisfies the routing constraints";
    }
  }
  return d;
}

}  // namespace concord::policy
