#include "cli/gateway_setup.h"

#include <cstdlib>
#include <filesystem>
#include <utility>

#include <nlohmann/json.hpp>

#include "proxy/chain_audit.h"
#include "proxy/label_apply.h"
#include "proxy/policy_decide.h"
#include "proxy/scanner_detect.h"

namespace concord::cli {
namespace {

// Every step of an approval (submitted, approved, denied, expired, consumed, withdrawn) is an
// audit record of its own, whoever caused it (a reviewer, the expiry, the exchange), so the trail
// shows who was asked what and when even if the exchange never completes (EU AI Act Art. 14).
void auditApprovalEvent(proxy::AuditStep& audit, const std::string& event_json) {
  const auto event = nlohmann::json::parse(event_json, nullptr, false);
  if (!event.is_object() || !event.contains("approval")) return;
  const auto& a = event["approval"];
  const std::string name = event.value("event", "changed");
  proxy::ExchangeRecord record;
  record.time_micros = SystemClock::instance().nowMicros();
  record.exchange_id = "apv-" + a.value("id", std::string()) + "-" + name;
  record.endpoint = "approval." + name;
  record.tenant = a.value("tenant", "");
  record.key_id = a.value("key_id", "");
  record.model = a.value("model", "");
  record.verdict = a.value("kind", "request");
  record.status = 200;
  if (a.contains("rules") && a["rules"].is_array())
    for (const auto& r : a["rules"]) record.rules.push_back({r.value("id", ""), r.value("cite", ""), "hold"});
  record.approvals.push_back({a.value("id", ""), a.value("approver", ""), a.value("state", name), record.time_micros});
  audit.record(std::move(record), nullptr);
}

}  // namespace

Result<std::unique_ptr<GatewaySetup>> GatewaySetup::open(std::shared_ptr<const config::Config> config) {
  std::unique_ptr<GatewaySetup> setup(new GatewaySetup());
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (ec) return makeError("setup.data_dir", "cannot create data directory " + config->data_dir + ": " + ec.message());
  auto keys = store::KeyStore::open(config->keys_db, SystemClock::instance(), {});
  if (!keys) return keys.error();
  setup->keys_ = std::move(keys.value());
  auto audit = proxy::ChainAudit::open(*config);
  if (!audit) return audit.error();
  setup->audit_ = audit.value();
  auto approvals = oversight::ApprovalQueue::open(config->oversight_db, SystemClock::instance());
  if (!approvals) return approvals.error();
  setup->approvals_ = std::move(approvals.value());
  auto stops = oversight::StopSwitch::open(config->oversight_db, SystemClock::instance());
  if (!stops) return stops.error();
  setup->stops_ = std::move(stops.value());
  if (config->provenance.enabled) {
    // A first start makes the signing key; `concord provenance rotate` replaces it later.
    if (!label::KeyRing::load(config->provenance.key_dir)) {
      if (auto made = label::KeyRing::keygen(config->provenance.key_dir, SystemClock::instance()); !made)
        return made.error();
    }
    label::ProvenanceOptions options;
    options.key_dir = config->provenance.key_dir;
    options.index_path = config->provenance.index_path;
    auto provenance = label::ProvenanceService::open(options, SystemClock::instance());
    if (!provenance) return provenance.error();
    setup->provenance_ = std::move(provenance.value());
  }
  auto snapshot = setup->build(config);
  if (!snapshot) return snapshot.error();
  setup->gateway_ = std::make_unique<proxy::Gateway>(snapshot.value(), *setup->keys_, setup->metrics_);
  setup->gateway_->setProvenance(setup->provenance_.get());
  setup->gateway_->setOversight(setup->approvals_.get(), setup->stops_.get());
  setup->approval_audit_ = setup->approvals_->subscribe(
      [audit = setup->audit_](const std::string& event) { auditApprovalEvent(*audit, event); });
  setup->expiry_ = std::thread([s = setup.get()] {
    while (!s->closing_.load()) {
      s->approvals_->expireDue();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  return setup;
}

GatewaySetup::~GatewaySetup() { close(); }

void GatewaySetup::auditAdminEvent(std::string_view event, const nlohmann::json& detail) {
  static std::atomic<uint64_t> counter{0};
  proxy::ExchangeRecord record;
  const int64_t now = SystemClock::instance().nowMicros();
  record.exchange_id = "adm-" + std::to_string(now) + "-" + std::to_string(++counter);
  record.time_micros = now;
  record.endpoint = "admin." + std::string(event);
  record.tenant = detail.value("actor", "");
  record.verdict = std::string(event);
  record.model = detail.dump();  // the action's details
  record.status = 200;
  gateway_->snapshot()->steps.audit->record(std::move(record), nullptr);
}

Result<std::shared_ptr<const proxy::Snapshot>> GatewaySetup::build(
    std::shared_ptr<const config::Config> config) {
  auto snapshot = std::make_shared<proxy::Snapshot>();
  snapshot->config = config;
  snapshot->router = std::make_unique<proxy::Router>(*config);
  snapshot->generation = ++generation_;
  for (const auto& u : config->upstreams) {
    const char* key = u.api_key_env.empty() ? nullptr : std::getenv(u.api_key_env.c_str());
    snapshot->upstream_keys.emplace_back(key ? key : "");
  }
  snapshot->steps.audit = audit_;
  if (provenance_ || !config->policy.vocabulary.empty())
    snapshot->steps.label = std::make_shared<proxy::LabelApply>(*config, provenance_);
  if (config->detect.enabled) {
    auto detect = proxy::ScannerDetect::create(config->detect.fail_open);
    if (!detect) return detect.error();
    snapshot->steps.detect = detect.value();
  }
  if (!config->policy.vocabulary.empty()) {
    auto decide = proxy::PolicyDecide::create(*config);
    if (!decide) return decide.error();
    snapshot->program = decide.value()->program();
    snapshot->steps.decide = decide.value();
  }
  return std::shared_ptr<const proxy::Snapshot>(std::move(snapshot));
}

Status GatewaySetup::reload(std::shared_ptr<const config::Config> next) {
  auto snapshot = build(std::move(next));
  if (!snapshot) return snapshot.error();
  gateway_->swap(snapshot.value());
  // A key rotated with `concord provenance rotate` signs from now on (old keys keep verifying).
  if (provenance_)
    if (auto st = provenance_->reloadKeys(); !st) return st;
  return Status();
}

void GatewaySetup::close() {
  if (approval_audit_ && approvals_) approvals_->unsubscribe(std::exchange(approval_audit_, 0));
  closing_ = true;
  if (expiry_.joinable()) expiry_.join();
  if (auto* chain = dynamic_cast<proxy::ChainAudit*>(audit_.get())) chain->close();
}

}  // namespace concord::cli
