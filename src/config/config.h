// Config: the validated contents of concord.yaml. Built once by loadConfig(), then shared
// immutably (std::shared_ptr<const Config>) by every worker; a reload builds a new one and
// swaps the pointer, so in-flight exchanges keep the config they started with.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace concord::config {

struct TlsConfig {
  std::string cert_file;  // PEM chain; empty = plain HTTP
  std::string key_file;
};

struct ListenConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int workers = 0;  // 0 = one per core
  TlsConfig tls;
};

// Every limit a client can push against, with safe defaults.
struct Limits {
  uint32_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 4 * 1024 * 1024;
  uint32_t header_timeout_ms = 10'000;   // from first byte to end of headers (slowloris)
  uint32_t body_timeout_ms = 30'000;     // to read the whole body
  uint32_t idle_timeout_ms = 60'000;     // keep-alive connection with no request
  uint32_t total_timeout_ms = 600'000;   // one whole exchange, upstream included
  uint32_t max_connections = 10'000;     // per gateway; beyond it new connections are refused
  uint32_t shutdown_grace_ms = 10'000;   // SIGTERM: how long in-flight exchanges may drain
};

struct UpstreamConfig {
  std::string name;
  std::string base_url;        // e.g. https://api.openai.com/v1
  std::string api_key_env;     // environment variable holding the upstream key; may be empty
  std::string region;          // where it processes data, e.g. US, EU, CN
  std::string model_origin;    // country of the model's developer, e.g. US, CN, FR
  std::vector<std::string> models;              // names the upstream serves
  std::map<std::string, std::string> aliases;   // client-facing alias -> upstream model
  uint32_t connect_timeout_ms = 3'000;
  uint32_t first_byte_timeout_ms = 60'000;
  uint32_t total_timeout_ms = 600'000;
  uint32_t pool_size = 64;     // idle keep-alive connections kept per worker
  // Derived from base_url at load time.
  bool tls = false;
  std::string host;            // for Host/SNI
  std::string port;
  std::string path_prefix;     // e.g. /v1
};

struct RetryConfig {
  uint32_t max_attempts = 3;   // attempts across all candidate upstreams
  uint32_t backoff_ms = 50;    // doubled per attempt
};

struct AuditConfig {
  std::string dir;             // default <data_dir>/audit
  std::string durability = "batched";  // strict | batched
  // Group commit: one fsync per this many ms (or records). In batched mode this is also the
  // most a crash can lose; in strict mode it is added to each answer's latency at most.
  uint32_t group_commit_ms = 0;       // 0 = 10 ms batched, 2 ms strict
  uint32_t group_commit_records = 1024;
  bool fail_open = false;
};

struct PolicyConfig {
  std::string vocabulary;             // empty = no policy program (pass-through)
  std::vector<std::string> packs;
  bool enable_unverified = false;
};

// Signed machine-readable provenance on every answer (GB 45438 implicit label, EU AI Act
// Art. 50(2), CA SB 942 latent disclosure).
struct ProvenanceConfig {
  bool enabled = true;
  std::string key_dir;     // default <data_dir>/provenance (a key is made on first start)
  std::string index_path;  // default <data_dir>/provenance.db (hashes and sketches for verify)
};

struct DetectConfig {
  bool enabled = true;     // PII, secrets and injection detectors on every request
  bool fail_open = false;  // false: a detector error denies the exchange (fail closed)
  // Kinds redacted in upstream answers (globs), besides those the policy redacts in the request.
  std::vector<std::string> answer_redact{"secret.*"};
  std::string answer_mode = "tag";  // tag ([AWS_KEY]) | mask (****1234)
};

struct AdminConfig {
  std::string address = "127.0.0.1";  // loopback by default: the admin API controls the gateway
  uint16_t port = 0;                  // 0 = no admin listener
  std::string console_dir = "console/dist";
};

// Human oversight: how long a held exchange may wait for a person.
struct OversightConfig {
  uint32_t hold_max_wait_ms = 300'000;  // then the client gets 403 approval_timeout
  uint32_t keepalive_ms = 10'000;       // SSE comments to a waiting streaming client
};

struct Config {
  std::string source_path;
  std::string gateway_id = "concord";
  std::string operator_name = "unnamed operator";
  ListenConfig listen;
  Limits limits;
  RetryConfig retry;
  std::vector<UpstreamConfig> upstreams;
  std::string data_dir = "./data";
  std::string keys_db;  // default <data_dir>/concord.db
  std::string oversight_db;  // approvals and stops; default <data_dir>/oversight.db
  AuditConfig audit;
  PolicyConfig policy;
  DetectConfig detect;
  ProvenanceConfig provenance;
  AdminConfig admin;
  OversightConfig oversight;
  // `deployment.*` facts for the policy program, as strings ("true"/"false" for booleans).
  std::map<std::string, std::vector<std::string>> deployment;
};

}  // namespace concord::config
