// AuditIndex: the SQLite index behind `audit query` (docs/audit-format.md, section 7). Derived
// data, never evidence: update() adds the records above the highest indexed seq, drops rows of
// pruned segments, and rebuilds from the segments when the file is missing or unreadable.
// One instance per thread (it owns a sqlite3 connection).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audit/file_system.h"
#include "audit/record_filter.h"
#include "common/result.h"

struct sqlite3;

namespace concord::audit {

struct IndexedRecord {
  uint64_t seq = 0;
  uint64_t segment = 0;
  uint64_t offset = 0;
  int64_t ts = 0;
  std::string type, tenant, action, exchange_id, model;
  int status = 0;
};

class AuditIndex {
 public:
  // `path` is a real file (SQLite does its own I/O), normally DIR/index.sqlite.
  static Result<std::unique_ptr<AuditIndex>> open(const std::string& path);
  ~AuditIndex();
  // Brings the index up to date with the segments in `dir`. Returns records added.
  Result<size_t> update(FileSystem& fs, const std::string& dir);
  Result<std::vector<IndexedRecord>> query(const RecordFilter& filter);
  bool rebuiltForTest() const { return rebuilt_; }

 private:
  explicit AuditIndex(sqlite3* db) : db_(db) {}
  Status exec(const char* sql);
  sqlite3* db_;
  bool rebuilt_ = false;
};

}  // namespace concord::audit
