// `concord provenance keygen|rotate|list|jwks [--dir D] [--json]`: the Ed25519 key ring that
// signs provenance manifests (default ./data/provenance). keygen creates the ring, rotate adds
// a new current key (old keys keep verifying), list shows kids, jwks prints the document served
// at /.well-known/concord/provenance-keys. `concord provenance prune --before DATE [--db F]`
// removes older answers from the provenance index (retention). Logic in src/label/tools.cc.
// Main thread only.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "common/clock.h"
#include "label/tools.h"

namespace concord::cli {

int runProvenance(int argc, char** argv) {
  CLI::App app{"Manage the provenance signing keys", "concord provenance"};
  app.require_subcommand(1);
  std::string dir = "./data/provenance";
  bool json = false;
  for (const char* name : {"keygen", "rotate", "list", "jwks"}) {
    const char* help = std::string(name) == "keygen"   ? "create the key ring with a first key"
                       : std::string(name) == "rotate" ? "add a new current key"
                       : std::string(name) == "list"   ? "list the keys"
                                                       : "print the public keys as JWKS";
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("--dir", dir, "key ring directory")->capture_default_str();
    if (std::string(name) == "list") sub->add_flag("--json", json, "print JSON");
  }
  std::string db = "./data/provenance.db", before;
  auto* prune = app.add_subcommand("prune", "remove answers created before a date from the provenance index");
  prune->add_option("--before", before, "RFC 3339 date or UTC time, e.g. 2026-06-01")->required();
  prune->add_option("--db", db, "provenance index (SQLite)")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "concord provenance: %s (see concord provenance --help)\n", e.what());
    return 2;
  }
  std::string action = app.get_subcommands().front()->get_name();
  label::ToolOutput r = action == "prune" ? label::runPruneTool(db, before)
                                          : label::runProvenanceTool(action, dir, json, SystemClock::instance());
  std::fputs(r.out.c_str(), stdout);
  if (!r.err.empty()) std::fprintf(stderr, "concord provenance: %s", r.err.c_str());
  return r.exit_code;
}

}  // namespace concord::cli
