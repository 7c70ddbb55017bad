#include "store/sqlite_db.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>

#include "temp_dir.h"

namespace concord::store {
namespace {

using testing::TempDir;

TEST(SqliteDb, CreatesDirectoriesAndOwnerOnlyFileInWalMode) {
  TempDir dir;
  const std::string path = dir.file("a/b/test.db");
  auto db = SqliteDb::open(path);
  ASSERT_TRUE(db.ok()) << db.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto mode = (*db)->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "wal");
}

TEST(SqliteDb, MigratesOnceAndRecordsUserVersion) {
  TempDir dir;
  const std::string path = dir.file("m.db");
  constexpr std::array<std::string_view, 2> steps = {
      "CREATE TABLE t (x INTEGER)", "ALTER TABLE t ADD COLUMN y TEXT"};
  {
    auto db = SqliteDb::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->migrate(std::span(steps).first(1)).ok());
    EXPECT_EQ(*(*db)->userVersion(), 1);
    ASSERT_TRUE((*db)->migrate(steps).ok());
    EXPECT_EQ(*(*db)->userVersion(), 2);
    ASSERT_TRUE((*db)->migrate(steps).ok());  // no-op: would fail if re-run (duplicate column)
  }
  auto db = SqliteDb::open(path);
  ASSERT_TRUE(db.ok());
  auto s = (*db)->migrate(std::span(steps).first(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "store.schema_too_new");
}

TEST(SqliteDb, FailedMigrationRollsBackEveryStep) {
  TempDir dir;
  auto db = SqliteDb::open(dir.file("r.db"));
  ASSERT_TRUE(db.ok());
  constexpr std::array<std::string_view, 2> steps = {"CREATE TABLE t (x)", "NOT SQL AT ALL"};
  auto s = (*db)->migrate(steps);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "store.migration");
  EXPECT_EQ(*(*db)->userVersion(), 0);
  EXPECT_TRUE((*db)->exec("CREATE TABLE t (x)").ok());  // step 1 was rolled back too
}

TEST(SqliteDb, PreparedStatementsBindAndRead) {
  TempDir dir;
  auto db = SqliteDb::open(dir.file("s.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE t (a TEXT, b INTEGER, c BLOB)").ok());
  auto ins = (*db)->prepare("INSERT INTO t VALUES (?1, ?2, ?3)");
  ASSERT_TRUE(ins.ok());
  const std::string blob("\0\1\2", 3);
  ASSERT_TRUE(ins->bind(1, "x").bind(2, int64_t{42}).bindBlob(3, blob).run().ok());
  EXPECT_EQ((*db)->changes(), 1);
  ins->reset();
  ASSERT_TRUE(ins->bind(1, "y").bindNull(2).bindNull(3).run().ok());

  auto sel = (*db)->prepare("SELECT a, b, c FROM t ORDER BY a");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(*sel->step());
  EXPECT_EQ(sel->text(0), "x");
  EXPECT_EQ(sel->int64(1), 42);
  EXPECT_EQ(sel->blob(2), blob);
  ASSERT_TRUE(*sel->step());
  EXPECT_TRUE(sel->isNull(1));
  EXPECT_FALSE(*sel->step());
}

TEST(SqliteDb, BindOutOfRangeIsReportedByStep) {
  TempDir dir;
  auto db = SqliteDb::open(dir.file("b.db"));
  ASSERT_TRUE(db.ok());
  auto st = (*db)->prepare("SELECT ?1");
  ASSERT_TRUE(st.ok());
  st->bind(5, int64_t{1});
  auto r = st->step();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "store.sqlite");
}

TEST(SqliteDb, BadSqlIsAnErrorNotACrash) {
  TempDir dir;
  auto db = SqliteDb::open(dir.file("e.db"));
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->prepare("SELEKT 1").ok());
  EXPECT_FALSE((*db)->exec("DROP TABLE missing").ok());
}

TEST(SqliteDb, DataVersionChangesOnlyForOtherConnectionsCommits) {
  TempDir dir;
  const std::string path = dir.file("v.db");
  auto a = SqliteDb::open(path);
  auto b = SqliteDb::open(path);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->exec("CREATE TABLE t (x)").ok());
  const int64_t v0 = *(*a)->dataVersion();
  ASSERT_TRUE((*a)->exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(*(*a)->dataVersion(), v0);  // own commit
  ASSERT_TRUE((*b)->exec("INSERT INTO t VALUES (2)").ok());
  EXPECT_NE(*(*a)->dataVersion(), v0);  // another connection's commit
}

TEST(SqliteDb, OpenFailsCleanlyOnUnwritablePath) {
  auto db = SqliteDb::open("/proc/definitely/not/here.db");
  ASSERT_FALSE(db.ok());
  EXPECT_FALSE(db.error().message.empty());
}

}  // namespace
}  // namespace concord::store
