// ChainAudit: the audit step backed by the tamper-evident log (src/audit, docs/audit-format.md):
// one hash-chained record per exchange, group-committed by the log's writer thread, segments
// sealed with signed checkpoints. In `strict` durability the exchange waits for on_durable
// before it releases the answer; in `batched` on_durable fires at once. Thread-safe.
#pragma once

#include <memory>

#include "audit/audit_log.h"
#include "common/result.h"
#include "config/config.h"
#include "policy/program.h"
#include "proxy/steps.h"

namespace concord::proxy {

class ChainAudit final : public AuditStep {
 public:
  static Result<std::shared_ptr<ChainAudit>> open(const config::Config& config);
  // Same on another file system (tests inject faults with audit::SimulatedFileSystem); `fs`
  // must outlive the ChainAudit.
  static Result<std::shared_ptr<ChainAudit>> open(const config::Config& config, audit::FileSystem& fs);
  ~ChainAudit() override;

  bool record(ExchangeRecord&& record, std::function<void(bool)> on_durable) override;
  bool healthy() const override { return log_->healthy(); }
  bool strict() const override { return strict_; }
  void close();

 private:
  ChainAudit(std::unique_ptr<audit::AuditLog> log, bool strict) : log_(std::move(log)), strict_(strict) {}
  std::unique_ptr<audit::AuditLog> log_;
  bool strict_;
};

// The exchange's record as the audit log's. Findings name their field: "messages[i]" (span in
// request segment i) when no content is kept; with content, "prompt" (span in the joined
// prompt text) and "answer", the spans audit::redact replaces in redacted mode.
audit::AuditRecord toAuditRecord(ExchangeRecord&& record);

// The retention the loaded packs ask of the audit log: every enabled `log` rule's
// retention_min_days and retention_max_days (whatever its condition: a segment holds exchanges
// of every kind, so each rule's window applies to it). AuditLog::prune keeps everything until
// the highest minimum and every maximum have passed.
audit::RetentionPolicy retentionFromProgram(const policy::Program& program);
// The same for the packs a concord.yaml loads (none without a policy section). Errors: the
// packs' load errors (file:line).
Result<audit::RetentionPolicy> retentionFromConfig(const config::Config& config);

}  // namespace concord::proxy
