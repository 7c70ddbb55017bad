// JsonlAudit: the first audit step — one JSON line per exchange appended to
// <dir>/exchanges-YYYY-MM-DD.jsonl by a writer thread (off the request path, bounded queue,
// flushed per batch). The tamper-evident log (src/audit) supersedes it; the record type is
// shared. record() is thread-safe and never blocks.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "proxy/steps.h"

namespace concord::proxy {

std::string recordToJson(const ExchangeRecord& record);

class JsonlAudit final : public AuditStep {
 public:
  static Result<std::shared_ptr<JsonlAudit>> open(const std::string& dir, size_t max_queue = 65536);
  ~JsonlAudit() override;

  bool record(ExchangeRecord&& record) override;
  bool healthy() const override;
  // Blocks until everything queued so far is written (tests, shutdown).
  void flush();

 private:
  explicit JsonlAudit(std::string dir, size_t max_queue);
  void writerLoop();

  std::string dir_;
  size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<std::string> queue_;
  size_t writing_ = 0;
  bool stop_ = false;
  bool healthy_ = true;
  std::thread writer_;
};

}  // namespace concord::proxy
