#include "proxy/scanner_detect.h"

#include "detect/language.h"

namespace concord::proxy {

Result<std::shared_ptr<ScannerDetect>> ScannerDetect::create(bool fail_open) {
  auto scanner = detect::Scanner::build(detect::ScannerOptions{});
  if (!scanner) return scanner.error();
  return std::shared_ptr<ScannerDetect>(new ScannerDetect(scanner.value(), fail_open));
}

Status ScannerDetect::detect(const StepInput& in, std::vector<FindingRef>& findings) {
  // Hyperscan scratch is per thread; workers are long-lived threads.
  thread_local detect::ScanScratch scratch;
  thread_local std::vector<detect::Finding> found;
  for (size_t i = 0; i < in.view.segments.size(); ++i) {
    found.clear();
    const auto status = scanner_->scan(in.view.segments[i].text, scratch, found);
    if (!status) {
      if (!fail_open_) return status;
      // Failing open, the segment goes on unscanned; it is marked as such so that the audit's
      // redacted mode withholds it whole instead of writing values nobody looked for.
      findings.push_back({std::string(kUnscanned), static_cast<uint32_t>(i), 0,
                          static_cast<uint32_t>(in.view.segments[i].text.size()), 0.f});
      continue;
    }
    for (const auto& f : found)
      findings.push_back({std::string(f.kind), static_cast<uint32_t>(i), f.begin, f.end, f.score});
  }
  return Status();
}

std::unique_ptr<AnswerScan> ScannerDetect::scanAnswer(api::Endpoint endpoint, const std::vector<std::string>& kinds,
                                                     std::string_view mode) {
  detect::AnswerRedaction redaction;
  redaction.kinds = kinds;
  redaction.mode = mode == "mask" ? detect::RedactionMode::kMask : detect::RedactionMode::kTag;
  return std::make_unique<AnswerScan>(scanner_, endpoint, std::move(redaction));
}

std::string ScannerDetect::language(const api::RequestView& view) {
  for (auto it = view.segments.rbegin(); it != view.segments.rend(); ++it) {
    if (it->role != api::SegmentRole::kUser) continue;
    std::string_view text = it->text;
    if (text.size() > 512) {  // cut on a character boundary
      size_t cut = 512;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut);
    }
    const auto lang = detect::detectLanguage(text);
    return lang == "und" ? std::string() : std::string(lang);
  }
  return {};
}

}  // namespace concord::proxy
