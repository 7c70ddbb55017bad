// The JSON documents of the admin API's read-only endpoints, built from the modules that own
// the data: live figures from Metrics, packs/crosswalk/consensus from the policy Program, audit
// query/record/verify from the audit module. Pure functions of their inputs (the audit ones
// read files); off the request path; any thread. Shapes are documented in docs/admin-api.md.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/metrics.h"
#include "audit/file_system.h"
#include "audit/record_filter.h"
#include "common/result.h"
#include "policy/program.h"

namespace concord::admin {

// One counter line of the Prometheus text: name, labels, value.
struct CounterSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};
// Parses `name{a="x",b="y"} 12` lines (comments and histograms' _bucket lines are skipped).
std::vector<CounterSample> parseCounters(const std::string& prometheus_text);

// {"requests_total","by_status":{},"by_endpoint":{},"by_tenant":{},"by_upstream":{},
//  "decisions":{},"top_rules":[{"rule","count"}],"latency_us":{"total_p50","total_p99",
//  "overhead_p50","overhead_p99"},"samples","in_flight"}
nlohmann::json figuresJson(const Metrics& metrics);

// {"packs":[{"id","jurisdiction","instrument","version","severity","file","sources",
//  "rules":[{"id","cite","concept","action","summary","status","mode","enforced_by",
//  "confidence","effective_from","effective_until","enabled"}]}]}
nlohmann::json packsJson(const policy::Program& program);

// renderCrosswalk's JSON plus, per concept, "conflict": "irreconcilable" | "conflict" | "" and
// per cell "conflict": the same, for the cells a conflict or tension names, so that the
// console can highlight them without re-deriving anything.
nlohmann::json crosswalkJson(const policy::Program& program, const std::vector<std::string>& jurisdictions);

// {"ok","rules","conflicts":[...],"pack_yaml"}
nlohmann::json consensusJson(const policy::Program& program, const std::vector<std::string>& jurisdictions);

// Builds the filter from query parameters tenant, from, to, rule, decision, type, limit
// (default 200, at most 1000). Error "admin.bad_request" for a bad time or limit.
Result<audit::RecordFilter> auditFilter(const std::map<std::string, std::string, std::less<>>& query);

// {"records":[{"seq","segment","offset","ts","type","tenant","action","status","exchange_id",
//  "model"}]} through the SQLite index (`index_path`, brought up to date first).
Result<nlohmann::json> auditQueryJson(audit::FileSystem& fs, const std::string& dir, const std::string& index_path,
                                      const audit::RecordFilter& filter);

// The stored record with this sequence number: {"segment","offset","record":{...payload...}}.
// Error "admin.not_found" when no record has it.
Result<nlohmann::json> auditRecordJson(audit::FileSystem& fs, const std::string& dir, uint64_t seq);

// {"ok","segments","pruned_segments","checkpoints","records","problems":[{"file","offset",
//  "code","message"}],"text"}; trusted keys are read from `pubkey_paths` (PEM); a missing file
// is reported as a problem of the run, not silently skipped.
Result<nlohmann::json> auditVerifyJson(audit::FileSystem& fs, const std::string& dir,
                                       const std::vector<std::string>& pubkey_paths, bool require_sealed);

}  // namespace concord::admin
