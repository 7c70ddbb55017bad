// ScannerDetect: the detect step backed by the Hyperscan scanner (src/detect). Scans every text
// segment of the request once and reports findings (kind, span within the segment, score) —
// never the matched values. Fail mode per config: closed (a scanner error denies the exchange)
// or open (the error is counted and the exchange goes on without findings). Any thread; each
// worker thread keeps its own scratch.
#pragma once

#include <memory>

#include "common/result.h"
#include "detect/scanner.h"
#include "proxy/steps.h"

namespace concord::proxy {

// The finding kind of a segment a failing detector left unscanned (fail open only).
inline constexpr std::string_view kUnscanned = "detector.unscanned";

class ScannerDetect final : public DetectStep {
 public:
  static Result<std::shared_ptr<ScannerDetect>> create(bool fail_open);
  Status detect(const StepInput& in, std::vector<FindingRef>& findings) override;
  // CLD2 on the last user turn (its first 512 bytes: language needs little text, and CLD2 costs
  // ~35 ns a byte).
  std::string language(const api::RequestView& view) override;
  std::unique_ptr<AnswerScan> scanAnswer(api::Endpoint endpoint, const std::vector<std::string>& kinds,
                                         std::string_view mode) override;
  bool failsOpen() const override { return fail_open_; }

 private:
  ScannerDetect(std::shared_ptr<const detect::Scanner> scanner, bool fail_open)
      : scanner_(std::move(scanner)), fail_open_(fail_open) {}
  std::shared_ptr<const detect::Scanner> scanner_;
  bool fail_open_;
};

}  // namespace concord::proxy
