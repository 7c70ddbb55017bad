// FileSystem: the audit log's only way to touch storage, injected so that tests can simulate
// power loss (unsynced data dropped) and disk faults (ENOSPC, EROFS). PosixFileSystem is the
// real one. Paths are plain strings ("dir/name"). Implementations must be thread-safe: the
// writer thread and the opener may call concurrently; one WritableFile is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace concord::audit {

// An open file that only grows (or is truncated by recovery through FileSystem::truncate).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view data) = 0;
  virtual Status sync() = 0;  // data durable once this returns ok
  virtual Status close() = 0;
};

// A held exclusive lock; released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for appending, creating it (with `mode` permissions) if missing.
  virtual Result<std::unique_ptr<WritableFile>> openAppend(const std::string& path,
                                                           int mode = 0644) = 0;
  virtual Result<std::string> readFile(const std::string& path) = 0;
  virtual Result<uint64_t> fileSize(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove(const std::string& path) = 0;
  virtual Status truncate(const std::string& path, uint64_t size) = 0;
  // Names (not paths) of the entries in dir.
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;
  virtual Status createDir(const std::string& dir) = 0;  // like mkdir -p
  // Makes creations, renames and removals in dir durable.
  virtual Status syncDir(const std::string& dir) = 0;
  virtual Result<std::unique_ptr<FileLock>> lock(const std::string& path) = 0;
};

// The real thing: POSIX calls, fsync for sync, flock for lock. Stateless; any thread.
class PosixFileSystem final : public FileSystem {
 public:
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
  static PosixFileSystem& instance();
};

// Writes a whole small file durably: tmp, fsync, rename, fsync dir.
Status writeFileAtomic(FileSystem& fs, const std::string& dir, const std::string& name,
                       std::string_view data, int mode = 0644);

std::string joinPath(const std::string& dir, const std::string& name);
std::string dirName(const std::string& path);

}  // namespace concord::audit
