// AdminTokens: the bearer tokens of the admin API and console, with roles viewer < approver <
// admin (viewer reads; approver also decides approvals; admin also stops/resumes the gateway).
// Stored like API keys (store/key_token.h): the row keeps SHA-256 of the secret and its last
// four characters; the plain token exists only in create()'s return value.
//
//   concord-admin-<id>-<secret>   id: 12 lowercase base32, secret: 40 (200 random bits)
//
// Table `admin_tokens` in any SQLite file (normally the key store's concord.db: created with IF
// NOT EXISTS, PRAGMA user_version left to the key store). Admin calls are rare, so
// authenticate() reads SQLite every time: a token created or revoked by the CLI in another
// process counts at once.
// Ownership: owns its SqliteDb. Threads: every method, any thread (one internal mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace concord::admin {

enum class Role { kViewer = 0, kApprover = 1, kAdmin = 2 };
std::string_view roleName(Role r);  // viewer | approver | admin
std::optional<Role> parseRole(std::string_view text);

inline constexpr std::string_view kAdminTokenPrefix = "concord-admin-";

struct AdminIdentity {
  std::string token_id;
  Role role = Role::kViewer;
  std::string label;  // who the token was made for ("alice", "oncall"), may be empty
  // "admin:<id>" or "admin:<id>(<label>)": the actor named in audit records and decisions.
  std::string actor() const;
};

struct AdminTokenInfo {
  std::string id;
  Role role = Role::kViewer;
  std::string label, last4;
  int64_t created_at = 0, revoked_at = 0;  // Unix seconds; 0 = active
};

class AdminTokens {
 public:
  static Result<std::unique_ptr<AdminTokens>> open(const std::string& db_path, const Clock& clock);

  // Returns the plain token, once. Errors: admin.invalid_label, store.*.
  Result<std::string> create(Role role, std::string_view label = {});
  // The token (with or without "Bearer ") -> who. Errors: admin.invalid_token (malformed,
  // unknown, wrong secret: one code, so a caller learns nothing), admin.revoked_token.
  Result<AdminIdentity> authenticate(std::string_view bearer);
  Status revoke(std::string_view id);  // admin.token_not_found
  Result<std::vector<AdminTokenInfo>> list();

 private:
  AdminTokens(std::unique_ptr<store::SqliteDb> db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  std::mutex mu_;
  std::unique_ptr<store::SqliteDb> db_;
  const Clock& clock_;
};

}  // namespace concord::admin
