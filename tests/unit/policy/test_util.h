// Inline vocabulary and helpers shared by the policy unit tests.
#pragma once

#include <string>
#include <vector>

#include "policy/program.h"

namespace concord::policy::testing {

inline const char* kVocab = R"YAML(
concepts:
  label.explicit:
    terms: { EU: "transparency (Art. 50)", CN: "显式标识", US-CA: "manifest disclosure" }
    parameters:
      placement: { type: enum, values: [first_turn, start, end], merge: first }
      text: { type: text_map, merge: union }
      waivable: { type: bool, merge: all_false }
  logging.retention_min:
    terms: { EU: ">= 6 months", CN: ">= 6 months" }
    parameters:
      retention_min_days: { type: number, merge: max }
      retention_max_days: { type: number, merge: min_nonzero }
  incident.serious:
    parameters: { within_hours: { type: number, merge: min } }
  frontier_compute:
    parameters: { threshold_flop: { type: number, merge: min } }
  transfer.cross_border: {}
  risk_class.prohibited: {}
  data.minimisation: {}
  oversight.human: {}
  procurement.neutrality:
    parameters: { content_policy: { type: string, merge: equal } }
facts:
  principal.tenant:        { type: string }
  principal.jurisdictions: { type: set<string> }
  principal.public_body:   { type: bool }
  deployment.use_case:     { type: set<string> }
  deployment.user_facing:  { type: bool }
  request.endpoint:        { type: enum, values: [chat.completions, completions, embeddings, responses, models] }
  request.model:           { type: string }
  request.findings:        { type: findings }
  request.stream:          { type: bool }
  answer.tool_calls:       { type: tool_calls }
  route.region:            { type: string }
  route.model_origin:      { type: string }
  system.training_flop:    { type: number }
  system.markets:          { type: set<string> }
  date:                    { type: date }
tensions:
  - { id: T5, concept: logging.retention_min, jurisdictions: [EU, CN, US-CO], irreconcilable: false, title: "retention" }
  - { id: T9, concept: procurement.neutrality, jurisdictions: [CN, US, EU], irreconcilable: true, irreconcilable_between: [CN, US], title: "values vs neutrality" }
)YAML";

inline LoadOptions inlineOptions(std::vector<std::string> packs) {
  LoadOptions o;
  o.vocabulary_path = "vocabulary.yaml";
  o.vocabulary_text = kVocab;
  int i = 0;
  for (auto& p : packs) o.pack_texts.emplace_back("pack" + std::to_string(i++) + ".yaml", std::move(p));
  return o;
}

}  // namespace concord::policy::testing
