#include "store/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <utility>

namespace concord::store {

namespace {

Error sqliteError(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  return makeError("store.sqlite", std::move(msg));
}

// Creates the file with owner-only permissions before SQLite does, so that the key hashes
// (and the -wal/-shm files, which SQLite gives the database file's mode) are not world-readable.
Status precreate(const std::string& path) {
  if (path.empty() || path == ":memory:") return Status();
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec)
      return makeError("store.open", "cannot create directory " + p.parent_path().string() +
                                         ": " + ec.message());
  }
  // An existing file must not be opened and closed here: closing any descriptor of a file drops
  // every POSIX lock this process holds on it, including SQLite's on another open connection.
  if (std::filesystem::exists(p, ec)) return Status();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return Status();
  if (fd < 0) return makeError("store.open", "cannot create " + path);
  ::close(fd);
  return Status();
}

}  // namespace

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      bind_error_(std::move(other.bind_error_)),
      bind_failed_(other.bind_failed_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    bind_error_ = std::move(other.bind_error_);
    bind_failed_ = other.bind_failed_;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Statement::noteBind(int rc) {
  if (rc != SQLITE_OK && !bind_failed_) {
    bind_failed_ = true;
    bind_error_ = sqliteError(db_, "bind");
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  noteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8));
  return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
  noteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  noteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bindNull(int index) {
  noteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  if (bind_failed_) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqliteError(db_, "step");
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r.ok()) return r.error();
    if (!*r) return Status();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_failed_ = false;
}

std::string_view Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string_view Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

bool Statement::isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

// ---- SqliteDb ----

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path, const Options& options) {
  if (options.create) {
    if (auto s = precreate(path); !s.ok()) return s.error();
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqliteError(db, "open " + path);
    sqlite3_close_v2(db);
    return e;
  }
  std::unique_ptr<SqliteDb> out(new SqliteDb(db, path));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  // journal_mode returns a row; exec ignores it. A file another process already switched to
  // WAL stays WAL; ":memory:" answers "memory", which is fine for tests.
  std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=";
  pragmas += options.durable ? "FULL;" : "NORMAL;";
  if (auto s = out->exec(pragmas); !s.ok())
    return makeError("store.open", path + ": " + s.error().message);
  return out;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

Error SqliteDb::lastError(std::string_view what) const { return sqliteError(db_, what); }

Status SqliteDb::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = "exec: ";
    msg += err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return makeError("store.sqlite", std::move(msg));
  }
  return Status();
}

Result<Statement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return lastError("prepare");
  return Statement(stmt, db_);
}

Result<int64_t> SqliteDb::userVersion() {
  auto st = prepare("PRAGMA user_version");
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  return *row ? st->int64(0) : int64_t{0};
}

Result<int64_t> SqliteDb::dataVersion() {
  auto st = prepare("PRAGMA data_version");
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  return *row ? st->int64(0) : int64_t{0};
}

int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

Status SqliteDb::migrate(std::span<const std::string_view> steps) {
  const auto target = static_cast<int64_t>(steps.size());
  // Cheap check first: an up-to-date file needs no write lock.
  auto v = userVersion();
  if (!v.ok()) return v.error();
  if (*v == target) return Status();
  if (*v > target)
    return makeError("store.schema_too_new",
                     path_ + " has schema version " + std::to_string(*v) +
                         ", this build knows up to " + std::to_string(target));

  if (auto s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto rollback = [this](Error e) {
    (void)exec("ROLLBACK");
    return Status(std::move(e));
  };
  v = userVersion();  // re-read under the write lock: another process may have migrated
  if (!v.ok()) return rollback(v.error());
  if (*v > target)
    return rollback(makeError("store.schema_too_new", path_ + " has a newer schema"));
  for (int64_t i = *v; i < target; ++i) {
    if (auto s = exec(steps[static_cast<size_t>(i)]); !s.ok())
      return rollback(makeError("store.migration",
                                "schema step " + std::to_string(i + 1) + ": " + s.error().message));
  }
  if (auto s = exec("PRAGMA user_version=" + std::to_string(target)); !s.ok())
    return rollback(s.error());
  return exec("COMMIT");
}

}  // namespace concord::store
