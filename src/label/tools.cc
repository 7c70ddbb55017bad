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

}  // namespace concord::label
