#include "oversight/approval.h"


namespace concord::oversight {

std::string_view outcomeName(Outcome o) {
  switch (o) {
    case Outcome::kApproved: return "approved";
    case Outcome::kDenied: return "denied";
    case Outcome::kExpired: return "expired";
  }
  return "expired";
}

std::string_view stateName(ApprovalState s) {
  switch (s) {
    case ApprovalState::kPending: return "pending";
    case ApprovalState::kApproved: return "approved";
    case ApprovalState::kDenied: return "denied";
    case ApprovalState::kExpired: return "expired";
    case ApprovalState::kConsumed: return "consumed";
  }
  return "pending";
}

bool parseState(std::string_view text, ApprovalState& out) {
  for (auto s : {ApprovalState::kPending, ApprovalState::kApproved, ApprovalState::kDenied,
                 ApprovalState::kExpired, ApprovalState::kConsumed})
    if (stateName(s) == text) {
      out = s;
      return true;
    }
  return false;
}

nlohmann::json toJson(const ApprovalRecord& r) {
  const auto& q = r.request;
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& [id, cite] : q.rules) rules.push_back({{"id", id}, {"cite", cite}});
  return {{"id", q.id},
          {"kind", q.kind},
          {"tenant", q.tenant},
          {"key_id", q.key_id},
          {"endpoint", q.endpoint},
          {"model", q.model},
          {"rules", std::move(rules)},
          {"digest", q.digest},
          {"preview", q.preview},
          {"policy_version", q.policy_version},
          {"created_us", q.created_us},
          {"expires_us", q.expires_us},
          {"state", stateName(r.state)},
          {"approver", r.approver},
          {"reason", r.reason},
          {"resolved_us", r.resolved_us}};
}

}  // namespace concord::oversight
