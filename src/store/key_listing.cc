#include "store/key_listing.h"

#include <algorithm>
#include <ctime>

namespace concord::store {

namespace {

std::string joinOr(const std::vector<std::string>& v, std::string_view empty) {
  if (v.empty()) return std::string(empty);
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

std::string formatTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "-";
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string formatKeyTable(const std::vector<KeyInfo>& keys) {
  const std::vector<std::string> header = {"ID",      "TENANT", "STATUS", "CREATED",
                                           "REVOKED", "LAST4",  "JURISDICTIONS", "MODELS"};
  std::vector<std::vector<std::string>> rows{header};
  for (const auto& k : keys)
    rows.push_back({k.id, k.tenant, k.revoked_at ? "revoked" : "active", formatTime(k.created_at),
                    formatTime(k.revoked_at), k.last4, joinOr(k.jurisdictions, "-"),
                    joinOr(k.models, "*")});
  std::vector<size_t> width(header.size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line.append(width[i] - r[i].size() + 2, ' ');
    }
    out += line;
    out += '\n';
  }
  return out;
}

nlohmann::json keysToJson(const std::vector<KeyInfo>& keys) {
  auto out = nlohmann::json::array();
  for (const auto& k : keys)
    out.push_back({{"id", k.id},
                   {"tenant", k.tenant},
                   {"status", k.revoked_at ? "revoked" : "active"},
                   {"models", k.models},
                   {"jurisdictions", k.jurisdictions},
                   {"roles", k.roles},
                   {"locale", k.locale},
                   {"sector", k.sector},
                   {"budget_tokens", k.budget_tokens},
                   {"last4", k.last4},
                   {"created_at", formatTime(k.created_at)},
                   {"revoked_at", k.revoked_at ? nlohmann::json(formatTime(k.revoked_at))
                                               : nlohmann::json(nullptr)}});
  return out;
}

}  // namespace concord::store
