// AuditRecord: what the gateway hands to the audit log for one exchange, as plain values
// (docs/audit-format.md, section 3.1). The caller fills it on the request path and moves it
// into AuditLog::append; the writer thread serialises it (hashing or redacting content there,
// so the request path pays only for the move). Content is raw text plus a mode: the serializer
// writes raw text only in mode kFull. Plain value type; not shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concord::audit {

enum class ContentMode { kNone, kHash, kRedacted, kFull };
const char* contentModeName(ContentMode m);
bool parseContentMode(std::string_view s, ContentMode& out);

struct RuleRef {
  std::string id;        // e.g. "eu.art50.label"
  std::string citation;  // e.g. "EU AI Act Art. 50(2)"
  std::string action;    // what this rule asked for (deny, hold, redact, label, ...); may be empty
};

// A detector finding without its value: which field, where, what kind, how sure.
struct FindingRef {
  std::string kind;   // e.g. "pii.email", "secret.aws_key"
  std::string field;  // "prompt", "answer", "messages[2]", ...
  uint32_t begin = 0;
  uint32_t end = 0;   // byte span [begin, end) in that field's text
  double score = 1.0;
};

struct ApprovalRef {
  std::string id;
  std::string approver;
  std::string outcome;  // "approved" | "rejected" | "timeout"
  int64_t at_us = 0;
};

struct AuditRecord {
  std::string exchange_id;
  int64_t started_us = 0;
  int64_t finished_us = 0;
  std::string tenant;
  std::string key_id;
  std::string endpoint;
  std::string model;
  std::string upstream;
  int status = 0;
  std::string error_code;  // OpenAI-style error code sent to the client; empty on success
  bool stream = false;     // SSE response
  uint32_t attempts = 0;   // upstream attempts (retries and failover)
  std::string action;  // allow | deny | hold | redact | label
  std::vector<RuleRef> rules;
  std::vector<FindingRef> findings;
  std::vector<std::string> labels;
  std::vector<ApprovalRef> approvals;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
  int64_t overhead_us = 0;
  int64_t total_us = 0;
  ContentMode content_mode = ContentMode::kNone;
  std::string prompt;  // raw; written only as the mode allows
  std::string answer;  // raw; written only as the mode allows
};

// Replaces every span of `field` in `text` by "[kind]" (overlaps merged). Exposed for tests.
std::string redact(std::string_view text, std::string_view field,
                   const std::vector<FindingRef>& findings);

}  // namespace concord::audit
