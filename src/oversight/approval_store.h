// ApprovalStore: where approval records live, apart from the queue's logic (callbacks, expiry,
// single use), so that a shared store (PostgreSQL, for several gateways) can replace the
// embedded SQLite one later without touching ApprovalQueue. The queue calls every method under
// its own mutex, so an implementation need not be thread-safe itself.
//
// SqliteApprovalStore keeps its table `oversight_approvals` in any SQLite file (it may share
// the key store's file: it creates its table with IF NOT EXISTS and leaves PRAGMA user_version,
// which the key store's migrations own, alone).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "oversight/approval.h"
#include "store/sqlite_db.h"

namespace concord::oversight {

class ApprovalStore {
 public:
  virtual ~ApprovalStore() = default;
  virtual Status insert(const ApprovalRecord& r) = 0;
  // Moves a record from state `from` to the record's state (with approver, reason, times).
  // Returns false (not an error) when the stored state was no longer `from`: another instance
  // sharing the store won the race.
  virtual Result<bool> transition(const ApprovalRecord& r, ApprovalState from) = 0;
  virtual Result<std::vector<ApprovalRecord>> loadPending() = 0;
  virtual Result<std::vector<ApprovalRecord>> loadRecent(size_t limit) = 0;  // newest first
  virtual Result<ApprovalRecord> load(const std::string& id) = 0;  // "oversight.not_found"
};

class SqliteApprovalStore final : public ApprovalStore {
 public:
  static Result<std::unique_ptr<SqliteApprovalStore>> open(const std::string& db_path);

  Status insert(const ApprovalRecord& r) override;
  Result<bool> transition(const ApprovalRecord& r, ApprovalState from) override;
  Result<std::vector<ApprovalRecord>> loadPending() override;
  Result<std::vector<ApprovalRecord>> loadRecent(size_t limit) override;
  Result<ApprovalRecord> load(const std::string& id) override;

 private:
  explicit SqliteApprovalStore(std::unique_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
  Result<std::vector<ApprovalRecord>> select(const std::string& where_and_order, const std::string& arg,
                                             int64_t limit);
  std::unique_ptr<store::SqliteDb> db_;
};

}  // namespace concord::oversight
