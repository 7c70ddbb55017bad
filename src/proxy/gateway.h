// Gateway: the state the request path shares. A Snapshot (config, router, governance steps)
// is immutable and swapped atomically on reload; in-flight exchanges keep the one they
// started with. WorkerContext is what one worker thread owns (parser, upstream pools, TLS
// client context) and is touched only from that thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "admin/metrics.h"
#include "api/request_view.h"
#include "config/config.h"
#include "proxy/router.h"
#include "proxy/steps.h"
#include "proxy/upstream_connection.h"

namespace concord::store {
class KeyStore;
}
namespace concord::oversight {
class ApprovalQueue;
class StopSwitch;
}
namespace concord::label {
class ProvenanceService;
}

namespace concord::proxy {

}  // namespace concord::proxy
namespace concord::policy {
class Program;
}
namespace concord::proxy {

struct Snapshot {
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<const policy::Program> program;  // null without policy packs
  std::unique_ptr<Router> router;
  Steps steps;
  std::vector<std::string> upstream_keys;  // per upstream index, read from the environment
  uint64_t generation = 0;
};

// Last known state of each upstream, by name (survives reloads).
class UpstreamHealth {
 public:
  void set(const std::string& name, bool up, std::string reason);
  // JSON for /readyz and whether every upstream is up.
  std::string readyJson(const config::Config& config, bool& all_up) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::pair<bool, std::string>> state_;
};

struct UpstreamWorkerState {
  std::unique_ptr<UpstreamPool> pool;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // resolved once, cleared on failure
};

struct WorkerContext {
  explicit WorkerContext(boost::asio::io_context& io);
  boost::asio::io_context& io;
  // Parsers lent to exchanges for their whole life: a request view points into its parser, and
  // another exchange on this worker may parse while this one waits on its upstream.
  std::vector<std::unique_ptr<api::RequestParser>> idle_parsers;
  std::unique_ptr<api::RequestParser> takeParser();
  void returnParser(std::unique_ptr<api::RequestParser> parser);
  boost::asio::ssl::context tls_client;
  // Keyed by upstream name + base URL, so a reload that changes an upstream starts afresh.
  std::unordered_map<std::string, UpstreamWorkerState> upstreams;
  uint64_t exchanges = 0;
  UpstreamWorkerState& upstream(const config::UpstreamConfig& u);
};

class Gateway {
 public:
  Gateway(std::shared_ptr<const Snapshot> snapshot, store::KeyStore& keys, admin::Metrics& metrics);

  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }
  void swap(std::shared_ptr<const Snapshot> next) { snapshot_.store(std::move(next)); }

  // Called once per worker before it serves traffic.
  void addWorker(boost::asio::io_context& io);
  WorkerContext& worker(int index) { return *workers_.at(index); }
  // Closes the workers' upstream connections. Call after the listener has stopped and before
  // it is destroyed: the sockets belong to its io_contexts.
  void dropWorkers() { workers_.clear(); }

  store::KeyStore& keys() { return keys_; }
  // Human oversight; null when not configured (holds are then refused as approval_required).
  oversight::ApprovalQueue* approvals() { return approvals_; }
  oversight::StopSwitch* stops() { return stops_; }
  // Signed provenance: the public keys and POST /v1/concord/verify. Null when disabled.
  label::ProvenanceService* provenance() { return provenance_; }
  void setProvenance(label::ProvenanceService* provenance) { provenance_ = provenance; }
  void setOversight(oversight::ApprovalQueue* approvals, oversight::StopSwitch* stops) {
    approvals_ = approvals;
    stops_ = stops;
  }
  admin::Metrics& metrics() { return metrics_; }
  UpstreamHealth& health() { return health_; }
  std::atomic<bool>& stopping() { return stopping_; }

 private:
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  store::KeyStore& keys_;
  admin::Metrics& metrics_;
  oversight::ApprovalQueue* approvals_ = nullptr;
  oversight::StopSwitch* stops_ = nullptr;
  label::ProvenanceService* provenance_ = nullptr;
  UpstreamHealth health_;
  std::vector<std::unique_ptr<WorkerContext>> workers_;
  std::atomic<bool> stopping_{false};
};

}  // namespace concord::proxy
