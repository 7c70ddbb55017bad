#include "oversight/approval_store.h"

#include "oversight/shared_db.h"

#include <nlohmann/json.hpp>

namespace concord::oversight {

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS oversight_approvals (
  id             TEXT PRIMARY KEY,
  kind           TEXT NOT NULL,
  tenant         TEXT NOT NULL,
  key_id         TEXT NOT NULL,
  endpoint       TEXT NOT NULL,
  model          TEXT NOT NULL,
  rules          TEXT NOT NULL,
  digest         TEXT NOT NULL,
  preview        TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  created_us     INTEGER NOT NULL,
  expires_us     INTEGER NOT NULL,
  state          TEXT NOT NULL,
  approver       TEXT NOT NULL DEFAULT '',
  reason         TEXT NOT NULL DEFAULT '',
  resolved_us    INTEGER NOT NULL DEFAULT 0,
  consumed_us    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS oversight_approvals_state ON oversight_approvals(state, expires_us);
)sql";

constexpr std::string_view kColumns =
    "id, kind, tenant, key_id, endpoint, model, rules, digest, preview, policy_version, created_us, "
    "expires_us, state, approver, reason, resolved_us, consumed_us";

std::string rulesToJson(const std::vector<std::pair<std::string, std::string>>& rules) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [id, cite] : rules) a.push_back({id, cite});
  return a.dump();
}

std::vector<std::pair<std::string, std::string>> rulesFromJson(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j)
    if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string())
      out.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
  return out;
}

ApprovalRecord readRow(const store::Statement& st) {
  ApprovalRecord r;
  auto& q = r.request;
  q.id = st.text(0);
  q.kind = st.text(1);
  q.tenant = st.text(2);
  q.key_id = st.text(3);
  q.endpoint = st.text(4);
  q.model = st.text(5);
  q.rules = rulesFromJson(st.text(6));
  q.digest = st.text(7);
  q.preview = st.text(8);
  q.policy_version = st.text(9);
  q.created_us = st.int64(10);
  q.expires_us = st.int64(11);
  if (!parseState(st.text(12), r.state)) r.state = ApprovalState::kExpired;  // unknown: inert
  r.approver = st.text(13);
  r.reason = st.text(14);
  r.resolved_us = st.int64(15);
  r.consumed_us = st.int64(16);
  return r;
}

}  // namespace

Result<std::unique_ptr<SqliteApprovalStore>> SqliteApprovalStore::open(const std::string& db_path) {
  auto db = openSharedDb(db_path);
  if (!db) return db.error();
  if (auto s = (*db)->exec(kSchema); !s) return s.error();
  return std::unique_ptr<SqliteApprovalStore>(new SqliteApprovalStore(std::move(db.value())));
}

Status SqliteApprovalStore::insert(const ApprovalRecord& r) {
  auto st = db_->prepare("INSERT INTO oversight_approvals (" + std::string(kColumns) +
                         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  const auto& q = r.request;
  st->bind(1, q.id).bind(2, q.kind).bind(3, q.tenant).bind(4, q.key_id).bind(5, q.endpoint);
  st->bind(6, q.model).bind(7, rulesToJson(q.rules)).bind(8, q.digest).bind(9, q.preview);
  st->bind(10, q.policy_version).bind(11, q.created_us).bind(12, q.expires_us);
  st->bind(13, stateName(r.state)).bind(14, r.approver).bind(15, r.reason);
  st->bind(16, r.resolved_us).bind(17, r.consumed_us);
  return st->run();
}

Result<bool> SqliteApprovalStore::transition(const ApprovalRecord& r, ApprovalState from) {
  auto st = db_->prepare(
      "UPDATE oversight_approvals SET state=?, approver=?, reason=?, resolved_us=?, consumed_us=? "
      "WHERE id=? AND state=?");
  if (!st) return st.error();
  st->bind(1, stateName(r.state)).bind(2, r.approver).bind(3, r.reason).bind(4, r.resolved_us);
  st->bind(5, r.consumed_us).bind(6, r.request.id).bind(7, stateName(from));
  if (auto s = st->run(); !s) return s.error();
  return db_->changes() == 1;
}

Result<std::vector<ApprovalRecord>> SqliteApprovalStore::select(const std::string& where_and_order,
                                                                const std::string& arg, int64_t limit) {
  auto st = db_->prepare("SELECT " + std::string(kColumns) + " FROM oversight_approvals " +
                         where_and_order + " LIMIT ?");
  if (!st) return st.error();
  int i = 1;
  if (!arg.empty()) st->bind(i++, arg);
  st->bind(i, limit);
  std::vector<ApprovalRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(readRow(*st));
  }
  return out;
}

Result<std::vector<ApprovalRecord>> SqliteApprovalStore::loadPending() {
  return select("WHERE state='pending' ORDER BY created_us, id", "", -1);
}

Result<std::vector<ApprovalRecord>> SqliteApprovalStore::loadRecent(size_t limit) {
  return select("ORDER BY created_us DESC, id DESC", "", static_cast<int64_t>(limit));
}

Result<ApprovalRecord> SqliteApprovalStore::load(const std::string& id) {
  if (id.empty()) return makeError("oversight.not_found", "no approval id given");
  auto rows = select("WHERE id=?", id, 1);
  if (!rows) return rows.error();
  if (rows->empty()) return makeError("oversight.not_found", "no approval with id '" + id + "'");
  return std::move(rows->front());
}

}  // namespace concord::oversight
