// StreamEdit: what Concord does to each event of a streamed answer on its way to the client, in
// this order: the detectors' scan (a secret split across events is replaced whole; a bounded
// tail is held back), the restore of the user's own values behind pseudonyms, the labels (extra
// events before and after, rewritten closing events) and, once the first tool-call delta shows
// up, holding the rest back until the policy or a person has decided on the calls.
// The exchange keeps the steps that wait (the labels' signed provenance, a person's decision)
// and what the failures mean; this class only edits bytes. One per streamed exchange, on its
// worker thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "proxy/answer_scan.h"
#include "proxy/redaction_apply.h"
#include "proxy/steps.h"
#include "proxy/tool_calls.h"

namespace concord::proxy {

class StreamEdit {
 public:
  // Any part may be null; `labeller` is borrowed and must outlive this.
  StreamEdit(std::unique_ptr<AnswerScan> scan, std::unique_ptr<StreamRestorer> restorer, StreamLabel* labeller,
             std::unique_ptr<ToolCallCollector> tools);

  // False when no step edits anything: events can then be relayed as they came.
  bool active() const { return scan_ || restorer_ || labeller_ || tools_; }

  // One complete upstream event (not [DONE]): what to send goes to `out`, or to the held-back
  // tool calls once they started. An error: the scan failed and nothing was written; the caller
  // either stops or drops the scan (dropScan) and passes the event again.
  Status event(std::string_view raw, std::string_view data, std::string& out);
  void dropScan() { scan_.reset(); }

  // At the end of the answer: the scan's and the restorer's held-back text, as events.
  Status flushTails(std::string& out);

  // Events Concord writes itself (a refusal), restored and labelled like the upstream's.
  void append(std::string_view events, std::string& out);

  // Tool calls: true from the first tool-call delta on; take the held events to deliver them.
  bool holding() const { return holding_; }
  const ToolCallCollector* tools() const { return tools_.get(); }
  std::string takeHeld();

  const AnswerScan* scan() const { return scan_.get(); }

 private:
  std::unique_ptr<AnswerScan> scan_;
  std::unique_ptr<StreamRestorer> restorer_;
  StreamLabel* labeller_;
  std::unique_ptr<ToolCallCollector> tools_;
  bool holding_ = false;
  std::string held_;
  std::string before_, after_, scanned_, restored_, rewritten_;  // reused per event
};

// `raw` (one complete SSE event) with its data replaced; an `event:` line is kept.
std::string withData(std::string_view raw, std::string_view data);

}  // namespace concord::proxy
