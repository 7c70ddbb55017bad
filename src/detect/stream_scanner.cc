// StreamScanner; see stream_scanner.h.
#include "detect/stream_scanner.h"

#include <algorithm>

namespace concord::detect {
namespace {

struct StreamCtx {
  std::vector<RawMatch>* pending;
  const Scanner* scanner;
};

int onStreamMatch(unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) {
  auto* c = static_cast<StreamCtx*>(p);
  if (c->pending->size() < 65536) c->pending->push_back({id, 0, static_cast<uint32_t>(to)});
  return 0;
}

}  // namespace

StreamScanner::StreamScanner(std::shared_ptr<const Scanner> scanner, ScanScratch& scratch, uint32_t holdBack)
    : scanner_(std::move(scanner)), scratch_(scratch), holdBack_(holdBack) {
  openStatus_ = scanner_->prepareScratch(scratch_, scanner_->streamDatabase());
  if (openStatus_.ok() && hs_open_stream(scanner_->streamDatabase(), 0, &stream_) != HS_SUCCESS)
    openStatus_ = makeError("detect.stream", "cannot open Hyperscan stream");
}

StreamScanner::~StreamScanner() {
  if (stream_) hs_close_stream(stream_, scratch_.hs_, nullptr, nullptr);
}

Status StreamScanner::feed(std::string_view chunk, std::vector<Finding>& out) {
  if (!openStatus_.ok()) return openStatus_;
  if (finished_) return makeError("detect.stream", "feed after finish");
  window_.append(chunk);
  StreamCtx ctx{&pending_, scanner_.get()};
  if (hs_scan_stream(stream_, chunk.data(), static_cast<unsigned>(chunk.size()), 0, scratch_.hs_, onStreamMatch,
                     &ctx) != HS_SUCCESS)
    return makeError("detect.stream", "Hyperscan stream scan failed");
  total_ += chunk.size();
  Status st = judge(total_ > kLag ? total_ - kLag : 0, out);
  if (window_.size() > kWindow) {  // keep a bounded window of recent text
    size_t drop = window_.size() - kWindow;
    window_.erase(0, drop);
    windowStart_ += drop;
  }
  return st;
}

Status StreamScanner::finish(std::vector<Finding>& out) {
  if (!openStatus_.ok()) return openStatus_;
  if (finished_) return {};
  StreamCtx ctx{&pending_, scanner_.get()};
  hs_close_stream(stream_, scratch_.hs_, onStreamMatch, &ctx);
  stream_ = nullptr;
  finished_ = true;
  return judge(total_, out);
}

Status StreamScanner::judge(uint64_t upTo, std::vector<Finding>& out) {
  std::vector<RawMatch> ready;
  auto split = std::stable_partition(pending_.begin(), pending_.end(), [&](const RawMatch& m) { return m.to > upTo; });
  for (auto it = split; it != pending_.end(); ++it) {
    if (it->to <= windowStart_) continue;  // fell out of the window: cannot be validated
    ready.push_back({it->id, 0, static_cast<uint32_t>(it->to - windowStart_)});
  }
  pending_.erase(split, pending_.end());
  if (ready.empty()) return {};
  std::vector<Finding> found;
  Status st = scanner_->validate(window_, scratch_, ready, found);
  if (!st.ok()) return st;
  scanner_->finish(found);
  for (Finding f : found) {
    f.begin += static_cast<uint32_t>(windowStart_);
    f.end += static_cast<uint32_t>(windowStart_);
    bool dup = false;
    for (const Finding& e : emitted_)
      dup |= (e.kind == f.kind && e.begin < f.end && f.begin < e.end);
    if (dup) continue;
    emitted_.push_back(f);
    out.push_back(f);
  }
  std::erase_if(emitted_, [&](const Finding& e) { return e.end + kWindow < total_; });
  return {};
}

}  // namespace concord::detect
