// Principal: who is calling, as established by authentication. Built once per exchange from
// the key store and read by every later step (policy facts, limits, audit). A plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace concord {

struct Principal {
  std::string tenant;
  std::string key_id;                      // public id of the key, never the secret
  std::vector<std::string> jurisdictions;  // where the key's users are, e.g. {"EU","CN","US-CA"}
  std::vector<std::string> roles;          // e.g. "public_body", "approver"
  std::vector<std::string> allowed_models; // empty = all models
  std::string locale;                      // preferred label language, e.g. "zh"; empty = detect
  std::string sector;                      // e.g. "finance", "public"
  int64_t budget_tokens = 0;               // 0 = unlimited

  bool mayUseModel(const std::string& model) const {
    if (allowed_models.empty()) return true;
    for (const auto& m : allowed_models)
      if (m == model || m == "*") return true;
    return false;
  }
};

}  // namespace concord
