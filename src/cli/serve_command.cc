// concord serve: loads concord.yaml, opens the stores, and runs the gateway until SIGTERM/SIGINT
// (graceful drain) with SIGHUP reloading the config (validated first; a bad file keeps the old
// config and says why).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/commands.h"
#include "cli/gateway_setup.h"
#include "config/config_loader.h"
#include "admin/admin_api.h"
#include "admin/admin_tokens.h"
#include "http/listener.h"
#include "proxy/exchange.h"
#include "proxy/health_probe.h"

namespace concord::cli {

namespace {

void logLine(const char* fmt, const std::string& a = "", const std::string& b = "") {
  std::fprintf(stderr, fmt, a.c_str(), b.c_str());
  std::fputc('\n', stderr);
}

// Keeps /readyz truthful: a TCP probe of every upstream every few seconds.
void probeLoop(proxy::Gateway& gateway, std::atomic<bool>& stop) {
  while (!stop.load()) {
    const auto snapshot = gateway.snapshot();
    for (const auto& u : snapshot->config->upstreams) {
      const auto reason = proxy::probeUpstream(u, 1000);
      gateway.health().set(u.name, reason.empty(), reason);
    }
    for (int i = 0; i < 50 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Admin actions (approvals decided, stops, resumes) go into the audit trail like exchanges.
std::unique_ptr<admin::AdminApi> makeAdminApi(GatewaySetup& setup, admin::AdminTokens& tokens,
                                              const config::Config& config) {
  admin::AdminApiOptions options;
  options.console_dir = config.admin.console_dir;
  options.packs_dir = "packs";
  options.audit_dir = config.audit.dir;
  options.audit_pubkeys = {config.data_dir + "/audit-signing.key.pub"};
  auto& gw = setup.gateway();
  options.on_event = [&setup](std::string_view event, const nlohmann::json& detail) {
    setup.auditAdminEvent(event, detail);
  };
  return std::make_unique<admin::AdminApi>(
      setup.approvals(), setup.stops(), tokens, setup.metrics(), setup.keys(),
      [&gw] { return gw.snapshot()->program; }, std::move(options));
}

}  // namespace

int runServe(int argc, char** argv) {
  // Signals are taken synchronously by the main thread (sigwait below). Blocked before any
  // thread exists (the audit writer, the signer, workers), so every thread inherits the mask
  // and none can die of a SIGHUP or SIGTERM.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"Run the Concord gateway", "concord serve"};
  std::string config_path = "examples/concord.yaml";
  bool check_only = false;
  int port_override = -1;
  app.add_option("-c,--config", config_path, "path to concord.yaml");
  app.add_flag("--check", check_only, "validate the config and exit");
  app.add_option("--port", port_override, "listen on this port instead of the config's (0 = any)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto loaded = config::loadConfig(config_path);
  if (!loaded) {
    std::fprintf(stderr, "concord serve: %s\n", loaded.error().message.c_str());
    return 2;
  }
  auto config = loaded.value();
  if (port_override >= 0) {
    auto copy = std::make_shared<config::Config>(*config);
    copy->listen.port = static_cast<uint16_t>(port_override);
    config = copy;
  }
  auto setup = GatewaySetup::open(config);
  if (!setup) {
    std::fprintf(stderr, "concord serve: %s\n", setup.error().message.c_str());
    return 2;
  }
  if (check_only) {
    std::printf("%s: ok (%zu upstreams)\n", config_path.c_str(), config->upstreams.size());
    return 0;
  }
  auto& gw = setup.value()->gateway();


  http::ListenerOptions options;
  const auto& l = config->listen;
  const auto& lim = config->limits;
  options.address = l.address;
  options.port = l.port;
  options.workers = l.workers > 0 ? l.workers : std::max(1u, std::thread::hardware_concurrency());
  options.max_header_bytes = lim.max_header_bytes;
  options.max_body_bytes = lim.max_body_bytes;
  options.header_timeout_ms = lim.header_timeout_ms;
  options.body_timeout_ms = lim.body_timeout_ms;
  options.idle_timeout_ms = lim.idle_timeout_ms;
  options.max_connections = lim.max_connections;
  options.tls_cert_file = l.tls.cert_file;
  options.tls_key_file = l.tls.key_file;
  http::Listener listener(options, [&gw](http::Request& r, http::ResponseSink& s) {
    return proxy::runExchange(gw, r, s);
  });
  auto port = listener.bind();
  if (!port) {
    std::fprintf(stderr, "concord serve: %s\n", port.error().message.c_str());
    return 2;
  }
  for (int i = 0; i < listener.workers(); ++i) gw.addWorker(listener.context(i));
  listener.start();

  // The admin API and console: their own listener (loopback by default), one worker.
  std::unique_ptr<admin::AdminTokens> admin_tokens;
  std::unique_ptr<admin::AdminApi> admin_api;
  std::unique_ptr<http::Listener> admin_listener;
  if (config->admin.port != 0) {
    auto tokens = admin::AdminTokens::open(config->keys_db, SystemClock::instance());  // beside the API keys
    if (!tokens) {
      std::fprintf(stderr, "concord serve: %s\n", tokens.error().message.c_str());
      listener.stop(0);
      return 2;
    }
    admin_tokens = std::move(tokens.value());
    admin_api = makeAdminApi(*setup.value(), *admin_tokens, *config);
    http::ListenerOptions admin_options = options;
    admin_options.address = config->admin.address;
    admin_options.port = config->admin.port;
    admin_options.workers = 1;
    admin_options.tls_cert_file.clear();
    admin_listener = std::make_unique<http::Listener>(
        admin_options, [api = admin_api.get()](http::Request& r, http::ResponseSink& s) { return api->handle(r, s); });
    auto admin_port = admin_listener->bind();
    if (!admin_port) {
      std::fprintf(stderr, "concord serve: admin: %s\n", admin_port.error().message.c_str());
      listener.stop(0);
      return 2;
    }
    admin_listener->start();
    std::fprintf(stderr, "concord: admin API and console on http://%s:%u/\n", config->admin.address.c_str(),
                 static_cast<unsigned>(admin_port.value()));
    std::fprintf(stdout, "admin %u\n", static_cast<unsigned>(admin_port.value()));
  }
  std::atomic<bool> stop_probe{false};
  std::thread prober([&] { probeLoop(gw, stop_probe); });
  std::fprintf(stderr, "concord: listening on %s:%u (%d workers, %s)\n", l.address.c_str(),
               static_cast<unsigned>(port.value()), listener.workers(),
               l.tls.cert_file.empty() ? "http" : "https");
  std::fprintf(stdout, "listening %u\n", static_cast<unsigned>(port.value()));
  std::fflush(stdout);

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      auto next = config::loadConfig(config_path);
      if (!next) {
        logLine("concord: reload refused, keeping the old config: %s", next.error().message);
        gw.metrics().count("concord_reloads_total", "result=\"refused\"");
        continue;
      }
      auto status = setup.value()->reload(next.value());
      if (!status) {
        logLine("concord: reload refused, keeping the old config: %s", status.error().message);
        gw.metrics().count("concord_reloads_total", "result=\"refused\"");
        continue;
      }
      gw.metrics().count("concord_reloads_total", "result=\"ok\"");
      logLine("concord: reloaded %s", config_path);
      continue;
    }
    logLine("concord: draining (signal %s)", std::to_string(sig));
    break;
  }
  gw.stopping() = true;
  if (admin_api) admin_api->shutdown();
  listener.stop(config->limits.shutdown_grace_ms);
  if (admin_listener) admin_listener->stop(1000);
  // Held exchanges' callbacks own timers of the workers' io_contexts: drop them first.
  setup.value()->approvals().dropWaiters();
  gw.dropWorkers();  // upstream sockets go before the io_contexts that own their services
  stop_probe = true;
  prober.join();
  setup.value()->close();
  logLine("concord: stopped");
  return 0;
}

}  // namespace concord::cli
