#include "proxy/chain_audit.h"

#include "audit/file_system.h"

namespace concord::proxy {

Result<std::shared_ptr<ChainAudit>> ChainAudit::open(const config::Config& config) {
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
  auto log = audit::AuditLog::open(options, audit::PosixFileSystem::instance(), SystemClock::instance());
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
  a.findings.reserve(r.findings.size());
  for (auto& f : r.findings)
    a.findings.push_back({std::move(f.kind), "messages[" + std::to_string(f.segment) + "]", f.begin, f.end, f.score});
  a.labels = std::move(r.labels);
  for (auto& ap : r.approvals)
    a.approvals.push_back({std::move(ap.id), std::move(ap.approver), std::move(ap.outcome), ap.at_micros});
  a.prompt_tokens = r.prompt_tokens;
  a.completion_tokens = r.completion_tokens;
  a.total_tokens = r.total_tokens;
  a.overhead_us = r.overhead_us;
  a.total_us = r.total_us;
  a.content_mode = audit::ContentMode::kNone;  // no prompt or answer text until a pack asks
  return a;
}

bool ChainAudit::record(ExchangeRecord&& record, std::function<void(bool)> on_durable) {
  audit::DurableCallback callback;
  if (on_durable) callback = [done = std::move(on_durable)](Status st) { done(st.ok()); };
  return log_->append(toAuditRecord(std::move(record)), std::move(callback));
}

}  // namespace concord::proxy
