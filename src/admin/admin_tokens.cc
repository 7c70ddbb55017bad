#include "admin/admin_tokens.h"

#include <algorithm>

#include "oversight/shared_db.h"
#include "store/key_token.h"

namespace concord::admin {

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS admin_tokens (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL,
  label      TEXT NOT NULL DEFAULT '',
  hash       BLOB NOT NULL,
  last4      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
)sql";

Error invalidToken() { return makeError("admin.invalid_token", "invalid or missing admin token"); }

bool validLabel(std::string_view s) {
  return s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-' || c == '@';
         });
}

}  // namespace

std::string_view roleName(Role r) {
  switch (r) {
    case Role::kViewer: return "viewer";
    case Role::kApprover: return "approver";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

std::optional<Role> parseRole(std::string_view text) {
  for (auto r : {Role::kViewer, Role::kApprover, Role::kAdmin})
    if (roleName(r) == text) return r;
  return std::nullopt;
}

std::string AdminIdentity::actor() const {
  std::string a = "admin:" + token_id;
  if (!label.empty()) a += "(" + label + ")";
  return a;
}

Result<std::unique_ptr<AdminTokens>> AdminTokens::open(const std::string& db_path, const Clock& clock) {
  auto db = oversight::openSharedDb(db_path);
  if (!db) return db.error();
  if (auto s = (*db)->exec(kSchema); !s) return s.error();
  return std::unique_ptr<AdminTokens>(new AdminTokens(std::move(db.value()), clock));
}

Result<std::string> AdminTokens::create(Role role, std::string_view label) {
  if (!validLabel(label))
    return makeError("admin.invalid_label", "label: up to 64 characters of A-Z a-z 0-9 . _ - @");
  auto key = store::generateKey();
  if (!key) return key.error();
  const auto hash = store::hashSecret(key->secret);
  std::lock_guard lock(mu_);
  auto st = db_->prepare(
      "INSERT INTO admin_tokens (id, role, label, hash, last4, created_at) VALUES (?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, key->id).bind(2, roleName(role)).bind(3, std::string(label));
  st->bindBlob(4, std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
  st->bind(5, key->secret.substr(key->secret.size() - 4)).bind(6, clock_.nowMicros() / 1'000'000);
  if (auto s = st->run(); !s) return s.error();
  return std::string(kAdminTokenPrefix) + key->id + "-" + key->secret;
}

Result<AdminIdentity> AdminTokens::authenticate(std::string_view bearer) {
  if (bearer.starts_with("Bearer ") || bearer.starts_with("bearer ")) bearer.remove_prefix(7);
  if (!bearer.starts_with(kAdminTokenPrefix)) return invalidToken();
  bearer.remove_prefix(kAdminTokenPrefix.size());
  if (bearer.size() < store::kKeyIdLength + 1 + store::kMinSecretLength || bearer[store::kKeyIdLength] != '-')
    return invalidToken();
  const auto id = bearer.substr(0, store::kKeyIdLength);
  const auto secret = bearer.substr(store::kKeyIdLength + 1);
  if (!store::isValidKeyId(id) || secret.size() > store::kMaxSecretLength) return invalidToken();
  const auto hash = store::hashSecret(secret);
  std::lock_guard lock(mu_);
  auto st = db_->prepare("SELECT role, label, hash, revoked_at FROM admin_tokens WHERE id=?");
  if (!st) return st.error();
  st->bind(1, std::string(id));
  auto row = st->step();
  if (!row) return row.error();
  if (!*row || !store::equalHashes(hash, st->blob(2))) return invalidToken();
  if (st->int64(3) != 0) return makeError("admin.revoked_token", "this admin token has been revoked");
  auto role = parseRole(st->text(0));
  if (!role) return invalidToken();
  return AdminIdentity{std::string(id), *role, std::string(st->text(1))};
}

Status AdminTokens::revoke(std::string_view id) {
  std::lock_guard lock(mu_);
  auto st = db_->prepare("UPDATE admin_tokens SET revoked_at=? WHERE id=? AND revoked_at=0");
  if (!st) return st.error();
  st->bind(1, clock_.nowMicros() / 1'000'000).bind(2, std::string(id));
  if (auto s = st->run(); !s) return s;
  if (db_->changes() == 0) {
    auto check = db_->prepare("SELECT 1 FROM admin_tokens WHERE id=?");
    if (!check) return check.error();
    check->bind(1, std::string(id));
    auto row = check->step();
    if (!row) return row.error();
    if (!*row) return makeError("admin.token_not_found", "no admin token with id '" + std::string(id) + "'");
  }
  return Status();
}

Result<std::vector<AdminTokenInfo>> AdminTokens::list() {
  std::lock_guard lock(mu_);
  auto st = db_->prepare("SELECT id, role, label, last4, created_at, revoked_at FROM admin_tokens "
                         "ORDER BY created_at, id");
  if (!st) return st.error();
  std::vector<AdminTokenInfo> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    AdminTokenInfo t;
    t.id = st->text(0);
    t.role = parseRole(st->text(1)).value_or(Role::kViewer);
    t.label = st->text(2);
    t.last4 = st->text(3);
    t.created_at = st->int64(4);
    t.revoked_at = st->int64(5);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace concord::admin
