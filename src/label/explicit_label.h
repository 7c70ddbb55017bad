// Explicit (human-visible) labels spliced into non-streaming OpenAI answers.
// Implements the text placement of CN-LBL-4 (GB 45438: a notice at the start or end of the
// text), EU-AIA-50.1/50.5 (disclosure at the first interaction) and KR-AIBA-31.2. The policy
// engine chooses the rule and the text in the user's language; this file only places it.
// The body is edited in place by byte splicing: everything but the edited strings is kept
// byte for byte, so the result is valid JSON whenever the input was. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "label/text_normalizer.h"

namespace concord::label {

enum class Endpoint { kChatCompletions, kCompletions, kResponses };
enum class Placement { kStart, kEnd, kFirstTurn };

// Between the label and the answer text. Part of the visible output; the provenance hash
// normalisation removes it again (docs/provenance-format.md §3).
inline constexpr std::string_view kLabelSeparator = "\n\n";

// first_turn is met only when the conversation holds exactly one user message.
bool placementApplies(Placement placement, int user_message_count);

// Parses "start" | "end" | "first_turn"; false for anything else.
bool parsePlacement(std::string_view s, Placement& out);

struct LabeledBody {
  std::string body;         // the edited JSON (unchanged if no text slot was found)
  std::string answer_text;  // the answer text as it was before labelling (for the manifest)
  int labeled_slots = 0;    // how many strings received the label
  // Where attachProvenance(LabeledBody) splices, so it need not parse the body again.
  size_t root_close = 0;                    // offset of the top-level closing brace
  size_t concord_open = std::string::npos;  // just after '{' of a top-level "concord" object
  bool concord_empty = true;
  bool concord_has_provenance = false;
  bool concord_not_object = false;
};

// Labels every answer text slot of the body:
//   chat:       choices[*].message.content (string; null content, e.g. tool calls, is skipped)
//   completions: choices[*].text
//   responses:  output[type=message].content[type=output_text].text, the first for start,
//               the last for end (one answer spread over several parts gets one label).
// answer_text joins the slots' original texts with "\n\n" (choice order).
// With Placement::kFirstTurn and user_message_count != 1 the body is returned unchanged.
// Errors: "label.bad_json" when the body is not JSON or not an object.
Result<LabeledBody> labelResponse(std::string_view response_json, Endpoint endpoint,
                                  Placement placement, std::string_view text,
                                  int user_message_count = 1);

// Several labels in one pass (e.g. the CN and the EU notice on one answer). Placements are
// LabelApplied::placement names; first_turn labels are dropped unless user_message_count is 1;
// empty texts (a waived visible label) are skipped. Start labels stack in front in reverse
// order (the last one ends up first), end labels follow in order: the same text as
// composeLabeledText(answer, labels), so the manifest hash matches.
Result<LabeledBody> labelResponse(std::string_view response_json, Endpoint endpoint,
                                  const std::vector<LabelApplied>& labels,
                                  int user_message_count = 1);

// The labels that apply to this turn (first_turn ones only when user_message_count == 1):
// what goes into the manifest.
std::vector<LabelApplied> appliedLabels(const std::vector<LabelApplied>& labels,
                                        int user_message_count);

// The text placed before the answer (start labels, each followed by the separator) and after
// it (end labels, each preceded by the separator).
struct LabelTexts {
  std::string start;
  std::string end;
};
LabelTexts labelTexts(const std::vector<LabelApplied>& labels);

// Shape the gateway asked for: the edited body only.
Result<std::string> applyExplicitLabel(std::string_view response_json, Endpoint endpoint,
                                       Placement placement, std::string_view text,
                                       int user_message_count = 1);

// The answer text of a body without labelling it (same slots and joining as labelResponse).
Result<std::string> extractAnswerText(std::string_view response_json, Endpoint endpoint);

// Adds `"concord":{"provenance":<provenance_json>}` to the top-level object, or
// `"provenance":...` inside an existing top-level "concord" object (replacing none: if a
// provenance member exists already the body is returned with an error).
Result<std::string> attachProvenance(std::string_view response_json,
                                     std::string_view provenance_json);
// The same on a labelResponse result, without parsing the body again (the hot path).
Result<std::string> attachProvenance(const LabeledBody& labeled, std::string_view provenance_json);

}  // namespace concord::label
