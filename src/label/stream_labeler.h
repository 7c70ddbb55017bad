// StreamLabeler: explicit labels and the provenance chunk for an SSE answer, one event at a
// time, without buffering the answer. The gateway feeds it the `data:` payload (JSON text) of
// every upstream event except `[DONE]`, writes `before`, then the upstream event, then
// `after`; at the end it writes finish(...) and then `data: [DONE]`.
//   start / first_turn: a chunk carrying the label(s) goes before the first non-empty content
//   delta of each choice; end: after the last content delta (before the chunk that carries the
//   finish_reason, or at finish() if the upstream never sent one). Several labels stack as in
//   labelResponse, one inserted chunk per side.
// Inserted chunks copy the stream's id, object, created, model and system_fingerprint, so the
// official clients accumulate them like any other delta. Chat (chat.completion.chunk) and
// legacy completions (text_completion) streams are handled; other event shapes (e.g.
// /v1/responses events) pass through unlabelled. It never fails a stream: an event it cannot
// parse is passed through and counted in unparsed().
// One instance per stream; one thread at a time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "label/explicit_label.h"

namespace concord::label {

struct StreamEvents {
  std::string before;  // complete SSE events ("data: ...\n\n"), possibly empty
  std::string after;
};

class StreamLabeler {
 public:
  // An empty `text` means "no visible label" (provenance only).
  StreamLabeler(Endpoint endpoint, Placement placement, std::string text,
                int user_message_count = 1);
  // Several labels (placements by name, as in labelResponse): start labels go in one chunk
  // before the first content, end labels in one chunk after the last.
  StreamLabeler(Endpoint endpoint, const std::vector<LabelApplied>& labels,
                int user_message_count = 1);

  StreamEvents feed(std::string_view event_data);

  // Events to write before `data: [DONE]`: labels still owed (end placement) and, when
  // `provenance_json` is non-empty, a final chunk with "choices":[] and
  // "concord":{"provenance":<provenance_json>}.
  std::string finish(std::string_view provenance_json = {});

  // The decoded content of choice 0 as the upstream sent it (without labels): the input of
  // the provenance hash.
  const std::string& answerText() const { return answer_; }
  int labelsEmitted() const { return labels_emitted_; }
  int unparsed() const { return unparsed_; }

 private:
  struct Choice {
    bool content_seen = false;
    bool start_done = false;
    bool end_done = false;
    bool role_seen = false;
  };
  static constexpr int kMaxChoices = 16;

  std::string labelEvent(int index, bool with_role, const std::string& content) const;
  std::string header() const;  // `data: {"id":...,"model":...,` up to "choices"
  Choice* choice(int index);

  Endpoint endpoint_;
  std::string start_text_;  // with its trailing separator; empty = no start label
  std::string end_text_;    // with its leading separator; empty = no end label
  std::string id_, object_, created_, model_, fingerprint_;  // raw JSON values
  bool meta_seen_ = false;
  std::vector<Choice> choices_;
  std::string answer_;
  int labels_emitted_ = 0;
  int unparsed_ = 0;
};

}  // namespace concord::label
