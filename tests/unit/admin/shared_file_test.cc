// Regression: the gateway opens storage.oversight_db three times (approval queue, stop switch,
// admin tokens) while `concord admin token create` writes it from another process. Pre-creating
// the file with open()+close() in the second and third opens dropped the first connection's
// POSIX locks; the CLI then deleted the WAL on exit and the gateway answered 401 to the new
// token (seen with concord serve). Runs the CLI's part in a child process.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <filesystem>

#include "admin/admin_tokens.h"
#include "oversight/approval_queue.h"
#include "oversight/stop_switch.h"

namespace concord::admin {
namespace {

// The CLI's part, in a fresh process (fork alone would inherit SQLite's in-memory lock table
// and hide the bug): this test binary again, running only DISABLED_ChildCreatesToken.
std::string createInChild(const std::string& path) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string cmd = "CONCORD_SHARED_DB_CHILD='" + path + "' '" + self +
                          "' --gtest_also_run_disabled_tests "
                          "--gtest_filter=SharedOversightFile.DISABLED_ChildCreatesToken 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {};
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  if (::pclose(p) != 0) return {};
  const auto at = out.find("TOKEN=");
  if (at == std::string::npos) return {};
  return out.substr(at + 6, out.find('\n', at) - at - 6);
}

TEST(SharedOversightFile, DISABLED_ChildCreatesToken) {
  const char* path = std::getenv("CONCORD_SHARED_DB_CHILD");
  ASSERT_NE(path, nullptr);
  auto t = AdminTokens::open(path, SystemClock::instance());
  ASSERT_TRUE(t.ok());
  auto plain = (*t)->create(Role::kApprover, "cli");
  ASSERT_TRUE(plain.ok());
  std::printf("TOKEN=%s\n", plain->c_str());
}

TEST(SharedOversightFile, ATokenMadeByAnotherProcessWorksWhileTheGatewayHoldsTheFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("concord-shared-db-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "oversight.db").string();
  // As concord serve: three objects, one file.
  auto queue = oversight::ApprovalQueue::open(path, SystemClock::instance());
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  auto stops = oversight::StopSwitch::open(path, SystemClock::instance());
  ASSERT_TRUE(stops.ok());
  auto tokens = AdminTokens::open(path, SystemClock::instance());
  ASSERT_TRUE(tokens.ok());
  ASSERT_TRUE((*stops)->stop(oversight::StopScope::kTenant, "acme", "before", "t").ok());

  // Twice: the first CLI run used to delete the gateway's WAL, the second wrote a new one the
  // gateway never read.
  const std::string first = createInChild(path);
  ASSERT_FALSE(first.empty());
  ASSERT_TRUE((*stops)->stop(oversight::StopScope::kTenant, "between", "runs", "t").ok());
  const std::string plain = createInChild(path);
  ASSERT_FALSE(plain.empty());
  EXPECT_TRUE((*tokens)->authenticate(first).ok());
  // The symptom itself: this process still using a WAL or shm file another process deleted.
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(e.path(), ec).string();
    EXPECT_FALSE(target.find("oversight.db") != std::string::npos && target.find("(deleted)") != std::string::npos)
        << target;
  }
  auto who = (*tokens)->authenticate(plain);
  EXPECT_TRUE(who.ok()) << (who.ok() ? "" : who.error().message);
  // And what the gateway writes afterwards is seen by a fresh connection (no split WAL).
  ASSERT_TRUE((*stops)->stop(oversight::StopScope::kModel, "m", "after", "t").ok());
  auto fresh = oversight::StopSwitch::open(path, SystemClock::instance());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->active().size(), 3u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace concord::admin
