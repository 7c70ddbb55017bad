#include "store/key_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "store/key_token.h"

namespace concord::store {

namespace {

// Schema steps; append only (step i moves user_version from i to i+1).
constexpr std::string_view kSchema[] = {
    R"sql(
CREATE TABLE keys (
  id            TEXT PRIMARY KEY,
  hash          BLOB NOT NULL,
  tenant        TEXT NOT NULL,
  jurisdictions TEXT NOT NULL DEFAULT '[]',
  models        TEXT NOT NULL DEFAULT '[]',
  roles         TEXT NOT NULL DEFAULT '[]',
  locale        TEXT NOT NULL DEFAULT '',
  sector        TEXT NOT NULL DEFAULT '',
  budget_tokens INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  revoked_at    INTEGER NOT NULL DEFAULT 0,
  last4         TEXT NOT NULL
);
CREATE INDEX keys_tenant ON keys(tenant);
)sql",
};

constexpr std::string_view kColumns =
    "id, tenant, jurisdictions, models, roles, locale, sector, budget_tokens, created_at, "
    "revoked_at, last4, hash";

bool validName(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '*';
  });
}

Status validate(const NewKey& k) {
  auto bad = [](std::string what) { return makeError("store.invalid_key_spec", std::move(what)); };
  if (!validName(k.tenant, 64))
    return bad("tenant must be 1-64 characters of A-Z a-z 0-9 . _ - : /");
  for (const auto* list : {&k.models, &k.jurisdictions, &k.roles})
    for (const auto& item : *list)
      if (!validName(item, 128)) return bad("invalid list item '" + item + "'");
  if (!k.locale.empty() && !validName(k.locale, 35)) return bad("invalid locale '" + k.locale + "'");
  if (!k.sector.empty() && !validName(k.sector, 64)) return bad("invalid sector '" + k.sector + "'");
  if (k.budget_tokens < 0) return bad("budget_tokens must be >= 0");
  return Status();
}

std::string toJson(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> fromJson(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

KeyInfo readInfo(const Statement& st) {
  KeyInfo k;
  k.id = st.text(0);
  k.tenant = st.text(1);
  k.jurisdictions = fromJson(st.text(2));
  k.models = fromJson(st.text(3));
  k.roles = fromJson(st.text(4));
  k.locale = st.text(5);
  k.sector = st.text(6);
  k.budget_tokens = st.int64(7);
  k.created_at = st.int64(8);
  k.revoked_at = st.int64(9);
  k.last4 = st.text(10);
  return k;
}

std::string_view stripBearer(std::string_view t) {
  constexpr std::string_view kBearer = "bearer ";
  if (t.size() > kBearer.size()) {
    bool match = true;
    for (size_t i = 0; i < kBearer.size(); ++i)
      if ((t[i] | 0x20) != kBearer[i]) match = false;
    if (match) t.remove_prefix(kBearer.size());
  }
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return t;
}

uint64_t nextUid() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

KeyStore::KeyStore(std::unique_ptr<SqliteDb> db, const Clock& clock, const Options& options)
    : clock_(clock),
      period_ns_(std::max<int64_t>(0, options.refresh_period_ms) * 1'000'000),
      db_(std::move(db)),
      snap_(std::make_shared<const Snapshot>()),
      uid_(nextUid()) {}

Result<std::unique_ptr<KeyStore>> KeyStore::open(const std::string& db_path, const Clock& clock,
                                                 const Options& options) {
  auto db = SqliteDb::open(db_path, options.db);
  if (!db.ok()) return db.error();
  if (auto s = (*db)->migrate(kSchema); !s.ok()) return s.error();
  std::unique_ptr<KeyStore> ks(new KeyStore(std::move(*db), clock, options));
  std::lock_guard lock(ks->db_mu_);
  auto dv = ks->db_->dataVersion();  // read before loading: a commit in between reloads again
  if (!dv.ok()) return dv.error();
  ks->data_version_ = *dv;
  if (auto s = ks->reloadLocked(); !s.ok()) return s.error();
  ks->next_check_ns_.store(clock.monotonicNanos() + ks->period_ns_);
  return ks;
}

const KeyStore::Snapshot& KeyStore::snapshot() const {
  struct ThreadCache {
    uint64_t store_uid = 0;
    uint64_t version = 0;
    std::shared_ptr<const Snapshot> snap;
  };
  thread_local ThreadCache cache;
  const uint64_t version = snap_version_.load(std::memory_order_acquire);
  if (cache.store_uid != uid_ || cache.version != version || !cache.snap) {
    std::lock_guard lock(snap_mu_);
    cache.store_uid = uid_;
    cache.version = snap_version_.load(std::memory_order_relaxed);
    cache.snap = snap_;
  }
  return *cache.snap;
}

Status KeyStore::reloadLocked() {
  auto st = db_->prepare("SELECT " + std::string(kColumns) + " FROM keys");
  if (!st.ok()) return st.error();
  auto next = std::make_shared<Snapshot>();
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    KeyInfo info = readInfo(*st);
    Entry e;
    e.hash = std::string(st->blob(11));
    e.revoked_at = info.revoked_at;
    e.principal.tenant = std::move(info.tenant);
    e.principal.key_id = info.id;
    e.principal.jurisdictions = std::move(info.jurisdictions);
    e.principal.roles = std::move(info.roles);
    e.principal.allowed_models = std::move(info.models);
    e.principal.locale = std::move(info.locale);
    e.principal.sector = std::move(info.sector);
    e.principal.budget_tokens = info.budget_tokens;
    next->emplace(std::move(info.id), std::move(e));
  }
  std::shared_ptr<const Snapshot> old;
  {
    std::lock_guard lock(snap_mu_);
    old = std::exchange(snap_, std::move(next));
    snap_version_.fetch_add(1, std::memory_order_release);
  }
  reloads_.fetch_add(1, std::memory_order_relaxed);
  return Status();  // `old` is freed here, outside snap_mu_
}

void KeyStore::maybeRefresh() {
  const int64_t now = clock_.monotonicNanos();
  int64_t due = next_check_ns_.load(std::memory_order_relaxed);
  if (now < due) return;
  // One caller per period does the check; the others go on with the current snapshot.
  if (!next_check_ns_.compare_exchange_strong(due, now + period_ns_)) return;
  std::unique_lock lock(db_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    next_check_ns_.store(now, std::memory_order_relaxed);  // busy writer: retry on next call
    return;
  }
  auto dv = db_->dataVersion();
  if (!dv.ok()) {
    refresh_failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (*dv == data_version_) return;
  if (auto s = reloadLocked(); !s.ok()) {
    refresh_failures_.fetch_add(1, std::memory_order_relaxed);
    next_check_ns_.store(now, std::memory_order_relaxed);  // keep data_version_; retry soon
    return;
  }
  data_version_ = *dv;
}

Result<Principal> KeyStore::authenticate(std::string_view bearer_token) {
  auto token = parseKeyToken(stripBearer(bearer_token));
  if (!token) return makeError(std::string(kInvalidApiKey), "Incorrect API key provided.");
  const SecretHash hash = hashSecret(token->secret);
  maybeRefresh();
  const Snapshot& snap = snapshot();  // valid until this thread's next call
  const auto it = snap.find(std::string(token->id));  // 12 chars: no allocation (SSO)
  if (it == snap.end() || !equalHashes(hash, it->second.hash))
    return makeError(std::string(kInvalidApiKey), "Incorrect API key provided.");
  if (it->second.revoked_at != 0)
    return makeError(std::string(kRevokedApiKey),
                     "API key sk-concord-" + it->first + " has been revoked.");
  return it->second.principal;
}

Result<std::string> KeyStore::create(const NewKey& spec) {
  if (auto s = validate(spec); !s.ok()) return s.error();
  std::lock_guard lock(db_mu_);
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto key = generateKey();
    if (!key.ok()) return key.error();
    const SecretHash hash = hashSecret(key->secret);
    auto st = db_->prepare(
        "INSERT OR IGNORE INTO keys (id, hash, tenant, jurisdictions, models, roles, locale, "
        "sector, budget_tokens, created_at, revoked_at, last4) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11)");
    if (!st.ok()) return st.error();
    st->bind(1, key->id)
        .bindBlob(2, std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()))
        .bind(3, spec.tenant)
        .bind(4, toJson(spec.jurisdictions))
        .bind(5, toJson(spec.models))
        .bind(6, toJson(spec.roles))
        .bind(7, spec.locale)
        .bind(8, spec.sector)
        .bind(9, spec.budget_tokens)
        .bind(10, clock_.nowMicros() / 1'000'000)
        .bind(11, std::string_view(key->secret).substr(key->secret.size() - 4));
    if (auto s = st->run(); !s.ok()) return s.error();
    // changes() == 0: a 60-bit id collision (vanishingly rare); never overwrite another key.
    if (db_->changes() != 1) continue;
    if (auto s = reloadLocked(); !s.ok()) return s.error();
    return std::move(key->plain);
  }
  return makeError("store.sqlite", "could not allocate a unique key id");
}

Status KeyStore::revoke(std::string_view key_id) {
  if (key_id.starts_with(kKeyPrefix)) key_id.remove_prefix(kKeyPrefix.size());
  if (!isValidKeyId(key_id))
    return makeError("store.invalid_key_id",
                     "'" + std::string(key_id) + "' is not a key id (12 characters a-z, 2-7)");
  std::lock_guard lock(db_mu_);
  auto st = db_->prepare("UPDATE keys SET revoked_at = ?1 WHERE id = ?2 AND revoked_at = 0");
  if (!st.ok()) return st.error();
  st->bind(1, std::max<int64_t>(1, clock_.nowMicros() / 1'000'000)).bind(2, key_id);
  if (auto s = st->run(); !s.ok()) return s;
  if (db_->changes() == 0) {
    auto q = db_->prepare("SELECT 1 FROM keys WHERE id = ?1");
    if (!q.ok()) return q.error();
    q->bind(1, key_id);
    auto row = q->step();
    if (!row.ok()) return row.error();
    if (!*row) return makeError("store.key_not_found", "no key with id " + std::string(key_id));
    return Status();  // already revoked
  }
  return reloadLocked();
}

Result<std::vector<KeyInfo>> KeyStore::list() {
  std::lock_guard lock(db_mu_);
  auto st = db_->prepare("SELECT " + std::string(kColumns) + " FROM keys ORDER BY created_at, id");
  if (!st.ok()) return st.error();
  std::vector<KeyInfo> out;
  for (;;) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(readInfo(*st));
  }
  return out;
}

}  // namespace concord::store
