// ResponsesStreamLabeler: explicit labels and provenance for a /v1/responses SSE stream, one
// event at a time, without buffering the answer. The Responses API streams typed events and
// repeats the whole text in its closing events, so labels are placed twice over:
//   - as extra `response.output_text.delta` events (same item_id, output_index,
//     content_index): the start label before the first non-empty delta, the end label before
//     the first `response.output_text.done` (an answer in several text parts gets the end label
//     after its first part; the non-streaming body puts it after its last);
//   - in the full texts of `response.output_text.done`, `response.content_part.done`,
//     `response.output_item.done` and the terminal `response.completed` (or .incomplete /
//     .failed), which are rewritten so that every view a client keeps (deltas summed, the done
//     events, the final Response) holds the same labelled text.
// The signed provenance goes into the terminal event's `response` object as
// `"concord":{"provenance":...}`, where a non-streaming /v1/responses body has it, so the
// official client's finalResponse() carries it. No `[DONE]` and no event of a type the client
// does not know (its stream helper rejects unknown types).
// The caller writes, for each upstream event: `before`, then `replacement` if non-empty (else
// the upstream event as it came). At the terminal event (isTerminal), seal the provenance
// from answerText() first and pass its JSON to feed(). One instance per stream; one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "label/explicit_label.h"

namespace concord::label {

struct ResponsesStreamEvents {
  std::string before;       // complete SSE events ("event: ...\ndata: ...\n\n"), possibly empty
  std::string replacement;  // non-empty: a complete SSE event to write instead of the upstream's
};

class ResponsesStreamLabeler {
 public:
  // Labels by placement name as in labelResponse; empty texts (waived) are skipped.
  explicit ResponsesStreamLabeler(const std::vector<LabelApplied>& labels, int user_message_count = 1);

  // `data`: one event's payload (JSON). `provenance_json` is used on the terminal event only.
  ResponsesStreamEvents feed(std::string_view data, std::string_view provenance_json = {});

  // response.completed, response.incomplete or response.failed: nothing follows it.
  static bool isTerminal(std::string_view data);

  // The upstream's answer text without labels (the output_text parts joined by "\n\n", as
  // extractAnswerText reads a non-streaming body): the input of the provenance hash.
  const std::string& answerText() const { return answer_; }
  int labelsEmitted() const { return labels_emitted_; }
  int unparsed() const { return unparsed_; }

 private:
  struct PartRef {
    int output = -1, content = -1;
    bool is(int o, int c) const { return output == o && content == c; }
  };
  std::string labelled(int o, int c, std::string text) const;
  std::string deltaEvent(std::string_view item_id_raw, int o, int c, const std::string& text,
                         std::string_view sequence_raw) const;

  std::string start_text_, end_text_;  // with their separators; empty = none
  PartRef start_, end_;                // the parts that carry them
  bool start_done_ = false, end_done_ = false;
  std::string answer_;
  int text_parts_ = 0;
  int labels_emitted_ = 0;
  int unparsed_ = 0;
};

}  // namespace concord::label
