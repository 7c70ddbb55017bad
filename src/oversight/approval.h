// The approval record: what a person sees and decides on when the policy holds a request or an
// agent's tool call (DESIGN.md step 6, EU AI Act Art. 14), and the JSON form used by the admin
// API and the SSE stream. Plain value types and pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/sha256.h"

namespace concord::oversight {

struct ApprovalRequest {
  std::string id;  // assigned by ApprovalQueue::submit ("ap-" + 16 hex); ignored on input
  std::string tenant, key_id, endpoint, model;
  std::vector<std::pair<std::string, std::string>> rules;  // (rule id, citation)
  std::string digest;          // sha-256 hex of the exact request body
  std::string preview;         // request text as the policy allows (already redacted)
  std::string policy_version;
  int64_t created_us = 0, expires_us = 0;  // created_us = 0: set by submit from the clock
  std::string kind = "request";            // "request" or "tool_call"
};

enum class Outcome { kApproved, kDenied, kExpired };

struct Resolution {
  Outcome outcome = Outcome::kExpired;
  std::string approver, reason;
};

// Life of one approval. Only kPending may change; kApproved becomes kConsumed once.
enum class ApprovalState { kPending, kApproved, kDenied, kExpired, kConsumed };

std::string_view outcomeName(Outcome o);       // approved | denied | expired
std::string_view stateName(ApprovalState s);   // pending | approved | denied | expired | consumed
bool parseState(std::string_view text, ApprovalState& out);

// An approval with its current state, as stored and as listed.
struct ApprovalRecord {
  ApprovalRequest request;
  ApprovalState state = ApprovalState::kPending;
  std::string approver, reason;
  int64_t resolved_us = 0, consumed_us = 0;
};

// {"id","kind","tenant","key_id","endpoint","model","rules":[{"id","cite"}],"digest","preview",
//  "policy_version","created_us","expires_us","state","approver","reason","resolved_us"}
nlohmann::json toJson(const ApprovalRecord& r);

// sha-256 hex (64 lowercase characters) of `bytes`: the digest an approval is bound to.
using concord::sha256Hex;  // common/sha256.h

}  // namespace concord::oversight
