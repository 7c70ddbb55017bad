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

uint64_t StreamScanner::safeOffset() const {
  if (finished_) return total_;
  // A pending match may start up to holdBack_ bytes before its first reported end.
  uint64_t limit = total_;
  for (const RawMatch& m : pending_) limit = std::min<uint64_t>(limit, m.to);
  return limit > holdBack_ ? limit - holdBack_ : 0;
}

Status StreamScanner::judge(uint64_t upTo, std::vector<Finding>& out) {
  // Hyperscan reports every end of a growing match (a token, a digit run). The ends of one
  // pattern that follow each other within kLag bytes form a chain, judged as a whole once it
  // has stopped growing for kLag bytes, so a match is never cut at a chunk boundary. A chain
  // still growing after half the window is judged anyway (bounded memory).
  std::sort(pending_.begin(), pending_.end(), [](const RawMatch& a, const RawMatch& b) {
    return a.id != b.id ? a.id < b.id : a.to < b.to;
  });
  std::vector<RawMatch> ready, keep;
  for (size_t i = 0; i < pending_.size();) {
    size_t j = i + 1;
    while (j < pending_.size() && pending_[j].id == pending_[i].id && pending_[j].to <= pending_[j - 1].to + kLag) ++j;
    uint64_t first = pending_[i].to, last = pending_[j - 1].to;
    bool done = finished_ || last <= upTo || first + kWindow / 2 < total_;
    for (size_t k = i; k < j; ++k) {
      if (!done) keep.push_back(pending_[k]);
      else if (pending_[k].to > windowStart_)  // else fell out of the window: cannot be validated
        ready.push_back({pending_[k].id, 0, static_cast<uint32_t>(pending_[k].to - windowStart_)});
    }
    i = j;
  }
  pending_.swap(keep);
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
