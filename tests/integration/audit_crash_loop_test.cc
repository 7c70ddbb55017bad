// The gateway crash loop (tests/crash/gateway_crash_loop.sh) in the test command: the real
// `concord serve` binary, strict audit, killed with SIGKILL under load CRASH_LOOPS times (15
// here, bounded to 90 s; the documented full run is 200), every acknowledged exchange recorded
// and `concord audit verify` clean after every restart. Needs node (the fake upstream and the
// load are the e2e tests' node scripts).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace {

TEST(AuditCrashLoop, KilledGatewayLosesNoAcknowledgedExchangeAndVerifies) {
  if (std::system("command -v node >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  const char* loops = std::getenv("CRASH_LOOPS");
  const std::string command = std::string("CRASH_LOOPS=") + (loops ? loops : "15") +
                              " CRASH_MAX_SECONDS=90 bash " CONCORD_SOURCE_DIR
                              "/tests/crash/gateway_crash_loop.sh " CONCORD_BINARY " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "the crash loop script did not exit normally";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "tests/crash/gateway_crash_loop.sh failed (output above)";
}

}  // namespace
