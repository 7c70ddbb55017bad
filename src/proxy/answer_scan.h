// AnswerScan: the detectors over an upstream answer on its way to the client (DESIGN.md step 8,
// issue #4). Whole answers have every text slot scanned and the kinds to redact replaced in
// place (the JSON stays valid); streams go through detect::AnswerScanner per choice, so a
// secret split across SSE events is still found and replaced whole, with a bounded hold-back
// (text held at the end is released as one more event before [DONE]).
//
// What is redacted: the kinds the operator names for answers (detect.answer_redact, default
// "secret.*") and the kinds the exchange's policy redacted in the request (a rule that keeps
// e-mail addresses from the upstream also keeps the model's own ones from the user). Pseudonyms
// of the user's values are restored after this scan, so they are never mistaken for leaks.
// Every finding (all kinds) is reported for the audit record, without values.
//
// Endpoints: chat completions and completions, whole and streamed (choices[].message.content,
// choices[].delta.content, choices[].text); /v1/responses whole (output[].content[].text) and
// streamed event by event (each delta and each closing text is scanned on its own: a match
// split across two response deltas is not found — a known limit). One per exchange, used on
// its worker thread only (scans use that thread's Hyperscan scratch).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/endpoint.h"
#include "common/result.h"
#include "detect/answer_scanner.h"
#include "proxy/exchange_record.h"

namespace concord::proxy {

class AnswerScan {
 public:
  AnswerScan(std::shared_ptr<const detect::Scanner> scanner, api::Endpoint endpoint,
             detect::AnswerRedaction redaction);
  ~AnswerScan();

  // A whole answer body, edited in place. An error: a detector failed (the body is unchanged).
  Status scanBody(std::string& body);
  // One SSE event's data; the data to send instead (the same bytes when nothing changed).
  Result<std::string> event(std::string_view data);
  // Text still held back at the end of a stream, as one more complete event ("" if none).
  Result<std::string> finish();

  size_t redacted() const { return redacted_; }
  // Findings so far, as audit references (segment unused; spans in the answer's text).
  void findingsInto(std::vector<FindingRef>& out) const;

 private:
  Result<std::string> redactText(std::string_view text);  // block scan of one text slot
  // A JSON string slot (null: none) redacted in place; `changed` set when it was.
  Status redactSlot(nlohmann::json* text, bool& changed);
  Result<std::string> chunkEvent(std::string_view data);  // chat / completions stream chunk
  detect::AnswerScanner& choice(size_t index);

  std::shared_ptr<const detect::Scanner> scanner_;
  api::Endpoint endpoint_;
  detect::AnswerRedaction redaction_;
  std::vector<std::unique_ptr<detect::AnswerScanner>> per_choice_;  // streams
  std::vector<detect::Finding> findings_;  // whole answers (kinds are static names)
  std::string last_event_;          // the last chunk, to copy id/model into the flush event
  size_t redacted_ = 0;
};

}  // namespace concord::proxy
