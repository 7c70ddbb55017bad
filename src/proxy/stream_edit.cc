#include "proxy/stream_edit.h"

#include "api/sse.h"

namespace concord::proxy {

std::string withData(std::string_view raw, std::string_view data) {
  const size_t at = raw.starts_with("data:") ? 0 : raw.find("\ndata:");
  std::string out(raw.substr(0, at == std::string_view::npos || at == 0 ? 0 : at + 1));
  out += "data: ";
  out += data;
  out += "\n\n";
  return out;
}

namespace {

// The data inside an event built by withData (it ends with the data and a blank line).
std::string_view dataOf(const std::string& event, size_t size) {
  return std::string_view(event).substr(event.size() - 2 - size, size);
}

}  // namespace

StreamEdit::StreamEdit(std::unique_ptr<AnswerScan> scan, std::unique_ptr<StreamRestorer> restorer,
                       StreamLabel* labeller, std::unique_ptr<ToolCallCollector> tools)
    : scan_(std::move(scan)), restorer_(std::move(restorer)), labeller_(labeller), tools_(std::move(tools)) {}

Status StreamEdit::event(std::string_view raw, std::string_view data, std::string& out) {
  before_.clear();
  after_.clear();
  if (!data.empty()) {
    if (scan_) {
      auto clean = scan_->event(data);
      if (!clean) return clean.error();
      if (clean.value() != data) {
        scanned_ = withData(raw, clean.value());
        raw = scanned_;
        data = dataOf(scanned_, clean.value().size());
      }
    }
    if (restorer_) {
      const std::string changed = restorer_->event(data);
      if (changed != data) {
        restored_ = withData(raw, changed);
        raw = restored_;
        data = dataOf(restored_, changed.size());
      }
    }
    if (labeller_) {
      labeller_->event(data, before_, after_);
      if (labeller_->rewrite(data, rewritten_)) raw = rewritten_;
    }
    if (tools_ && tools_->event(data)) holding_ = true;
  }
  std::string& sink = holding_ ? held_ : out;
  sink += before_;
  sink += raw;
  sink += after_;
  return Status();
}

Status StreamEdit::flushTails(std::string& out) {
  if (scan_) {
    auto rest = scan_->finish();
    if (!rest) return rest.error();
    append(rest.value(), out);
  }
  if (restorer_) out += restorer_->finish();  // a token held back at the very end
  return Status();
}

void StreamEdit::append(std::string_view events, std::string& out) {
  for (size_t at = 0; at < events.size();) {
    const auto event = api::nextEvent(events, at);
    std::string_view raw = event.raw, data = event.data;
    if (restorer_ && !data.empty()) {
      const std::string changed = restorer_->event(data);
      if (changed != data) {
        restored_ = withData(raw, changed);
        raw = restored_;
        data = dataOf(restored_, changed.size());
      }
    }
    before_.clear();
    after_.clear();
    if (labeller_ && !data.empty()) labeller_->event(data, before_, after_);
    out += before_;
    out += raw;
    out += after_;
  }
}

std::string StreamEdit::takeHeld() {
  holding_ = false;
  return std::exchange(held_, std::string());
}

}  // namespace concord::proxy
