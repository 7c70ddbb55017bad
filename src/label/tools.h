// The logic behind `concord verify` and `concord provenance keygen|rotate|list|jwks|prune`, kept here so
// it is unit-tested; src/cli only parses flags and prints ToolOutput. Exit codes follow the
// CLI convention: 0 ok / verified / match, 1 check failed (no match, modified, bad signature),
// 2 bad usage or bad input (missing file, unparseable manifest, no key ring).
// Called from the CLI's main thread; no shared state.
#pragma once

#include <string>

#include "common/clock.h"

namespace concord::label {

struct ToolOutput {
  int exit_code = 0;
  std::string out;  // for stdout
  std::string err;  // for stderr (one line per problem)
};

struct VerifyToolOptions {
  std::string text_path;
  std::string manifest_path;  // empty: look the text up in the index
  std::string db_path;        // default ./data/provenance.db
  std::string keys_dir;       // default ./data/provenance
  bool json = false;
};

ToolOutput runVerifyTool(const VerifyToolOptions& o);

// action: "keygen" | "rotate" | "list" | "jwks".
ToolOutput runProvenanceTool(const std::string& action, const std::string& dir, bool json,
                             const Clock& clock);

// `concord provenance prune --before DATE`: deletes from the index the answers created before
// `before` (RFC 3339 date or UTC date-time, e.g. 2026-06-01 or 2026-06-01T12:00:00Z), to the
// retention the packs ask for. Their manifests still verify when given; only lookups without
// a manifest stop finding them. Prints how many were removed. An absent index is bad input.
ToolOutput runPruneTool(const std::string& db_path, const std::string& before);

}  // namespace concord::label
