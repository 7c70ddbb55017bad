#include "gateway_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "audit/exporter.h"
#include "audit/file_system.h"
#include "config/config_loader.h"
#include "proxy/exchange.h"
#include "proxy/exchange_record.h"
#include "proxy/health_probe.h"

namespace concord::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "concord-integ-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string configYaml(const GatewayOptions& o, const std::string& data_dir) {
  std::string y;
  y += "gateway:\n  id: concord-test\n  operator: \"Integration Tests\"\n";
  y += "listen:\n  address: 127.0.0.1\n  port: 0\n  workers: " + std::to_string(o.workers) + "\n";
  y += "limits:\n";
  y += "  max_header_bytes: " + std::to_string(o.max_header_bytes) + "\n";
  y += "  max_body_bytes: " + std::to_string(o.max_body_bytes) + "\n";
  y += "  header_timeout_ms: " + std::to_string(o.header_timeout_ms) + "\n";
  y += "  body_timeout_ms: " + std::to_string(o.body_timeout_ms) + "\n";
  y += "  idle_timeout_ms: " + std::to_string(o.idle_timeout_ms) + "\n";
  y += "  shutdown_grace_ms: " + std::to_string(o.shutdown_grace_ms) + "\n";
  y += "  max_connections: " + std::to_string(o.max_connections) + "\n";
  y += "retry:\n  max_attempts: " + std::to_string(o.max_attempts) +
       "\n  backoff_ms: " + std::to_string(o.backoff_ms) + "\n";
  y += "upstreams:\n";
  for (const auto& u : o.upstreams) {
    y += "  - name: " + u.name + "\n";
    y += "    base_url: " + u.base_url + "\n";
    if (!u.api_key_env.empty()) y += "    api_key_env: " + u.api_key_env + "\n";
    y += "    region: EU\n    model_origin: FR\n";
    y += "    models: [";
    for (size_t i = 0; i < u.models.size(); ++i) y += (i ? ", " : "") + u.models[i];
    y += "]\n";
    if (!u.aliases.empty()) {
      y += "    aliases:\n";
      for (const auto& [a, m] : u.aliases) y += "      " + a + ": " + m + "\n";
    }
    y += "    connect_timeout_ms: " + std::to_string(u.connect_timeout_ms) + "\n";
    y += "    first_byte_timeout_ms: " + std::to_string(u.first_byte_timeout_ms) + "\n";
    y += "    total_timeout_ms: " + std::to_string(u.total_timeout_ms) + "\n";
  }
  y += "storage:\n  data_dir: " + data_dir + "\n";
  y += "audit:\n  durability: batched\n";
  y += std::string("detect:\n  enabled: ") + (o.detect ? "true" : "false") + "\n";
  if (!o.policy_vocabulary.empty()) {
    y += "policy:\n  vocabulary: " + o.policy_vocabulary + "\n  packs: [";
    for (size_t i = 0; i < o.policy_packs.size(); ++i) y += (i ? ", " : "") + o.policy_packs[i];
    y += "]\n";
  }
  if (o.hold_max_wait_ms || o.keepalive_ms) {
    y += "oversight:\n";
    if (o.hold_max_wait_ms) y += "  hold_max_wait_ms: " + std::to_string(o.hold_max_wait_ms) + "\n";
    if (o.keepalive_ms) y += "  keepalive_ms: " + std::to_string(o.keepalive_ms) + "\n";
  }
  return y;
}

uint16_t closedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);  // never listened: connecting is refused
  return ntohs(addr.sin_port);
}

GatewayFixture::GatewayFixture(GatewayOptions options) {
  const std::string path = dir_.file("concord.yaml");
  data_dir_ = options.data_dir.empty() ? dir_.file("data") : options.data_dir;
  const std::string yaml = configYaml(options, data_dir_);
  std::ofstream(path) << yaml;
  auto config = config::parseConfig(yaml, path);
  if (!config) throw std::runtime_error("config: " + config.error().message);
  auto setup = cli::GatewaySetup::open(config.value());
  if (!setup) throw std::runtime_error("setup: " + setup.error().message);
  setup_ = std::move(setup.value());
  key_ = createKey({.tenant = "acme"});

  // As serve_command.cc does it.
  const auto& cfg = *config.value();
  http::ListenerOptions lo;
  lo.address = cfg.listen.address;
  lo.port = cfg.listen.port;
  lo.workers = cfg.listen.workers > 0 ? cfg.listen.workers : 1;
  lo.max_header_bytes = cfg.limits.max_header_bytes;
  lo.max_body_bytes = cfg.limits.max_body_bytes;
  lo.header_timeout_ms = cfg.limits.header_timeout_ms;
  lo.body_timeout_ms = cfg.limits.body_timeout_ms;
  lo.idle_timeout_ms = cfg.limits.idle_timeout_ms;
  lo.max_connections = cfg.limits.max_connections;
  auto& gw = setup_->gateway();
  listener_ = std::make_unique<http::Listener>(lo, [&gw](http::Request& r, http::ResponseSink& s) {
    return proxy::runExchange(gw, r, s);
  });
  auto port = listener_->bind();
  if (!port) throw std::runtime_error("bind: " + port.error().message);
  port_ = port.value();
  for (int i = 0; i < listener_->workers(); ++i) gw.addWorker(listener_->context(i));
  listener_->start();
  if (options.admin) startAdmin(cfg);
}

// As serve_command.cc's makeAdminApi: admin actions become audit records "admin.<event>".
void GatewayFixture::startAdmin(const config::Config& cfg) {
  auto tokens = admin::AdminTokens::open(cfg.keys_db, SystemClock::instance());
  if (!tokens) throw std::runtime_error("admin tokens: " + tokens.error().message);
  admin_tokens_ = std::move(tokens.value());
  auto token = admin_tokens_->create(admin::Role::kAdmin, "tester");
  if (!token) throw std::runtime_error("admin token: " + token.error().message);
  admin_token_ = token.value();
  admin::AdminApiOptions options;
  options.console_dir = cfg.admin.console_dir;
  options.audit_dir = cfg.audit.dir;
  options.stream_poll_ms = 20;
  auto& gw = setup_->gateway();
  auto* setup = setup_.get();
  options.on_event = [setup](std::string_view event, const nlohmann::json& detail) {
    setup->auditAdminEvent(event, detail);  // as `concord serve` does
  };
  admin_api_ = std::make_unique<admin::AdminApi>(
      setup_->approvals(), setup_->stops(), *admin_tokens_, setup_->metrics(), setup_->keys(),
      [&gw] { return gw.snapshot()->program; }, std::move(options));
  http::ListenerOptions lo;
  lo.address = "127.0.0.1";
  lo.port = 0;
  lo.workers = 1;
  admin_listener_ = std::make_unique<http::Listener>(
      lo, [api = admin_api_.get()](http::Request& r, http::ResponseSink& s) { return api->handle(r, s); });
  auto port = admin_listener_->bind();
  if (!port) throw std::runtime_error("admin bind: " + port.error().message);
  admin_port_ = port.value();
  admin_listener_->start();
}

GatewayFixture::~GatewayFixture() {
  stop(0);
  // Held exchanges' callbacks own timers of the listener's io_contexts: drop them while those live.
  setup_->approvals().dropWaiters();
  // Pooled upstream sockets belong to the listener's io_contexts: drop them while those live.
  for (int i = 0; i < listener_->workers(); ++i) setup_->gateway().worker(i).upstreams.clear();
  listener_.reset();
  admin_listener_.reset();
  admin_api_.reset();
  setup_->close();
}

std::string GatewayFixture::createKey(const store::NewKey& spec) {
  auto key = setup_->keys().create(spec);
  if (!key) throw std::runtime_error("key: " + key.error().message);
  return key.value();
}

std::string GatewayFixture::keyId(const std::string& plain_key) {
  // sk-concord-<id>-<secret>
  const std::string prefix = "sk-concord-";
  const size_t dash = plain_key.find('-', prefix.size());
  return plain_key.substr(prefix.size(), dash - prefix.size());
}

void GatewayFixture::probeUpstreams() {
  auto& gw = setup_->gateway();
  const auto snapshot = gw.snapshot();
  for (const auto& u : snapshot->config->upstreams) {
    const auto reason = proxy::probeUpstream(u, 500);
    gw.health().set(u.name, reason.empty(), reason);
  }
}

void GatewayFixture::stop(uint32_t grace_ms) {
  if (stopped_) return;
  stopped_ = true;
  setup_->gateway().stopping() = true;
  if (admin_api_) admin_api_->shutdown();
  if (admin_listener_) admin_listener_->stop(grace_ms);
  listener_->stop(grace_ms);
}

std::vector<nlohmann::json> readAuditRecords(const std::string& audit_dir) {
  std::vector<nlohmann::json> out;
  auto st = audit::forEachRecord(
      audit::PosixFileSystem::instance(), audit_dir,
      [&](uint64_t, uint64_t, const audit::ParsedRecord& r, std::string_view) {
        if (r.type != "exchange") return true;
        nlohmann::json j = r.json;
        // The names the tests use, whatever the record format calls them.
        if (j.contains("exchange_id")) j["id"] = j["exchange_id"];
        if (j.contains("error_code") && j["error_code"].is_string() && !j["error_code"].get<std::string>().empty())
          j["error"] = j["error_code"];
        if (j.contains("latency") && j["latency"].is_object()) {
          j["total_us"] = j["latency"].value("total_us", int64_t{-1});
          j["overhead_us"] = j["latency"].value("overhead_us", int64_t{-1});
        }
        if (j.contains("usage") && j["usage"].is_object()) {
          auto& u = j["usage"];
          for (const char* k : {"prompt", "completion", "total"})
            if (u.contains(k) && !u.contains(std::string(k) + "_tokens")) u[std::string(k) + "_tokens"] = u[k];
        }
        out.push_back(std::move(j));
        return true;
      });
  (void)st;  // an audit directory with no segment yet is simply empty
  return out;
}

std::vector<nlohmann::json> GatewayFixture::auditRecords() {
  return readAuditRecords(setup_->gateway().snapshot()->config->audit.dir);
}

nlohmann::json GatewayFixture::waitAuditRecord(const std::string& id, int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    for (auto& r : auditRecords())
      if (r.is_object() && r.value("id", "") == id) return r;
    if (std::chrono::steady_clock::now() >= until) return nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace concord::testing
