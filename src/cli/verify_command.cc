// `concord verify --text FILE [--manifest FILE] [--db F] [--keys DIR] [--json]`: checks a text
// against its signed provenance (manifest: the concord.provenance object, a whole response
// body, or the x-concord-provenance header value), or without a manifest looks it up among
// the answers this gateway produced. Logic in src/label/tools.cc.
// Exit: 0 verified / exact or near match, 1 not, 2 bad usage or input. Main thread only.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "label/tools.h"

namespace concord::cli {

int runVerify(int argc, char** argv) {
  CLI::App app{"Verify a text against Concord's signed provenance", "concord verify"};
  label::VerifyToolOptions o;
  o.db_path = "./data/provenance.db";
  o.keys_dir = "./data/provenance";
  app.add_option("--text", o.text_path, "file with the text to check")->required();
  app.add_option("--manifest", o.manifest_path,
                 "file with the provenance (JSON object, response body or header value)");
  app.add_option("--db", o.db_path, "provenance index (SQLite)")->capture_default_str();
  app.add_option("--keys", o.keys_dir, "provenance key ring directory")->capture_default_str();
  app.add_flag("--json", o.json, "print the JSON answer of POST /v1/concord/verify");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "concord verify: %s (see concord verify --help)\n", e.what());
    return 2;
  }
  label::ToolOutput r = label::runVerifyTool(o);
  std::fputs(r.out.c_str(), stdout);
  if (!r.err.empty()) std::fprintf(stderr, "concord verify: %s", r.err.c_str());
  return r.exit_code;
}

}  // namespace concord::cli
