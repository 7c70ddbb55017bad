#include "policy/yaml_source.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace concord::policy {

std::optional<std::string> readFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<YAML::Node> parseYaml(const std::string& path, const std::string& text,
                                    SourceSet& sources, Diagnostics& diags,
                                    const std::string** interned) {
  const std::string* file = sources.add(path, text);
  if (interned) *interned = file;
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Pos p{file, e.mark.line + 1, e.mark.column + 1};
    diags.error(p, "policy.bad_yaml", e.msg);
    return std::nullopt;
  }
}

Pos posOf(const std::string* file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return Pos{file, 0, 0};
  return Pos{file, m.line + 1, m.column + 1};
}

std::optional<std::string> scalarOf(const YAML::Node& node, const std::string* file, Diagnostics& d,
                                    const char* what) {
  if (!node.IsScalar()) {
    d.error(posOf(file, node), "policy.type_mismatch", std::string(what) + " must be a scalar");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::vector<std::string>> stringsOf(const YAML::Node& node, const std::string* file,
                                                  Diagnostics& d, const char* what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        d.error(posOf(file, item), "policy.type_mismatch",
                std::string(what) + ": list items must be scalars");
        return std::nullopt;
      }
      out.push_back(item.Scalar());
    }
    return out;
  }
  d.error(posOf(file, node), "policy.type_mismatch",
          std::string(what) + " must be a scalar or a list of scalars");
  return std::nullopt;
}

// Howard Hinnant's days_from_civil.
static int32_t daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

std::optional<int32_t> parseDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int y = std::atoi(s.substr(0, 4).c_str());
  const int m = std::atoi(s.substr(5, 2).c_str());
  const int d = std::atoi(s.substr(8, 2).c_str());
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > max) return std::nullopt;
  return daysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string formatDay(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::optional<double> parseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> parseBool(const std::string& s) {
  if (s == "true" || s == "True" || s == "yes") return true;
  if (s == "false" || s == "False" || s == "no") return false;
  return std::nullopt;
}

}  // namespace concord::policy
