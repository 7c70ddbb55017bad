// KeyStore: Concord API keys in SQLite, and the fast check that turns a request's bearer key
// into a Principal (DESIGN.md step 2, "authenticate").
//
// Keys are stored hashed: the row holds SHA-256 of the secret (key_token.h) and the last four
// characters for people to recognise a key; the plain key exists only in the return value of
// create(). The key id is public and appears in lists, logs and audit records.
//
// authenticate() never touches SQLite on the common path. The whole keys table lives in memory
// as an immutable snapshot (keys are few; this also means a flood of invalid keys costs no
// I/O). At most once per refresh period (250 ms by default) one caller asks SQLite for
// `PRAGMA data_version`, which changes when another connection, e.g. the `concord keys revoke`
// CLI process, has committed; the snapshot is then reloaded and swapped. Other callers keep
// using the previous snapshot meanwhile, so a revocation from another process is seen within
// one period plus one reload. Writes through this object (create, revoke) reload at once.
//
// Ownership: one KeyStore per process, owning its SqliteDb; the Clock must outlive it.
// Threads: every method may be called from any thread concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/principal.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace concord::store {

// Error codes returned by authenticate(); they go to the client as OpenAI-style error codes.
inline constexpr std::string_view kInvalidApiKey = "invalid_api_key";
inline constexpr std::string_view kRevokedApiKey = "revoked_api_key";

struct NewKey {
  std::string tenant;                      // required: [A-Za-z0-9._-]{1,64}
  std::vector<std::string> models;         // empty = all models
  std::vector<std::string> jurisdictions;  // e.g. {"EU","CN"}
  std::vector<std::string> roles;
  std::string locale, sector;
  int64_t budget_tokens = 0;               // 0 = unlimited
};

struct KeyInfo {
  std::string id, tenant;
  std::vector<std::string> models, jurisdictions, roles;
  std::string locale, sector;
  int64_t budget_tokens = 0;
  std::string last4;       // last four characters of the secret, for recognition
  int64_t created_at = 0;  // Unix seconds
  int64_t revoked_at = 0;  // Unix seconds; 0 = active
};

class KeyStore {
 public:
  struct Options {
    int64_t refresh_period_ms = 250;  // how stale a revocation by another process may be
    SqliteDb::Options db;
  };

  // Opens or creates the database (and its directory) and brings the schema up to date.
  static Result<std::unique_ptr<KeyStore>> open(const std::string& db_path, const Clock& clock,
                                                const Options& options);
  static Result<std::unique_ptr<KeyStore>> open(const std::string& db_path, const Clock& clock) {
    return open(db_path, clock, Options{});
  }

  // Stores a new key and returns the plain key (sk-concord-<id>-<secret>); it cannot be
  // recovered later. Errors: "store.invalid_key_spec" (bad tenant or list item), "store.sqlite".
  Result<std::string> create(const NewKey& spec);

  // The bearer token (with or without a leading "Bearer ") becomes the key's Principal.
  // Errors: code "invalid_api_key" for malformed or unknown keys or a wrong secret,
  // "revoked_api_key" for a revoked key whose secret is right. Compares hashes in constant time.
  Result<Principal> authenticate(std::string_view bearer_token);

  // Marks the key revoked (idempotent: a key already revoked keeps its first revoked_at).
  // Errors: "store.invalid_key_id", "store.key_not_found", "store.sqlite".
  Status revoke(std::string_view key_id);

  // All keys, active and revoked, oldest first; read from SQLite, not from the cache.
  Result<std::vector<KeyInfo>> list();

  // Counts reloads of the snapshot (for /metrics and tests) and failed refresh attempts.
  int64_t reloadCount() const { return reloads_.load(std::memory_order_relaxed); }
  int64_t refreshFailures() const { return refresh_failures_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::string hash;  // 32 raw bytes of SHA-256(secret)
    int64_t revoked_at = 0;
    Principal principal;
  };
  using Snapshot = std::unordered_map<std::string, Entry>;  // by key id

  KeyStore(std::unique_ptr<SqliteDb> db, const Clock& clock, const Options& options);

  void maybeRefresh();
  Status reloadLocked();  // requires db_mu_
  // The current snapshot, via the calling thread's cache.
  const Snapshot& snapshot() const;

  const Clock& clock_;
  const int64_t period_ns_;

  std::mutex db_mu_;  // guards db_ and data_version_
  std::unique_ptr<SqliteDb> db_;
  int64_t data_version_ = 0;

  mutable std::mutex snap_mu_;  // guards only the pointer copy/swap, never I/O
  std::shared_ptr<const Snapshot> snap_;
  // Bumped on every swap. Request threads keep a thread-local copy of the snapshot pointer and
  // only take snap_mu_ when this changed, so concurrent authenticate() calls share no written
  // cache line on the hot path.
  std::atomic<uint64_t> snap_version_{0};
  const uint64_t uid_;  // tells thread-local caches of different KeyStore objects apart

  std::atomic<int64_t> next_check_ns_{0};
  std::atomic<int64_t> reloads_{0};
  std::atomic<int64_t> refresh_failures_{0};
};

}  // namespace concord::store
