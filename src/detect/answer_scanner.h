// AnswerScanner: scans an upstream answer on its way back to the client and redacts what the
// policy asked for, for streamed answers (delta by delta, SSE) and whole ones (scanAnswer).
//
// Streaming: feed() takes the text of each delta and returns the text that is safe to release
// now, already redacted. It holds back a bounded tail (StreamScanner's hold-back, default 256
// bytes, plus any match still being judged, at most about 2 KB more) so a secret or a PII
// value split across deltas is still found and replaced whole; finish() releases the rest.
// The concatenation of everything returned equals the redacted answer.
//
// What is redacted: findings whose kind matches one of the glob patterns ("secret.*",
// "pii.email", "*"); injection findings are reported, never redacted. Modes: kTag ("[AWS_KEY]")
// or kMask ("****1234"); kPseudonym makes no sense towards the user and is treated as kTag.
// findings() lists every finding (all kinds, spans in the ORIGINAL answer text, counted from
// the first byte fed) for the decision facts and the audit record.
//
// Errors (Hyperscan stream or scratch failures) come back as Result errors so that the caller
// can fail closed (cut the stream) or open (release unscanned) as the policy says; after an
// error the scanner releases nothing more.
//
// Ownership/threads: one AnswerScanner per exchange, used by that exchange's coroutine only.
// It keeps the Scanner alive and borrows the caller's per-thread ScanScratch, which must
// outlive it and must not be used by another scan while a feed() call runs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "detect/finding.h"
#include "detect/redaction.h"
#include "detect/scanner.h"
#include "detect/stream_scanner.h"

namespace concord::detect {

struct AnswerRedaction {
  std::vector<std::string> kinds;            // glob patterns over kinds; empty: redact nothing
  RedactionMode mode = RedactionMode::kTag;  // kTag or kMask
  uint32_t holdBack = 256;                   // bytes kept back behind the newest text
};

// True when `kind` matches `glob` ('*' matches any run of characters, e.g. "secret.*").
bool kindMatchesGlob(std::string_view glob, std::string_view kind);

class AnswerScanner {
 public:
  AnswerScanner(std::shared_ptr<const Scanner> scanner, ScanScratch& scratch, AnswerRedaction redaction);
  AnswerScanner(const AnswerScanner&) = delete;
  AnswerScanner& operator=(const AnswerScanner&) = delete;

  // Scans `delta` and returns the (redacted) text that can be released now; may be empty.
  Result<std::string> feed(std::string_view delta);
  // Ends the answer and returns the rest of the text, redacted.
  Result<std::string> finish();

  // Every finding so far, sorted by begin, spans in the original answer.
  const std::vector<Finding>& findings() const { return findings_; }
  // How many findings were redacted, and the bytes currently held back.
  size_t redactedCount() const { return redacted_; }
  size_t heldBytes() const { return held_.size(); }

 private:
  Result<std::string> release(uint64_t upTo);
  bool redactable(const Finding& f) const;

  StreamScanner stream_;
  AnswerRedaction redaction_;
  std::vector<Finding> findings_;
  std::vector<Finding> toRedact_;  // redactable findings not yet fully released
  std::string held_;               // answer bytes [released_, released_ + held_.size())
  uint64_t released_ = 0;
  size_t redacted_ = 0;
  Status failed_;
  bool finished_ = false;
};

struct ScannedAnswer {
  std::string text;               // the answer with the chosen kinds redacted
  std::vector<Finding> findings;  // every finding, spans in the original text
};

// Non-streaming answers: one block scan (with normalisation and decoding, like requests) and
// the same redaction rules as AnswerScanner.
Result<ScannedAnswer> scanAnswer(const Scanner& scanner, ScanScratch& scratch, std::string_view text,
                                 const AnswerRedaction& redaction);

}  // namespace concord::detect
