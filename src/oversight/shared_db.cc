#include "oversight/shared_db.h"

#include <sys/stat.h>

namespace concord::oversight {

Result<std::unique_ptr<store::SqliteDb>> openSharedDb(const std::string& path) {
  store::SqliteDb::Options options;
  struct stat st {};
  // An existing file (maybe open in this process already): let SQLite's own VFS open it; it
  // tracks descriptors per inode and never closes one under another connection's locks.
  options.create = !(path != ":memory:" && ::stat(path.c_str(), &st) == 0);
  return store::SqliteDb::open(path, options);
}

}  // namespace concord::oversight
