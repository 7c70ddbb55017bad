// GatewaySetup: wires a validated Config into a running Gateway — opens the key store and the
// audit log, compiles the governance steps, reads upstream keys from the environment — and
// rebuilds the immutable Snapshot on reload. Used by `serve` (main thread only) and by the
// integration tests.
#pragma once

#include <atomic>
#include <memory>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "admin/metrics.h"
#include "common/result.h"
#include "config/config.h"
#include "proxy/gateway.h"
#include "label/provenance_service.h"
#include "oversight/approval_queue.h"
#include "oversight/stop_switch.h"
#include "store/key_store.h"

namespace concord::cli {

class GatewaySetup {
 public:
  static Result<std::unique_ptr<GatewaySetup>> open(std::shared_ptr<const config::Config> config);
  ~GatewaySetup();

  proxy::Gateway& gateway() { return *gateway_; }
  admin::Metrics& metrics() { return metrics_; }
  store::KeyStore& keys() { return *keys_; }
  oversight::ApprovalQueue& approvals() { return *approvals_; }
  oversight::StopSwitch& stops() { return *stops_; }
  // Validates and compiles `next`; on success swaps it in, else keeps the current snapshot.
  Status reload(std::shared_ptr<const config::Config> next);
  // An admin action (an approval decided, a stop, a resume) as an audit record of its own:
  // endpoint "admin.<event>", the actor as tenant, the details (scope, value, reason, approval
  // id) as JSON. The admin API's on_event.
  void auditAdminEvent(std::string_view event, const nlohmann::json& detail);
  // Flushes the audit trail; call after the listener has stopped.
  void close();

 private:
  GatewaySetup() = default;
  Result<std::shared_ptr<const proxy::Snapshot>> build(std::shared_ptr<const config::Config> config);

  admin::Metrics metrics_;
  std::unique_ptr<store::KeyStore> keys_;
  std::shared_ptr<proxy::AuditStep> audit_;
  std::unique_ptr<oversight::ApprovalQueue> approvals_;
  std::unique_ptr<oversight::StopSwitch> stops_;
  std::shared_ptr<label::ProvenanceService> provenance_;
  std::thread expiry_;  // expires due approvals every 100 ms
  std::atomic<bool> closing_{false};
  uint64_t approval_audit_ = 0;  // the approval queue subscription that audits every step
  std::unique_ptr<proxy::Gateway> gateway_;
  uint64_t generation_ = 0;
};

}  // namespace concord::cli
