#include "audit/record_filter.h"

#include <cstdio>
#include <ctime>

namespace concord::audit {

bool matches(const ParsedRecord& r, const RecordFilter& f) {
  if (r.chain.ts < f.from_us || r.chain.ts >= f.to_us) return false;
  if (!f.type.empty() && r.type != f.type) return false;
  const auto& j = r.json;
  if (!f.tenant.empty() && (!j.contains("tenant") || j["tenant"] != f.tenant)) return false;
  if (!f.decision.empty() || !f.rule_id.empty()) {
    if (!j.contains("decision") || !j["decision"].is_object()) return false;
    const auto& d = j["decision"];
    if (!f.decision.empty() && (!d.contains("action") || d["action"] != f.decision)) return false;
    if (!f.rule_id.empty()) {
      bool found = false;
      if (d.contains("rules") && d["rules"].is_array())
        for (const auto& rule : d["rules"]) found |= rule.contains("id") && rule["id"] == f.rule_id;
      if (!found) return false;
    }
  }
  return true;
}

bool parseTimeMicros(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  if (s.find_first_not_of("0123456789-") == std::string::npos && s.find('-', 1) == std::string::npos) {
    out = std::stoll(s);
    return true;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec, &tail);
  if (n != 3 && n != 7) return false;
  if (n == 7 && tail != 'Z') return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  out = int64_t(timegm(&tm)) * 1'000'000;
  return true;
}

}  // namespace concord::audit
