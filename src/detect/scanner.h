// Scanner: PII, secrets and prompt-injection detection in ONE Hyperscan database, compiled once
// and shared immutably (std::shared_ptr<const Scanner>). Validators run only on candidate hits.
// Texts with suspicious bytes (zero-width, fullwidth, homoglyphs, tags...) are also normalised
// and rescanned; base64/hex/URL-encoded spans are decoded (bounded) and rescanned. Findings
// always carry byte spans of the ORIGINAL text.
//
// Threads: a Scanner is immutable and may be used by any number of threads at once; each
// thread keeps its own ScanScratch (not shareable between concurrent scans).
#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "detect/finding.h"
#include "detect/normaliser.h"
#include "detect/patterns.h"

namespace concord::detect {

struct ScannerOptions {
  bool pii = true;
  bool secrets = true;
  bool injection = true;
  bool normalise = true;          // normalise and rescan texts that need it
  bool decode = true;             // decode base64/hex/url spans and rescan them
  float minScore = 0.5f;          // findings below this are dropped
  std::vector<std::string> kinds;  // when non-empty: report only these kinds
};

struct RawMatch {
  uint32_t id;
  uint32_t from;
  uint32_t to;
};

// Per-thread scan state: Hyperscan scratch plus reusable buffers. Cheap to keep, not to make.
class ScanScratch {
 public:
  ScanScratch() = default;
  ~ScanScratch();
  ScanScratch(const ScanScratch&) = delete;
  ScanScratch& operator=(const ScanScratch&) = delete;

 private:
  friend class Scanner;
  friend class StreamScanner;
  hs_scratch_t* hs_ = nullptr;
  std::vector<const void*> fitted_;  // databases this scratch has been sized for
  std::vector<RawMatch> matches_;
  // validate()'s working buffers, kept to avoid allocating on every scan.
  std::vector<RawMatch> located_, byId_;
  std::vector<uint32_t> ends_, counts_;
  bool suspicious_ = false;
  bool overflow_ = false;
  NormalisedText normalised_;
};

class Scanner {
 public:
  static Result<std::shared_ptr<const Scanner>> build(const ScannerOptions& options);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Appends findings for `text` to `out` (sorted by begin). Never throws; an error (scratch
  // allocation, Hyperscan failure) is returned so that the caller can fail closed.
  Status scan(std::string_view text, ScanScratch& scratch, std::vector<Finding>& out) const noexcept;

  const ScannerOptions& options() const { return options_; }
  size_t patternCount() const { return patterns_.size(); }

  // For StreamScanner: the stream-mode database over the same patterns, and validation of
  // raw matches against a window of text.
  const hs_database_t* streamDatabase() const { return stream_; }
  Status prepareScratch(ScanScratch& scratch, const hs_database_t* db) const noexcept;
  const PatternSpec& pattern(uint32_t id) const { return *patterns_[id]; }
  // Turns raw end-only matches (offsets relative to `text`) into (start, end) matches and
  // validates them into findings appended to `out`.
  Status validate(std::string_view text, ScanScratch& scratch, std::vector<RawMatch>& matches,
                  std::vector<Finding>& out) const;
  // Start of match for PII/secret patterns: rescans a bounded window before the end offsets
  // with that pattern's own start-of-match database. Appends (from, to) matches to `out`.
  Status locateStarts(std::string_view text, ScanScratch& scratch, uint32_t id, const uint32_t* ends, size_t n,
                      std::vector<RawMatch>& out) const;
  // Drops findings under the threshold / outside the kinds filter and resolves overlaps.
  void finish(std::vector<Finding>& findings) const;

 private:
  explicit Scanner(ScannerOptions options) : options_(std::move(options)) {}
  Status scanAt(std::string_view text, ScanScratch& scratch, std::vector<Finding>& out, int depth) const;
  bool kindWanted(std::string_view kind) const;

  ScannerOptions options_;
  struct Group {
    hs_database_t* db = nullptr;  // the member patterns with start-of-match
    uint32_t window = 0;          // bytes scanned on each side of a prefilter hit
  };
  std::vector<const PatternSpec*> patterns_;  // index = Hyperscan id
  std::vector<Group> groups_;                 // prefilter id = patterns_.size() + group index
  std::vector<std::string_view> kinds_;       // interned kinds filter
  std::vector<hs_database_t*> confirm_;       // per id: SOM database (PII/secrets), else null
  std::vector<uint32_t> maxWidth_;            // per id: bytes from a match's start to its first end, at most
  uint32_t plainEmail_ = UINT32_MAX;          // id of the plain e-mail pattern (no SOM, see build)
  hs_database_t* block_ = nullptr;
  hs_database_t* stream_ = nullptr;
};

// Text-level injection score from the injection findings (noisy-or of their scores), 0..1.
float injectionScore(std::span<const Finding> findings);

}  // namespace concord::detect
