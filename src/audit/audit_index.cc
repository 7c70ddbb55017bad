#include "audit/audit_index.h"

#include <sqlite3.h>
#include <unistd.h>

#include <set>

#include "audit/exporter.h"
#include "audit/segment_format.h"

namespace concord::audit {
namespace {

const char* kSchema =
    "CREATE TABLE IF NOT EXISTS records(seq INTEGER PRIMARY KEY, segment INTEGER NOT NULL, offset INTEGER NOT NULL,"
    " ts INTEGER NOT NULL, type TEXT, tenant TEXT, action TEXT, status INTEGER, exchange_id TEXT, model TEXT);"
    "CREATE TABLE IF NOT EXISTS rules(seq INTEGER NOT NULL, rule_id TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS records_tenant_ts ON records(tenant, ts);"
    "CREATE INDEX IF NOT EXISTS records_ts ON records(ts);"
    "CREATE INDEX IF NOT EXISTS rules_rule ON rules(rule_id, seq);";

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

Error dbError(sqlite3* db, const std::string& what) {
  return makeError("audit.index", what + ": " + sqlite3_errmsg(db));
}

}  // namespace

Result<std::unique_ptr<AuditIndex>> AuditIndex::open(const std::string& path) {
  bool existed = ::access(path.c_str(), F_OK) == 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
        sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) == SQLITE_OK) {
      std::unique_ptr<AuditIndex> idx(new AuditIndex(db));
      idx->rebuilt_ = !existed || attempt > 0;
      return idx;
    }
    sqlite3_close(db);
    ::unlink(path.c_str());  // unreadable: it is derived data, so rebuild it
  }
  return makeError("audit.index", "cannot open or rebuild the index " + path);
}

AuditIndex::~AuditIndex() { sqlite3_close(db_); }

Status AuditIndex::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return dbError(db_, sql);
  return {};
}

Result<size_t> AuditIndex::update(FileSystem& fs, const std::string& dir) {
  int64_t max_seq = -1;
  {
    Stmt st;
    sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(seq), -1) FROM records", -1, &st.s, nullptr);
    if (sqlite3_step(st.s) == SQLITE_ROW) max_seq = sqlite3_column_int64(st.s, 0);
  }
  if (Status s = exec("BEGIN"); !s) return s.error();
  // Rows of segments that prune removed go too.
  auto names = fs.list(dir);
  if (!names) return names.error();
  std::set<uint64_t> present;
  for (const auto& n : *names)
    if (auto s = parseSegmentName(n)) present.insert(*s);
  {
    Stmt segs;
    sqlite3_prepare_v2(db_, "SELECT DISTINCT segment FROM records", -1, &segs.s, nullptr);
    std::vector<int64_t> gone;
    while (sqlite3_step(segs.s) == SQLITE_ROW)
      if (!present.count(uint64_t(sqlite3_column_int64(segs.s, 0)))) gone.push_back(sqlite3_column_int64(segs.s, 0));
    for (int64_t g : gone) {
      std::string sql = "DELETE FROM rules WHERE seq IN (SELECT seq FROM records WHERE segment=" + std::to_string(g) +
                        "); DELETE FROM records WHERE segment=" + std::to_string(g) + ";";
      if (Status s = exec(sql.c_str()); !s) return s.error();
    }
  }
  Stmt ins, rule;
  sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO records VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &ins.s, nullptr);
  sqlite3_prepare_v2(db_, "INSERT INTO rules VALUES(?,?)", -1, &rule.s, nullptr);
  size_t added = 0;
  Status s = forEachRecord(fs, dir, [&](uint64_t seg, uint64_t off, const ParsedRecord& r, std::string_view) {
    if (int64_t(r.chain.seq) <= max_seq) return true;
    const auto& j = r.json;
    auto text = [&](int col, const nlohmann::json& o, const char* k) {
      std::string v = o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : "";
      sqlite3_bind_text(ins.s, col, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
    };
    sqlite3_bind_int64(ins.s, 1, int64_t(r.chain.seq));
    sqlite3_bind_int64(ins.s, 2, int64_t(seg));
    sqlite3_bind_int64(ins.s, 3, int64_t(off));
    sqlite3_bind_int64(ins.s, 4, r.chain.ts);
    sqlite3_bind_text(ins.s, 5, r.type.c_str(), int(r.type.size()), SQLITE_TRANSIENT);
    text(6, j, "tenant");
    if (j.contains("decision") && j["decision"].is_object()) text(7, j["decision"], "action");
    else sqlite3_bind_null(ins.s, 7);
    sqlite3_bind_int64(ins.s, 8, j.contains("status") && j["status"].is_number() ? j["status"].get<int64_t>() : 0);
    text(9, j, "exchange_id");
    text(10, j, "model");
    sqlite3_step(ins.s);
    sqlite3_reset(ins.s);
    if (j.contains("decision") && j["decision"].contains("rules") && j["decision"]["rules"].is_array())
      for (const auto& rr : j["decision"]["rules"]) {
        std::string id = rr.contains("id") && rr["id"].is_string() ? rr["id"].get<std::string>() : "";
        sqlite3_bind_int64(rule.s, 1, int64_t(r.chain.seq));
        sqlite3_bind_text(rule.s, 2, id.c_str(), int(id.size()), SQLITE_TRANSIENT);
        sqlite3_step(rule.s);
        sqlite3_reset(rule.s);
      }
    ++added;
    return true;
  });
  if (!s) {
    (void)exec("ROLLBACK");
    return s.error();
  }
  if (Status c = exec("COMMIT"); !c) return c.error();
  return added;
}

Result<std::vector<IndexedRecord>> AuditIndex::query(const RecordFilter& f) {
  std::string sql =
      "SELECT seq, segment, offset, ts, type, tenant, action, status, exchange_id, model FROM records WHERE ts >= ?1 AND ts < ?2";
  if (!f.tenant.empty()) sql += " AND tenant = ?3";
  if (!f.decision.empty()) sql += " AND action = ?4";
  if (!f.type.empty()) sql += " AND type = ?5";
  if (!f.rule_id.empty()) sql += " AND seq IN (SELECT seq FROM rules WHERE rule_id = ?6)";
  sql += " ORDER BY seq";
  if (f.limit) sql += " LIMIT " + std::to_string(f.limit);
  Stmt st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK) return dbError(db_, "query");
  sqlite3_bind_int64(st.s, 1, f.from_us);
  sqlite3_bind_int64(st.s, 2, f.to_us);
  sqlite3_bind_text(st.s, 3, f.tenant.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 4, f.decision.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 5, f.type.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 6, f.rule_id.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<IndexedRecord> out;
  auto col = [&](int i) {
    auto p = sqlite3_column_text(st.s, i);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  };
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    IndexedRecord r;
    r.seq = uint64_t(sqlite3_column_int64(st.s, 0));
    r.segment = uint64_t(sqlite3_column_int64(st.s, 1));
    r.offset = uint64_t(sqlite3_column_int64(st.s, 2));
    r.ts = sqlite3_column_int64(st.s, 3);
    r.type = col(4);
    r.tenant = col(5);
    r.action = col(6);
    r.status = int(sqlite3_column_int(st.s, 7));
    r.exchange_id = col(8);
    r.model = col(9);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace concord::audit
