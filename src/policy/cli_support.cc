#include "policy/cli_support.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "policy/yaml_source.h"

namespace concord::policy {

std::string resolveVocabulary(const std::string& vocabulary, const std::vector<std::string>& packs) {
  if (!vocabulary.empty()) return vocabulary;
  namespace fs = std::filesystem;
  for (const auto& p : packs) {
    std::error_code ec;
    fs::path dir = fs::is_directory(p, ec) ? fs::path(p) : fs::path(p).parent_path();
    if (dir.empty()) dir = ".";
    if (fs::exists(dir / "vocabulary.yaml", ec)) return (dir / "vocabulary.yaml").string();
  }
  return "packs/vocabulary.yaml";
}

std::shared_ptr<const Program> loadForCli(const std::string& vocabulary, const std::vector<std::string>& packs,
                                          bool enable_unverified) {
  LoadOptions o;
  o.vocabulary_path = resolveVocabulary(vocabulary, packs);
  o.pack_paths = packs;
  o.enable_unverified = enable_unverified;
  std::vector<Diagnostic> diags;
  auto r = loadProgram(o, &diags);
  for (const auto& d : diags)
    if (!d.warning || !r.ok()) std::fprintf(stderr, "%s\n", formatDiagnostic(d).c_str());
  if (!r.ok()) return nullptr;
  return *r;
}

int32_t todayUtc() {
  using namespace std::chrono;
  return static_cast<int32_t>(duration_cast<days>(system_clock::now().time_since_epoch()).count());
}

std::optional<int32_t> dayOrToday(const std::string& s) {
  if (s.empty()) return todayUtc();
  return parseDay(s);
}

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace concord::policy
