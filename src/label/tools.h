// The logic behind `concord verify` and `concord provenance keygen|rotate|list`, kept here so
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

}  // namespace concord::label
