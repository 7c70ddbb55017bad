// `concord assess system.yaml [--as-of DATE] [--format table|json|md] [--packs DIR]`: every
// obligation that binds the described system (logic in src/policy/assess.cc).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "policy/assess.h"
#include "policy/cli_support.h"
#include "policy/yaml_source.h"

namespace concord::cli {

int runAssess(int argc, char** argv) {
  using namespace concord::policy;
  CLI::App app{"concord assess: the obligations that bind a system manifest"};
  std::vector<std::string> packs_dirs;
  std::string manifest, as_of, format = "table", vocabulary;
  bool unverified = false;
  app.add_option("manifest", manifest, "system manifest YAML (see docs/policy-language.md)")->required();
  app.add_option("--as-of", as_of, "date YYYY-MM-DD (default: today, UTC)");
  app.add_option("--format", format, "table|json|md");
  app.add_option("--packs", packs_dirs, "pack directory or file (repeatable; default packs)");
  app.add_option("--vocabulary", vocabulary, "vocabulary file");
  app.add_flag("--unverified", unverified, "also list confidence: U rules");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e), 0;
    std::fprintf(stderr, "concord assess: %s\n", e.what());
    return 2;
  }
  auto fmt = parseFormat(format);
  auto day = dayOrToday(as_of);
  if (!fmt || !day) {
    std::fprintf(stderr, "concord assess: %s\n", !fmt ? "--format must be table, json or md" : "--as-of must be YYYY-MM-DD");
    return 2;
  }
  auto text = readFileText(manifest);
  if (!text) {
    std::fprintf(stderr, "concord assess: cannot read %s\n", manifest.c_str());
    return 2;
  }
  auto m = parseManifest(manifest, *text);
  if (!m.ok()) {
    std::fprintf(stderr, "concord assess: %s: %s\n", m.error().code.c_str(), m.error().message.c_str());
    return 2;
  }
  if (packs_dirs.empty()) packs_dirs.push_back("packs");
  auto program = loadForCli(vocabulary, packs_dirs, unverified);
  if (!program) return 2;
  std::cout << renderAssessment(assess(*program, *m, *day, unverified), *fmt);
  return 0;
}

}  // namespace concord::cli
