// StreamScanner: scans a streamed answer chunk by chunk with Hyperscan's stream mode, so a
// match split across chunks (SSE events) is still found. It keeps a bounded window of recent
// text (kWindow bytes) to validate candidates and locate their starts, and tells the caller how
// far text is safe to release (safeOffset): everything before it has been fully judged, so a
// caller that holds back the rest can still redact a match split across chunks without
// buffering the whole answer.
//
// Ownership/threads: one StreamScanner per stream, used by one coroutine at a time; it
// borrows the caller's ScanScratch (per thread) and keeps the Scanner alive.
// Limits: a match longer than the hold-back can start before safeOffset (it is still reported,
// but the bytes before safeOffset may already be gone); no normalisation/decoding on streams.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "detect/scanner.h"

namespace concord::detect {

class StreamScanner {
 public:
  static constexpr size_t kWindow = 4096;
  static constexpr uint32_t kLag = 32;  // bytes after a match end before it is judged final

  StreamScanner(std::shared_ptr<const Scanner> scanner, ScanScratch& scratch, uint32_t holdBack = 256);
  ~StreamScanner();
  StreamScanner(const StreamScanner&) = delete;
  StreamScanner& operator=(const StreamScanner&) = delete;

  // Scans `chunk`; appends final findings (offsets from the start of the stream) to `out`.
  Status feed(std::string_view chunk, std::vector<Finding>& out);
  // Ends the stream; appends the remaining findings.
  Status finish(std::vector<Finding>& out);
  // Bytes [0, safeOffset) are judged: no finding reported later starts before this offset
  // (for matches that start at most holdBack bytes before their first possible end). It stays
  // holdBack bytes behind the end of the text and behind every match still being judged.
  uint64_t safeOffset() const;
  uint64_t total() const { return total_; }

 private:
  Status judge(uint64_t upTo, std::vector<Finding>& out);

  std::shared_ptr<const Scanner> scanner_;
  ScanScratch& scratch_;
  uint32_t holdBack_;
  hs_stream_t* stream_ = nullptr;
  Status openStatus_;
  std::string window_;       // the last bytes of the stream
  uint64_t windowStart_ = 0;  // stream offset of window_[0]
  uint64_t total_ = 0;
  bool finished_ = false;
  std::vector<RawMatch> pending_;  // end-only matches, `to` relative to stream start (32-bit)
  std::vector<Finding> emitted_;   // recent findings, to drop duplicates from window rescans
};

}  // namespace concord::detect
