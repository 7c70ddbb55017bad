// AnswerScanner and scanAnswer; see answer_scanner.h.
#include "detect/answer_scanner.h"

#include <algorithm>

#include "common/glob.h"

namespace concord::detect {

bool kindMatchesGlob(std::string_view glob, std::string_view kind) { return globMatch(glob, kind); }

namespace {

bool wanted(const AnswerRedaction& r, const Finding& f) {
  if (isInjectionKind(f.kind)) return false;
  for (const auto& glob : r.kinds)
    if (kindMatchesGlob(glob, f.kind)) return true;
  return false;
}

std::string replacement(const Finding& f, std::string_view value, RedactionMode mode) {
  if (mode == RedactionMode::kMask) return maskValue(value);
  return std::string("[").append(redactionLabel(f.kind)).append("]");
}

// Appends text[from, to) (offsets relative to `base`) to `out` with the findings in `f` (sorted
// by begin) replaced. A finding that starts before `from` (its head already released) has its
// remaining bytes replaced; overlapping findings merge into the first. Returns the number of
// replacements made.
size_t splice(std::string_view text, uint64_t base, uint64_t from, uint64_t to, const std::vector<Finding>& f,
              RedactionMode mode, std::string& out) {
  size_t n = 0;
  uint64_t pos = from;
  for (const Finding& x : f) {
    uint64_t b = std::max<uint64_t>(x.begin, pos), e = std::min<uint64_t>(x.end, to);
    if (e <= b) continue;
    out.append(text.substr(pos - base, b - pos));
    if (b == x.begin) {
      out += replacement(x, text.substr(b - base, x.end - b), mode);
      ++n;
    } else if (b > pos || pos == from) {
      out += replacement(x, text.substr(b - base, e - b), mode);  // tail of a finding cut earlier
      ++n;
    }
    pos = e;
  }
  out.append(text.substr(pos - base, to - pos));
  return n;
}

}  // namespace

AnswerScanner::AnswerScanner(std::shared_ptr<const Scanner> scanner, ScanScratch& scratch, AnswerRedaction redaction)
    : stream_(std::move(scanner), scratch, redaction.holdBack), redaction_(std::move(redaction)) {}

bool AnswerScanner::redactable(const Finding& f) const { return wanted(redaction_, f); }

Result<std::string> AnswerScanner::feed(std::string_view delta) {
  if (!failed_.ok()) return failed_.error();
  if (finished_) return makeError("detect.answer", "feed after finish");
  std::vector<Finding> found;
  Status st = stream_.feed(delta, found);
  if (!st.ok()) {
    failed_ = st;
    return st.error();
  }
  held_.append(delta);
  for (const Finding& f : found) {
    findings_.push_back(f);
    if (redactable(f)) toRedact_.push_back(f);
  }
  return release(stream_.safeOffset());
}

Result<std::string> AnswerScanner::finish() {
  if (!failed_.ok()) return failed_.error();
  if (finished_) return std::string();
  std::vector<Finding> found;
  Status st = stream_.finish(found);
  if (!st.ok()) {
    failed_ = st;
    return st.error();
  }
  finished_ = true;
  for (const Finding& f : found) {
    findings_.push_back(f);
    if (redactable(f)) toRedact_.push_back(f);
  }
  return release(released_ + held_.size());
}

Result<std::string> AnswerScanner::release(uint64_t upTo) {
  std::sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::sort(toRedact_.begin(), toRedact_.end(), [](const Finding& a, const Finding& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  // Never cut a value in two: a redactable finding across the release point is released whole
  // (all its bytes are already here, since findings only cover text that was fed).
  uint64_t end = released_ + held_.size();
  for (const Finding& f : toRedact_)
    if (f.begin < upTo && f.end > upTo) upTo = std::min<uint64_t>(f.end, end);
  if (upTo <= released_) return std::string();
  std::string out;
  out.reserve(upTo - released_ + 16);
  redacted_ += splice(held_, released_, released_, upTo, toRedact_, redaction_.mode, out);
  held_.erase(0, upTo - released_);
  released_ = upTo;
  std::erase_if(toRedact_, [&](const Finding& f) { return f.end <= released_; });
  return out;
}

Result<ScannedAnswer> scanAnswer(const Scanner& scanner, ScanScratch& scratch, std::string_view text,
                                 const AnswerRedaction& redaction) {
  ScannedAnswer r;
  Status st = scanner.scan(text, scratch, r.findings);
  if (!st.ok()) return st.error();
  std::vector<Finding> redact;
  for (const Finding& f : r.findings)
    if (wanted(redaction, f)) redact.push_back(f);
  std::sort(redact.begin(), redact.end(), [](const Finding& a, const Finding& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  r.text.reserve(text.size());
  splice(text, 0, 0, text.size(), redact, redaction.mode, r.text);
  return r;
}

}  // namespace concord::detect
