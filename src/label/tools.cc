#include "label/tools.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "label/key_ring.h"
#include "label/provenance_index.h"
#include "label/verifier.h"

namespace concord::label {
namespace {

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

ToolOutput usage(std::string msg) { return ToolOutput{2, "", std::move(msg) + "\n"}; }

std::string summary(const Verification& v) {
  char sim[32];
  std::snprintf(sim, sizeof sim, "%.3f", v.similarity);
  std::string s = std::string(outcomeName(v.outcome));
  if (!v.content_id.empty()) s += " content_id=" + v.content_id;
  if (!v.kid.empty()) s += " kid=" + v.kid + (v.signature_valid ? " (signature valid)" : " (signature NOT valid)");
  if (v.outcome == VerifyOutcome::kNearMatch || v.outcome == VerifyOutcome::kTextModified)
    s += std::string(" similarity=") + sim;
  return s + "\n" + v.reason + "\n";
}

}  // namespace

ToolOutput runVerifyTool(const VerifyToolOptions& o) {
  std::string text;
  if (!readFile(o.text_path, text)) return usage("cannot read text file " + o.text_path);
  std::string db = o.db_path.empty() ? std::string(kDefaultIndexPath) : o.db_path;
  std::string keys = o.keys_dir.empty() ? std::string(kDefaultKeyDir) : o.keys_dir;
  auto ring = KeyRing::load(keys);
  std::unique_ptr<ProvenanceIndex> index;
  // Never create an index while verifying: only open one that exists.
  if (std::filesystem::exists(db)) {
    auto idx = ProvenanceIndex::open(db);
    if (idx.ok()) index = std::move(*idx);
  }
  Verification v;
  if (!o.manifest_path.empty()) {
    std::string manifest;
    if (!readFile(o.manifest_path, manifest)) return usage("cannot read manifest file " + o.manifest_path);
    if (!ring.ok()) return usage(ring.error().message);
    v = verifyWithManifest(**ring, text, manifest, index.get());
  } else {
    if (!index) return usage("no manifest given and no provenance index at " + db);
    v = verifyByLookup(*index, ring.ok() ? ring->get() : nullptr, text);
  }
  ToolOutput out;
  if (v.outcome == VerifyOutcome::kBadInput) return usage(v.reason);
  out.exit_code = v.passed() ? 0 : 1;
  out.out = o.json ? verificationJson(v) + "\n" : summary(v);
  return out;
}

ToolOutput runProvenanceTool(const std::string& action, const std::string& dir_in, bool json,
                             const Clock& clock) {
  std::string dir = dir_in.empty() ? std::string(kDefaultKeyDir) : dir_in;
  ToolOutput out;
  if (action == "keygen" || action == "rotate") {
    auto kid = action == "keygen" ? KeyRing::keygen(dir, clock) : KeyRing::rotate(dir, clock);
    if (!kid.ok()) {
      bool bad_input = kid.error().code == "label.keyring_exists" || kid.error().code == "label.keyring_missing";
      return ToolOutput{bad_input ? 2 : 1, "", kid.error().message + "\n"};
    }
    out.out = *kid + "\n";
    out.err = (action == "keygen" ? "created key ring in " : "new current key in ") + dir + "\n";
    return out;
  }
  auto ring = KeyRing::load(dir);
  if (!ring.ok()) return usage(ring.error().message);
  if (action == "jwks") {
    out.out = (*ring)->jwks() + "\n";
    return out;
  }
  if (action != "list") return usage("unknown action " + action);
  if (json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& k : (*ring)->keys())
      a.push_back({{"kid", k.kid}, {"created", k.created}, {"current", k.current},
                   {"private_key", k.has_private}});
    out.out = a.dump() + "\n";
    return out;
  }
  out.out = "KID                       CREATED                      CURRENT  PRIVATE\n";
  for (const auto& k : (*ring)->keys()) {
    char line[160];
    std::snprintf(line, sizeof line, "%-25s %-28s %-8s %s\n", k.kid.c_str(), k.created.c_str(),
                  k.current ? "yes" : "", k.has_private ? "yes" : "no");
    out.out += line;
  }
  return out;
}

namespace {
// YYYY-MM-DD, optionally followed by THH:MM[:SS[.frac]][Z]: compared as text with the
// manifest's `created` (always UTC with a Z), so a plain date means midnight UTC.
bool isRfc3339Prefix(const std::string& s) {
  auto digits = [&](size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t i = at; i < at + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (!digits(0, 4) || s.size() < 10 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) return false;
  size_t i = 10;
  if (i == s.size()) return true;
  if (s[i] != 'T' || !digits(i + 1, 2) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(i + 4, 2)) return false;
  i += 6;
  if (i < s.size() && s[i] == ':') {
    if (!digits(i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (!digits(i, 1)) return false;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  return i == s.size();
}
}  // namespace

ToolOutput runPruneTool(const std::string& db_path, const std::string& before_in) {
  std::string db = db_path.empty() ? std::string(kDefaultIndexPath) : db_path;
  if (!isRfc3339Prefix(before_in)) return usage("--before must be a date like 2026-06-01 or 2026-06-01T12:00:00Z, not \"" + before_in + "\"");
  std::string before = before_in;
  if (!before.empty() && before.back() == 'Z') before.pop_back();  // "…T12:00:00" < "…T12:00:00.000001Z"
  if (!std::filesystem::exists(db)) return usage("no provenance index at " + db);
  auto idx = ProvenanceIndex::open(db);
  if (!idx.ok()) return ToolOutput{1, "", idx.error().message + "\n"};
  auto n = (*idx)->pruneBefore(before);
  if (!n.ok()) return ToolOutput{1, "", n.error().message + "\n"};
  ToolOutput out;
  out.out = std::to_string(*n) + "\n";
  out.err = "removed " + std::to_string(*n) + " answers created before " + before_in + " from " + db + "\n";
  return out;
}

}  // namespace concord::label
