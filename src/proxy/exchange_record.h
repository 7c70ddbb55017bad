// ExchangeRecord: what one exchange leaves behind for the audit trail — who, what, where,
// which decision and why, what it cost. Filled step by step by the exchange; a plain value
// handed to the audit step at the end. Holds prompt and answer text only when the policy's log
// obligation asks for content (log_content other than "none"; see proxy/audit_content.h); the
// audit writer then hashes or redacts it as the mode says, off the request path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace concord::proxy {

struct RuleRef {
  std::string id;
  std::string cite;
  std::string action;
};

struct FindingRef {
  std::string kind;
  uint32_t segment = 0;
  uint32_t begin = 0, end = 0;
  float score = 0;
};

struct ApprovalRef {
  std::string id;
  std::string approver;
  std::string outcome;  // approved | denied | expired
  int64_t at_micros = 0;
};

struct ExchangeRecord {
  std::string exchange_id;
  int64_t time_micros = 0;  // wall clock at receipt
  std::string tenant;
  std::string key_id;
  std::string endpoint;
  std::string model;
  std::string upstream;
  int status = 0;
  std::string error_code;          // empty when the exchange succeeded
  std::string verdict = "allow";   // allow | deny | hold
  std::vector<RuleRef> rules;      // every rule that contributed to the decision
  std::vector<FindingRef> findings;
  std::vector<std::string> labels; // label obligations met (rule ids)
  std::vector<ApprovalRef> approvals;
  int64_t prompt_tokens = 0, completion_tokens = 0, total_tokens = 0;
  int64_t overhead_us = 0;
  int64_t total_us = 0;
  uint32_t attempts = 0;
  bool stream = false;
  // Content (proxy/audit_content.h). Filled only when log_content is not "none".
  std::string log_content = "none";        // none | hash | redacted | full
  std::string prompt_text;                 // the request's text segments joined by kSegmentSeparator
  std::vector<uint32_t> segment_offsets;   // where each request segment starts in prompt_text
  std::string answer_text;                 // the answer's text (all choices, in order)
  std::vector<FindingRef> answer_findings; // detector findings in answer_text (segment unused)
};

}  // namespace concord::proxy
