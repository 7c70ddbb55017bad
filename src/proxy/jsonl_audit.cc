#include "proxy/jsonl_audit.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <vector>

#include "api/errors.h"

namespace concord::proxy {

namespace {
void field(std::string& out, const char* name, std::string_view value) {
  out += '"';
  out += name;
  out += "\":\"";
  api::appendJsonEscaped(out, value);
  out += "\",";
}
void field(std::string& out, const char* name, int64_t value) {
  out += '"';
  out += name;
  out += "\":";
  out += std::to_string(value);
  out += ',';
}
}  // namespace

std::string recordToJson(const ExchangeRecord& r) {
  std::string out = "{";
  out.reserve(512);
  field(out, "id", r.exchange_id);
  field(out, "time_us", r.time_micros);
  field(out, "tenant", r.tenant);
  field(out, "key_id", r.key_id);
  field(out, "endpoint", r.endpoint);
  field(out, "model", r.model);
  field(out, "upstream", r.upstream);
  field(out, "status", r.status);
  if (!r.error_code.empty()) field(out, "error", r.error_code);
  field(out, "verdict", r.verdict);
  out += "\"rules\":[";
  for (size_t i = 0; i < r.rules.size(); ++i) {
    if (i) out += ',';
    out += '{';
    field(out, "id", r.rules[i].id);
    field(out, "cite", r.rules[i].cite);
    field(out, "action", r.rules[i].action);
    out.back() = '}';
  }
  out += "],\"findings\":[";
  for (size_t i = 0; i < r.findings.size(); ++i) {
    if (i) out += ',';
    out += '{';
    field(out, "kind", r.findings[i].kind);
    field(out, "segment", r.findings[i].segment);
    field(out, "begin", r.findings[i].begin);
    field(out, "end", r.findings[i].end);
    out += "\"score\":" + std::to_string(r.findings[i].score) + "}";
  }
  out += "],\"labels\":[";
  for (size_t i = 0; i < r.labels.size(); ++i) {
    if (i) out += ',';
    out += '"';
    api::appendJsonEscaped(out, r.labels[i]);
    out += '"';
  }
  out += "],\"usage\":{";
  field(out, "prompt_tokens", r.prompt_tokens);
  field(out, "completion_tokens", r.completion_tokens);
  field(out, "total_tokens", r.total_tokens);
  out.back() = '}';
  out += ',';
  field(out, "overhead_us", r.overhead_us);
  field(out, "total_us", r.total_us);
  field(out, "attempts", r.attempts);
  out += "\"stream\":";
  out += r.stream ? "true" : "false";
  out += "}";
  return out;
}

JsonlAudit::JsonlAudit(std::string dir, size_t max_queue)
    : dir_(std::move(dir)), max_queue_(max_queue) {}

Result<std::shared_ptr<JsonlAudit>> JsonlAudit::open(const std::string& dir, size_t max_queue) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError("audit.unwritable", "cannot create audit directory " + dir + ": " + ec.message());
  std::shared_ptr<JsonlAudit> audit(new JsonlAudit(dir, max_queue));
  audit->writer_ = std::thread([a = audit.get()] { a->writerLoop(); });
  return audit;
}

JsonlAudit::~JsonlAudit() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

bool JsonlAudit::record(ExchangeRecord&& record) {
  std::string line = recordToJson(record);
  line += '\n';
  {
    std::lock_guard lock(mutex_);
    if (!healthy_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(line));
  }
  wake_.notify_one();
  return true;
}

bool JsonlAudit::healthy() const {
  std::lock_guard lock(mutex_);
  return healthy_;
}

void JsonlAudit::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [&] { return (queue_.empty() && writing_ == 0) || !healthy_; });
}

void JsonlAudit::writerLoop() {
  std::vector<std::string> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      writing_ = batch.size();
    }
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char name[64];
    std::strftime(name, sizeof name, "/exchanges-%Y-%m-%d.jsonl", &tm);
    bool ok = false;
    if (FILE* f = std::fopen((dir_ + name).c_str(), "ab")) {
      ok = true;
      for (const auto& line : batch) ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size();
      ok = (std::fclose(f) == 0) && ok;
    }
    {
      std::lock_guard lock(mutex_);
      writing_ = 0;
      if (!ok) healthy_ = false;
    }
    drained_.notify_all();
  }
}

}  // namespace concord::proxy
