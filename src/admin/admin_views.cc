#include "admin/admin_views.h"

#include <algorithm>
#include <cstdlib>

#include "audit/audit_index.h"
#include "audit/exporter.h"
#include "audit/signing_key.h"
#include "audit/verifier.h"
#include "policy/crosswalk.h"
#include "policy/yaml_source.h"

namespace concord::admin {

namespace {

// "US-CA" is inside "US"; "EU (EU-AIA-12)" names EU. The chosen jurisdiction `c` is named by
// a conflict's entry `j` when either contains the other at a '-' boundary.
bool names(const std::string& j, const std::string& c) {
  std::string_view jj = j;
  if (const size_t p = jj.find(" ("); p != std::string_view::npos) jj = jj.substr(0, p);
  if (jj == c) return true;
  auto inside = [](std::string_view inner, std::string_view outer) {
    return inner.size() > outer.size() && inner.starts_with(outer) && inner[outer.size()] == '-';
  };
  return inside(c, jj) || inside(jj, c);
}

}  // namespace

std::vector<CounterSample> parseCounters(const std::string& text) {
  std::vector<CounterSample> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    CounterSample s;
    std::string_view head = line.substr(0, space);
    const size_t brace = head.find('{');
    s.name = std::string(head.substr(0, brace));
    if (s.name.ends_with("_bucket") || s.name.ends_with("_sum") || s.name.ends_with("_count")) continue;
    if (brace != std::string_view::npos) {
      std::string_view labels = head.substr(brace + 1);
      if (!labels.empty() && labels.back() == '}') labels.remove_suffix(1);
      size_t i = 0;
      while (i < labels.size()) {
        const size_t eq = labels.find("=\"", i);
        if (eq == std::string_view::npos) break;
        std::string key(labels.substr(i, eq - i));
        std::string value;
        size_t k = eq + 2;
        for (; k < labels.size() && labels[k] != '"'; ++k) {
          if (labels[k] == '\\' && k + 1 < labels.size()) ++k;
          value += labels[k];
        }
        s.labels[key] = value;
        i = k + 1;
        if (i < labels.size() && labels[i] == ',') ++i;
      }
    }
    s.value = std::strtod(std::string(line.substr(space + 1)).c_str(), nullptr);
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json figuresJson(const Metrics& metrics) {
  const auto samples = parseCounters(metrics.render());
  double total = 0;
  std::map<std::string, double> by_status, by_endpoint, by_tenant, by_upstream, decisions, rules;
  for (const auto& s : samples) {
    auto label = [&](const char* k) {
      auto it = s.labels.find(k);
      return it == s.labels.end() ? std::string() : it->second;
    };
    if (s.name == "concord_requests_total") {
      total += s.value;
      by_status[label("status")] += s.value;
      by_endpoint[label("endpoint")] += s.value;
      if (!label("tenant").empty()) by_tenant[label("tenant")] += s.value;
      if (!label("upstream").empty()) by_upstream[label("upstream")] += s.value;
    } else if (s.name == "concord_decisions_total") {
      decisions[label("decision").empty() ? label("action") : label("decision")] += s.value;
    } else if (s.name == "concord_rule_hits_total" || s.name == "concord_policy_rule_hits_total") {
      rules[label("rule")] += s.value;
    }
  }
  std::vector<std::pair<std::string, double>> top(rules.begin(), rules.end());
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (top.size() > 10) top.resize(10);
  nlohmann::json top_json = nlohmann::json::array();
  for (const auto& [rule, n] : top) top_json.push_back({{"rule", rule}, {"count", n}});
  return {{"requests_total", total},
          {"by_status", by_status},
          {"by_endpoint", by_endpoint},
          {"by_tenant", by_tenant},
          {"by_upstream", by_upstream},
          {"decisions", decisions},
          {"top_rules", std::move(top_json)},
          {"latency_us",
           {{"total_p50", metrics.total_latency.quantileMicros(0.50)},
            {"total_p99", metrics.total_latency.quantileMicros(0.99)},
            {"overhead_p50", metrics.overhead_latency.quantileMicros(0.50)},
            {"overhead_p99", metrics.overhead_latency.quantileMicros(0.99)}}},
          {"samples", metrics.overhead_latency.count()},
          {"in_flight", metrics.in_flight.load(std::memory_order_relaxed)}};
}

nlohmann::json packsJson(const policy::Program& program) {
  nlohmann::json packs = nlohmann::json::array();
  std::map<std::string, size_t> index;
  for (const auto& p : program.packs()) {
    index[p.id] = packs.size();
    packs.push_back({{"id", p.id},
                     {"jurisdiction", p.jurisdiction},
                     {"instrument", p.instrument},
                     {"version", p.version},
                     {"severity", p.severity},
                     {"file", p.file},
                     {"sources", p.sources},
                     {"rules", nlohmann::json::array()}});
  }
  for (const auto& r : program.rules()) {
    nlohmann::json rule = {{"id", r.id},
                           {"cite", r.cite},
                           {"jurisdiction", r.jurisdiction},
                           {"concept", r.concept_id},
                           {"action", policy::actionName(r.action)},
                           {"summary", r.summary},
                           {"status", r.status},
                           {"mode", r.mode},
                           {"enforced_by", r.enforced_by},
                           {"confidence", r.confidence},
                           {"effective_from", r.from_day == INT32_MIN ? "" : policy::formatDay(r.from_day)},
                           {"effective_until", r.until_day == INT32_MAX ? "" : policy::formatDay(r.until_day)},
                           {"enabled", r.enabled}};
    auto it = index.find(r.pack_id);
    if (it == index.end()) {
      index[r.pack_id] = packs.size();
      packs.push_back({{"id", r.pack_id}, {"jurisdiction", r.jurisdiction}, {"rules", nlohmann::json::array()}});
      it = index.find(r.pack_id);
    }
    packs[it->second]["rules"].push_back(std::move(rule));
  }
  return {{"packs", std::move(packs)}, {"rules_total", program.rules().size()}};
}

nlohmann::json crosswalkJson(const policy::Program& program, const std::vector<std::string>& jurisdictions) {
  const auto cw = policy::buildCrosswalk(program, jurisdictions);
  auto j = nlohmann::json::parse(policy::renderCrosswalk(cw, policy::Format::kJson));
  for (auto& row : j["concepts"]) {
    const std::string concept_id = row["concept"];
    std::string row_level;
    for (const auto& c : cw.conflicts) {
      if (c.concept_id != concept_id) continue;
      const std::string level = c.irreconcilable ? "irreconcilable" : "conflict";
      if (row_level != "irreconcilable") row_level = level;
      for (const auto& chosen : jurisdictions) {
        bool named = false;
        for (const auto& cj : c.jurisdictions) named = named || names(cj, chosen);
        if (!named) continue;
        auto& cell = row["cells"][chosen];
        if (cell.value("status", "") == "not required") continue;  // nothing there to clash
        if (cell.value("conflict", "") != "irreconcilable") cell["conflict"] = level;
      }
    }
    row["conflict"] = row_level;
    for (const auto& chosen : jurisdictions)
      if (!row["cells"][chosen].contains("conflict")) row["cells"][chosen]["conflict"] = "";
  }
  return j;
}

nlohmann::json consensusJson(const policy::Program& program, const std::vector<std::string>& jurisdictions) {
  const auto c = policy::buildConsensus(program, jurisdictions);
  return {{"jurisdictions", jurisdictions},
          {"ok", c.ok},
          {"rules", c.rules},
          {"conflicts", nlohmann::json::parse(policy::renderConflicts(c.conflicts, policy::Format::kJson))},
          {"pack_yaml", c.pack_yaml}};
}

Result<audit::RecordFilter> auditFilter(const std::map<std::string, std::string, std::less<>>& q) {
  audit::RecordFilter f;
  auto get = [&](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  f.tenant = get("tenant");
  f.rule_id = get("rule");
  f.decision = get("decision");
  f.type = get("type");
  if (const auto from = get("from"); !from.empty() && !audit::parseTimeMicros(from, f.from_us))
    return makeError("admin.bad_request", "from: not a time: " + from);
  if (const auto to = get("to"); !to.empty() && !audit::parseTimeMicros(to, f.to_us))
    return makeError("admin.bad_request", "to: not a time: " + to);
  f.limit = 200;
  if (const auto limit = get("limit"); !limit.empty()) {
    char* end = nullptr;
    const long n = std::strtol(limit.c_str(), &end, 10);
    if (*end || n < 1 || n > 1000) return makeError("admin.bad_request", "limit: 1 to 1000");
    f.limit = static_cast<size_t>(n);
  }
  return f;
}

Result<nlohmann::json> auditQueryJson(audit::FileSystem& fs, const std::string& dir, const std::string& index_path,
                                      const audit::RecordFilter& filter) {
  if (!fs.exists(dir)) return nlohmann::json{{"records", nlohmann::json::array()}, {"note", "no audit directory yet"}};
  auto idx = audit::AuditIndex::open(index_path);
  if (!idx) return idx.error();
  if (auto n = (*idx)->update(fs, dir); !n) return n.error();
  auto rows = (*idx)->query(filter);
  if (!rows) return rows.error();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *rows)
    out.push_back({{"seq", r.seq},
                   {"segment", r.segment},
                   {"offset", r.offset},
                   {"ts", r.ts},
                   {"type", r.type},
                   {"tenant", r.tenant},
                   {"action", r.action},
                   {"status", r.status},
                   {"exchange_id", r.exchange_id},
                   {"model", r.model}});
  return nlohmann::json{{"records", std::move(out)}};
}

Result<nlohmann::json> auditRecordJson(audit::FileSystem& fs, const std::string& dir, uint64_t seq) {
  nlohmann::json found;
  auto st = audit::forEachRecord(
      fs, dir, [&](uint64_t segment, uint64_t offset, const audit::ParsedRecord& r, std::string_view) {
        if (r.chain.seq != seq) return true;
        found = {{"segment", segment}, {"offset", offset}, {"record", r.json}};
        return false;
      });
  if (!st) return st.error();
  if (found.is_null()) return makeError("admin.not_found", "no audit record with seq " + std::to_string(seq));
  return found;
}

Result<nlohmann::json> auditVerifyJson(audit::FileSystem& fs, const std::string& dir,
                                       const std::vector<std::string>& pubkey_paths, bool require_sealed) {
  if (!fs.exists(dir))
    return nlohmann::json{{"ok", false}, {"segments", 0}, {"pruned_segments", 0}, {"checkpoints", 0}, {"records", 0},
                          {"problems", nlohmann::json::array({{{"file", dir}, {"offset", -1}, {"code", "no_audit_directory"},
                                                              {"message", "no audit directory yet: nothing recorded"}}})},
                          {"text", "no audit directory at " + dir + "\n"}};
  audit::VerifyOptions vo;
  vo.dir = dir;
  vo.require_sealed = require_sealed;
  nlohmann::json key_problems = nlohmann::json::array();
  for (const auto& p : pubkey_paths) {
    auto raw = audit::loadPublicKeyRaw(fs, p);
    if (raw) vo.trusted_keys.push_back(*raw);
    else key_problems.push_back({{"file", p}, {"offset", -1}, {"code", "trusted_key_unreadable"},
                                 {"message", raw.error().message}});
  }
  auto rep = audit::verifyLog(fs, vo);
  if (!rep) return rep.error();
  nlohmann::json problems = std::move(key_problems);
  for (const auto& p : rep->problems)
    problems.push_back({{"file", p.file}, {"offset", p.offset}, {"code", p.code}, {"message", p.message}});
  return nlohmann::json{{"ok", problems.empty()},
                        {"segments", rep->segments},
                        {"pruned_segments", rep->pruned_segments},
                        {"checkpoints", rep->checkpoints},
                        {"records", rep->records},
                        {"problems", std::move(problems)},
                        {"text", rep->text()}};
}

}  // namespace concord::admin
