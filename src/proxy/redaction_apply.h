// Redaction on the request path (DESIGN.md step 6, "redactions are spliced into the body"):
// the findings the policy says to redact are replaced in their text segments, and each changed
// segment is re-escaped and spliced back over its JSON string token, so the upstream never sees
// the value. In pseudonym mode the exchange keeps the vault and restores the values in the
// answer — whole (restoreInJson) or streamed (StreamRestorer, which holds back a token split
// across events). Per exchange; single thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/request_view.h"
#include "detect/redaction.h"
#include "proxy/steps.h"

namespace concord::proxy {

struct RedactionOutcome {
  size_t redacted = 0;                            // findings replaced
  std::vector<std::string> rule_ids;              // rules that caused a replacement
  std::unique_ptr<detect::PseudonymVault> vault;  // set when pseudonyms were used
};

// Rewrites `body` (the exact bytes `view` was parsed from).
RedactionOutcome applyRedactions(const std::vector<RedactionPlan>& plans, const api::RequestView& view,
                                 const std::vector<FindingRef>& findings, const std::string& tenant,
                                 std::string& body);

// Replaces pseudonym tokens inside a JSON document's strings with their (escaped) values.
std::string restoreInJson(std::string_view json, const detect::PseudonymVault& vault);

// Restores pseudonyms in an SSE chat/completions stream, event by event: each event's content
// deltas go through a PseudonymRestorer (a token split across events is held back and released
// with the next event), and the event is re-serialised when its content changed.
class StreamRestorer {
 public:
  explicit StreamRestorer(const detect::PseudonymVault& vault) : vault_(vault) {}
  // Returns the event data to send instead of `data` (the same bytes when nothing changed).
  std::string event(std::string_view data);
  // Text still held at the end, as one extra event ("" if none). Call before [DONE].
  std::string finish();

 private:
  const detect::PseudonymVault& vault_;
  std::vector<std::unique_ptr<detect::PseudonymRestorer>> per_choice_;
  std::string last_header_json_;  // the last event, to copy id/model into the flush event
};

}  // namespace concord::proxy
