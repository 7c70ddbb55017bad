#include "proxy/gateway.h"

#include "api/errors.h"

namespace concord::proxy {

void UpstreamHealth::set(const std::string& name, bool up, std::string reason) {
  std::lock_guard lock(mutex_);
  state_[name] = {up, std::move(reason)};
}

std::string UpstreamHealth::readyJson(const config::Config& config, bool& all_up) const {
  std::lock_guard lock(mutex_);
  all_up = true;
  std::string up = "[", down = "[";
  for (const auto& u : config.upstreams) {
    const auto it = state_.find(u.name);
    const bool is_up = it != state_.end() && it->second.first;
    std::string& list = is_up ? up : down;
    if (list.size() > 1) list += ',';
    list += "{\"name\":\"";
    api::appendJsonEscaped(list, u.name);
    list += "\"";
    if (!is_up) {
      all_up = false;
      list += ",\"reason\":\"";
      api::appendJsonEscaped(list, it == state_.end() ? "not checked yet" : it->second.second);
      list += "\"";
    }
    list += '}';
  }
  return std::string("{\"ready\":") + (all_up ? "true" : "false") + ",\"upstreams_up\":" + up +
         "],\"upstreams_down\":" + down + "]}";
}

WorkerContext::WorkerContext(boost::asio::io_context& io_context)
    : io(io_context), tls_client(boost::asio::ssl::context::tls_client) {
  tls_client.set_default_verify_paths();
  tls_client.set_options(boost::asio::ssl::context::default_workarounds |
                         boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                         boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
}

std::unique_ptr<api::RequestParser> WorkerContext::takeParser() {
  if (idle_parsers.empty()) return std::make_unique<api::RequestParser>();
  auto parser = std::move(idle_parsers.back());
  idle_parsers.pop_back();
  return parser;
}

void WorkerContext::returnParser(std::unique_ptr<api::RequestParser> parser) {
  if (parser && idle_parsers.size() < 256) idle_parsers.push_back(std::move(parser));
}

UpstreamWorkerState& WorkerContext::upstream(const config::UpstreamConfig& u) {
  auto& state = upstreams[u.name + '\n' + u.base_url];
  if (!state.pool) state.pool = std::make_unique<UpstreamPool>(u.pool_size);
  return state;
}

Gateway::Gateway(std::shared_ptr<const Snapshot> snapshot, store::KeyStore& keys,
                 admin::Metrics& metrics)
    : snapshot_(std::move(snapshot)), keys_(keys), metrics_(metrics) {}

void Gateway::addWorker(boost::asio::io_context& io) {
  workers_.push_back(std::make_unique<WorkerContext>(io));
}

}  // namespace concord::proxy
