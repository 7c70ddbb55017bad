// The two FileSystems: the simulated one must model power loss faithfully (unsynced bytes and
// un-fsynced directory entries vanish) and inject ENOSPC / EROFS; the POSIX one must do what it
// says on a real directory.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "audit/simulated_file_system.h"

namespace concord::audit {
namespace {

TEST(SimulatedFileSystem, PowerLossDropsUnsyncedBytesAndEntries) {
  SimulatedFileSystem fs;
  ASSERT_TRUE(fs.createDir("/d"));
  auto a = fs.openAppend("/d/a", 0644);
  ASSERT_TRUE(a);
  ASSERT_TRUE((*a)->append("synced"));
  ASSERT_TRUE((*a)->sync());
  ASSERT_TRUE(fs.syncDir("/d"));
  ASSERT_TRUE((*a)->append("-lost"));
  auto b = fs.openAppend("/d/b", 0644);  // never made durable in the directory
  ASSERT_TRUE((*b)->append("x"));
  ASSERT_TRUE((*b)->sync());
  EXPECT_EQ(*fs.readFile("/d/a"), "synced-lost");
  fs.powerLoss();
  EXPECT_FALSE(fs.readFile("/d/a"));  // the machine is down
  EXPECT_FALSE((*a)->append("more"));
  fs.reboot();
  EXPECT_EQ(*fs.readFile("/d/a"), "synced");
  EXPECT_FALSE(fs.exists("/d/b"));
  EXPECT_FALSE((*a)->append("stale handle"));
}

TEST(SimulatedFileSystem, RenameIsDurableOnlyAfterSyncDir) {
  SimulatedFileSystem fs;
  fs.setContentsForTest("/d/x.tmp", "data");
  ASSERT_TRUE(fs.rename("/d/x.tmp", "/d/x"));
  fs.powerLoss();
  fs.reboot();
  EXPECT_TRUE(fs.exists("/d/x.tmp"));
  EXPECT_FALSE(fs.exists("/d/x"));
  ASSERT_TRUE(fs.rename("/d/x.tmp", "/d/x"));
  ASSERT_TRUE(fs.syncDir("/d"));
  fs.powerLoss();
  fs.reboot();
  EXPECT_TRUE(fs.exists("/d/x"));
}

TEST(SimulatedFileSystem, TornPowerLossKeepsAPrefixOfUnsyncedBytes) {
  for (uint32_t seed = 1; seed < 20; ++seed) {
    SimulatedFileSystem fs;
    fs.setContentsForTest("/d/f", "base");
    auto f = fs.openAppend("/d/f", 0644);
    ASSERT_TRUE((*f)->append("0123456789"));
    fs.powerLoss(/*torn=*/true, seed);
    fs.reboot();
    std::string got = *fs.readFile("/d/f");
    EXPECT_EQ(std::string("base0123456789").compare(0, got.size(), got), 0) << got;
    EXPECT_GE(got.size(), 4u);
  }
}

TEST(SimulatedFileSystem, FaultsOnDemand) {
  SimulatedFileSystem fs;
  auto f = fs.openAppend("/d/f", 0644);
  ASSERT_TRUE(f);
  fs.setFault(SimulatedFileSystem::Fault::kNoSpace);
  Status s = (*f)->append("abcdefgh");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "audit.no_space");
  EXPECT_EQ(*fs.readFile("/d/f"), "abcd");  // a short write, as a full disk does
  EXPECT_TRUE(fs.truncate("/d/f", 0));      // freeing space still works
  fs.setFault(SimulatedFileSystem::Fault::kReadOnly);
  EXPECT_EQ((*f)->append("x").error().code, "audit.read_only");
  EXPECT_FALSE(fs.openAppend("/d/new", 0644));
  EXPECT_FALSE(fs.truncate("/d/f", 0));
  EXPECT_TRUE(fs.readFile("/d/f"));  // reads still work
  fs.setFault(SimulatedFileSystem::Fault::kNone);
  EXPECT_TRUE((*f)->append("ok"));
}

TEST(PosixFileSystem, BasicOperationsAndLock) {
  auto dir = std::filesystem::temp_directory_path() / ("concord-fs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto& fs = PosixFileSystem::instance();
  std::string d = (dir / "a" / "b").string();
  ASSERT_TRUE(fs.createDir(d));
  ASSERT_TRUE(writeFileAtomic(fs, d, "f", "hello"));
  EXPECT_EQ(*fs.readFile(d + "/f"), "hello");
  auto f = fs.openAppend(d + "/f", 0644);
  ASSERT_TRUE((*f)->append(" world"));
  ASSERT_TRUE((*f)->sync());
  ASSERT_TRUE((*f)->close());
  EXPECT_EQ(*fs.fileSize(d + "/f"), 11u);
  ASSERT_TRUE(fs.truncate(d + "/f", 5));
  EXPECT_EQ(*fs.readFile(d + "/f"), "hello");
  ASSERT_TRUE(fs.rename(d + "/f", d + "/g"));
  auto names = fs.list(d);
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, std::vector<std::string>{"g"});
  {
    auto l1 = fs.lock(d + "/LOCK");
    ASSERT_TRUE(l1);
    auto l2 = fs.lock(d + "/LOCK");  // flock is per open file: a second open conflicts
    EXPECT_FALSE(l2);
  }
  EXPECT_TRUE(fs.lock(d + "/LOCK"));
  ASSERT_TRUE(fs.remove(d + "/g"));
  EXPECT_FALSE(fs.exists(d + "/g"));
  EXPECT_FALSE(fs.readFile(d + "/g"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace concord::audit
