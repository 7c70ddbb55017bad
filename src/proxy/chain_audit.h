// ChainAudit: the audit step backed by the tamper-evident log (src/audit, docs/audit-format.md):
// one hash-chained record per exchange, group-committed by the log's writer thread, segments
// sealed with signed checkpoints. In `strict` durability the exchange waits for on_durable
// before it releases the answer; in `batched` on_durable fires at once. Thread-safe.
#pragma once

#include <memory>

#include "audit/audit_log.h"
#include "common/result.h"
#include "config/config.h"
#include "proxy/steps.h"

namespace concord::proxy {

class ChainAudit final : public AuditStep {
 public:
  static Result<std::shared_ptr<ChainAudit>> open(const config::Config& config);
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

audit::AuditRecord toAuditRecord(ExchangeRecord&& record);

}  // namespace concord::proxy
