// SqliteDb: a thin RAII wrapper over one SQLite connection, for the embedded default store
// (keys now; approvals and budgets later). It opens the file in WAL mode with a busy timeout,
// prepares statements, and brings the schema up to date with numbered migrations recorded in
// `PRAGMA user_version`.
//
// Ownership: SqliteDb owns the sqlite3 handle; a Statement owns its sqlite3_stmt and must not
// outlive the SqliteDb that prepared it.
// Threads: the connection is opened with SQLITE_OPEN_NOMUTEX, so one SqliteDb (and its
// Statements) must be used by one thread at a time; an owner shared between threads holds
// its own mutex around every call. Several SqliteDb objects, in one process or in several,
// may open the same file concurrently (WAL: readers never block the writer).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace concord::store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based like SQLite's. A failed bind is remembered and reported by step().
  Statement& bind(int index, std::string_view text);
  Statement& bindBlob(int index, std::string_view bytes);
  Statement& bind(int index, int64_t value);
  Statement& bindNull(int index);

  // Ok(true): a row is available; Ok(false): done. Errors carry code "store.sqlite".
  Result<bool> step();
  // Steps to completion, for statements that return no rows.
  Status run();
  // Resets for re-execution and clears bindings.
  void reset();

  // Column accessors for the current row (0-based). Views stay valid until the next step().
  std::string_view text(int col) const;
  std::string_view blob(int col) const;
  int64_t int64(int col) const;
  bool isNull(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  Error bind_error_;
  bool bind_failed_ = false;
  void noteBind(int rc);
};

class SqliteDb {
 public:
  struct Options {
    int busy_timeout_ms = 5000;  // wait this long for another connection's write lock
    bool durable = true;         // synchronous=FULL: a committed write survives power loss
    bool create = true;          // create the file (and its directory) if missing
  };

  // Opens (and creates, with mode 0600 and missing parent directories) the database file.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, const Options& options);
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path) {
    return open(path, Options{});
  }
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows we need.
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);

  // Brings the schema to version steps.size(): step i (0-based) moves user_version from i to
  // i+1. All pending steps run in one IMMEDIATE transaction, so two processes opening a fresh
  // file at once do not both migrate. A file newer than the code is refused
  // ("store.schema_too_new") rather than used with a schema we do not understand.
  Status migrate(std::span<const std::string_view> steps);
  Result<int64_t> userVersion();

  // Changes whenever ANOTHER connection (this process or another) commits to the file; our
  // own commits do not change it. Cheap: no disk read beyond the WAL index.
  Result<int64_t> dataVersion();

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Error lastError(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace concord::store
