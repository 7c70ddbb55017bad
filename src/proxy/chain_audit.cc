#include "proxy/chain_audit.h"

#include "audit/file_system.h"
#include "proxy/policy_decide.h"

namespace concord::proxy {

Result<std::shared_ptr<ChainAudit>> ChainAudit::open(const config::Config& config) {
  return open(config, audit::PosixFileSystem::instance());
}

Result<std::shared_ptr<ChainAudit>> ChainAudit::open(const config::Config& config, audit::FileSystem& fs) {
  audit::AuditOptions options;
  options.dir = config.audit.dir;
  options.signing_key_path = config.data_dir + "/audit-signing.key";
  options.fail_open = config.audit.fail_open;
  if (!audit::parseDurability(config.audit.durability, options.durability))
    return makeError("config.invalid", "audit.durability must be strict or batched");
  const bool strict = options.durability == audit::Durability::kStrict;
  options.group_commit_ms = static_cast<int>(
      config.audit.group_commit_ms ? config.audit.group_commit_ms : (strict ? 2 : 10));
  options.group_commit_records = static_cast<int>(config.audit.group_commit_records);
  auto log = audit::AuditLog::open(options, fs, SystemClock::instance());
  if (!log) return log.error();
  return std::shared_ptr<ChainAudit>(
      new ChainAudit(std::move(log.value()), options.durability == audit::Durability::kStrict));
}

ChainAudit::~ChainAudit() { close(); }

void ChainAudit::close() { log_->close(); }

audit::AuditRecord toAuditRecord(ExchangeRecord&& r) {
  audit::AuditRecord a;
  a.exchange_id = std::move(r.exchange_id);
  a.started_us = r.time_micros;
  a.finished_us = r.time_micros + r.total_us;
  a.tenant = std::move(r.tenant);
  a.key_id = std::move(r.key_id);
  a.endpoint = std::move(r.endpoint);
  a.model = std::move(r.model);
  a.upstream = std::move(r.upstream);
  a.status = r.status;
  a.error_code = std::move(r.error_code);
  a.stream = r.stream;
  a.attempts = r.attempts;
  a.action = std::move(r.verdict);
  a.rules.reserve(r.rules.size());
  for (auto& rule : r.rules) a.rules.push_back({std::move(rule.id), std::move(rule.cite), std::move(rule.action)});
  if (!audit::parseContentMode(r.log_content, a.content_mode)) a.content_mode = audit::ContentMode::kHash;
  const bool content = a.content_mode != audit::ContentMode::kNone;
  a.findings.reserve(r.findings.size() + r.answer_findings.size());
  for (auto& f : r.findings) {
    if (!content) {
      a.findings.push_back({std::move(f.kind), "messages[" + std::to_string(f.segment) + "]", f.begin, f.end, f.score});
      continue;
    }
    // A finding in a segment the prompt does not hold (cannot happen) covers the whole prompt:
    // redaction must never let a value through.
    const bool known = f.segment < r.segment_offsets.size();
    const uint32_t base = known ? r.segment_offsets[f.segment] : 0;
    const uint32_t begin = known ? base + f.begin : 0;
    const uint32_t end = known ? base + f.end : static_cast<uint32_t>(r.prompt_text.size());
    a.findings.push_back({std::move(f.kind), "prompt", begin, end, f.score});
  }
  for (auto& f : r.answer_findings) a.findings.push_back({std::move(f.kind), "answer", f.begin, f.end, f.score});
  a.labels = std::move(r.labels);
  for (auto& ap : r.approvals)
    a.approvals.push_back({std::move(ap.id), std::move(ap.approver), std::move(ap.outcome), ap.at_micros});
  a.prompt_tokens = r.prompt_tokens;
  a.completion_tokens = r.completion_tokens;
  a.total_tokens = r.total_tokens;
  a.overhead_us = r.overhead_us;
  a.total_us = r.total_us;
  if (content) {  // raw here; the writer thread hashes or redacts it as the mode says
    a.prompt = std::move(r.prompt_text);
    a.answer = std::move(r.answer_text);
  }
  return a;
}

audit::RetentionPolicy retentionFromProgram(const policy::Program& program) {
  audit::RetentionPolicy out;
  for (const auto& rule : program.rules()) {
    if (!rule.enabled || rule.action != policy::Action::kLog) continue;
    if (rule.retention_min_days > 0) out.min_days.push_back(rule.retention_min_days);
    if (rule.retention_max_days > 0) out.max_days.push_back(rule.retention_max_days);
    if (rule.retention_min_days > 0 || rule.retention_max_days > 0) out.sources.push_back("rule:" + rule.id);
  }
  return out;
}

Result<audit::RetentionPolicy> retentionFromConfig(const config::Config& config) {
  if (config.policy.vocabulary.empty()) return audit::RetentionPolicy{};
  auto program = loadPolicy(config);
  if (!program) return program.error();
  return retentionFromProgram(*program.value());
}

bool ChainAudit::record(ExchangeRecord&& record, std::function<void(bool)> on_durable) {
  audit::DurableCallback callback;
  if (on_durable) callback = [done = std::move(on_durable)](Status st) { done(st.ok()); };
  return log_->append(toAuditRecord(std::move(record)), std::move(callback));
}

}  // namespace concord::proxy
