// SimulatedFileSystem: an in-memory FileSystem for tests that models what survives a power cut.
// Each file's data has a synced prefix (what the last sync() covered); directory entries
// (creations, renames, removals) are durable only after syncDir(). powerLoss() throws away
// everything else — optionally keeping a random prefix of unsynced bytes, which makes torn
// records — and kills the file system until reboot(), as a crashed machine would.
// Faults on demand: ENOSPC (appends write half then fail) or EROFS (every mutation fails).
// Thread-safe (one mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>

#include "audit/file_system.h"

namespace concord::audit {

class SimulatedFileSystem final : public FileSystem {
 public:
  enum class Fault { kNone, kNoSpace, kReadOnly };

  Result<std::unique_ptr<WritableFile>> openAppend(const std::string& path, int mode) override;
  Result<std::string> readFile(const std::string& path) override;
  Result<uint64_t> fileSize(const std::string& path) override;
  bool exists(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status truncate(const std::string& path, uint64_t size) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status createDir(const std::string& dir) override;
  Status syncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;

  void setFault(Fault f);
  // Reverts to the durable state; with `torn`, keeps a random prefix of each file's unsynced
  // bytes. Every later call fails (EIO) until reboot().
  void powerLoss(bool torn = false, uint32_t seed = 1);
  void reboot();

  // Test helpers: direct access to a file's current bytes (for tampering).
  std::string contentsForTest(const std::string& path);
  void setContentsForTest(const std::string& path, std::string data);  // durable at once
  uint64_t syncCountForTest() const;

 private:
  struct Inode {
    std::string data;
    std::string synced;
  };
  friend class SimFile;
  friend class SimLock;
  Status check(bool mutation) const;  // caller holds mu_
  Status appendTo(const std::shared_ptr<Inode>& ino, uint64_t generation, std::string_view data);
  Status syncInode(const std::shared_ptr<Inode>& ino, uint64_t generation);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Inode>> live_;
  std::map<std::string, std::shared_ptr<Inode>> durable_;
  std::set<std::string> dirs_;
  std::set<std::string> locks_;
  Fault fault_ = Fault::kNone;
  bool dead_ = false;
  uint64_t generation_ = 0;
  uint64_t syncs_ = 0;
};

}  // namespace concord::audit
