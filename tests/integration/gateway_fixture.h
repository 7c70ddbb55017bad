// GatewayFixture: the real gateway, in process, for the integration tests. It writes a
// concord.yaml into a fresh temporary directory (data_dir inside it) pointing at the given
// upstreams, parses it with config::parseConfig, opens cli::GatewaySetup, creates an API key,
// and starts an http::Listener on port 0 wired exactly like `concord serve` wires it
// (serve_command.cc). The destructor stops the listener and removes the directory.
// Construct, use and destroy from the test's thread.
#pragma once

// Tests name only the fields that matter in designated initializers ({.tenant = "acme"}).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admin/admin_api.h"
#include "admin/admin_tokens.h"
#include "cli/gateway_setup.h"
#include "config/config.h"
#include "http/listener.h"
#include "store/key_store.h"

namespace concord::testing {

// A temporary directory removed with everything in it at the end of its scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct UpstreamSpec {
  std::string name;
  std::string base_url;  // e.g. FakeUpstream::baseUrl(), or a closed port for "down"
  std::vector<std::string> models;
  std::map<std::string, std::string> aliases;
  std::string api_key_env;
  uint32_t connect_timeout_ms = 500;
  uint32_t first_byte_timeout_ms = 3000;
  uint32_t total_timeout_ms = 5000;
};

struct GatewayOptions {
  std::vector<UpstreamSpec> upstreams;
  int workers = 1;
  uint32_t max_attempts = 3;
  uint32_t backoff_ms = 1;
  uint32_t max_header_bytes = 16384;
  uint64_t max_body_bytes = 65536;
  uint32_t header_timeout_ms = 3000;
  uint32_t body_timeout_ms = 3000;
  uint32_t idle_timeout_ms = 5000;
  uint32_t shutdown_grace_ms = 3000;
  uint32_t max_connections = 10000;
  // The Hyperscan detectors take seconds to compile; tests of the gateway core run without.
  bool detect = false;
  // Policy: vocabulary and pack files (absolute paths); empty = no policy program.
  std::string policy_vocabulary;
  std::vector<std::string> policy_packs;
  // oversight.hold_max_wait_ms / keepalive_ms; 0 = the config's default.
  uint32_t hold_max_wait_ms = 0;
  uint32_t keepalive_ms = 0;
  // The data directory; empty = "data" inside the fixture's temporary directory. Two fixtures
  // given the same directory one after the other simulate a restart.
  std::string data_dir;
  // Also start the admin API (AdminApi on its own listener, wired like `concord serve` wires
  // it, admin actions written to the audit trail) with one admin token (adminToken()).
  bool admin = false;
};

// The concord.yaml text for these options (also used by the subprocess tests).
std::string configYaml(const GatewayOptions& options, const std::string& data_dir);

// The exchange records of an audit directory (tamper-evident segments), as JSON, with the
// fields the tests use: id, tenant, key_id, endpoint, model, upstream, status, error (only when
// set), attempts, stream, usage{prompt,completion,total}_tokens, total_us, overhead_us.
std::vector<nlohmann::json> readAuditRecords(const std::string& audit_dir);

// A port on 127.0.0.1 that refuses connections (bound then closed; nobody listens on it).
uint16_t closedPort();

class GatewayFixture {
 public:
  explicit GatewayFixture(GatewayOptions options);
  ~GatewayFixture();

  uint16_t port() const { return port_; }
  // A key of tenant "acme" that may use every model.
  const std::string& key() const { return key_; }
  std::string createKey(const store::NewKey& spec);
  // The public key id inside a plain key (sk-concord-<id>-<secret>).
  static std::string keyId(const std::string& plain_key);

  cli::GatewaySetup& setup() { return *setup_; }
  http::Listener& listener() { return *listener_; }
  const std::string& dir() const { return dir_.path(); }

  // What `concord serve`'s prober does once: a TCP probe of every upstream into /readyz.
  void probeUpstreams();
  // Stops the listener (graceful, within grace_ms). Idempotent.
  void stop(uint32_t grace_ms);
  // Every audit record written so far.
  std::vector<nlohmann::json> auditRecords();
  // Waits (bounded) for the audit record of exchange `id` to be written; null if it never is.
  nlohmann::json waitAuditRecord(const std::string& id, int timeout_ms = 3000);
  const std::string& dataDir() const { return data_dir_; }

  // With options.admin: the admin listener's port and a token of role admin.
  uint16_t adminPort() const { return admin_port_; }
  const std::string& adminToken() const { return admin_token_; }
  admin::AdminTokens& adminTokens() { return *admin_tokens_; }

 private:
  void startAdmin(const config::Config& cfg);

  TempDir dir_;
  std::string data_dir_;
  std::unique_ptr<cli::GatewaySetup> setup_;
  std::unique_ptr<admin::AdminTokens> admin_tokens_;
  std::unique_ptr<admin::AdminApi> admin_api_;
  std::unique_ptr<http::Listener> admin_listener_;
  uint16_t admin_port_ = 0;
  std::string admin_token_;
  std::unique_ptr<http::Listener> listener_;
  std::string key_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace concord::testing
