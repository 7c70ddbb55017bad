// `concord policy lint|test|crosswalk|consensus`: thin wrappers over src/policy (the logic and
// its tests live there). Exit 0 ok, 1 something found (diagnostics, failures, conflicts), 2 usage.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "policy/cli_support.h"
#include "policy/crosswalk.h"
#include "policy/pack_tests.h"
#include "policy/program.h"

namespace concord::cli {
namespace {

using namespace concord::policy;

int lint(const std::vector<std::string>& packs, const std::string& vocabulary, bool unverified) {
  LoadOptions o;
  o.vocabulary_path = resolveVocabulary(vocabulary, packs);
  o.pack_paths = packs;
  o.enable_unverified = unverified;
  std::vector<Diagnostic> diags;
  auto r = loadProgram(o, &diags);
  for (const auto& d : diags) std::cout << formatDiagnosticLong(d) << "\n";
  if (r.ok())
    std::cout << (*r)->packs().size() << " packs, " << (*r)->rules().size() << " rules, " << diags.size()
              << " diagnostics\n";
  return diags.empty() ? 0 : 1;
}

}  // namespace

int runPolicy(int argc, char** argv) {
  CLI::App app{"concord policy: lint, test, crosswalk and consensus over policy packs"};
  app.require_subcommand(1);
  std::string vocabulary, format = "table", out_file, jurisdictions;
  std::vector<std::string> files, packs_dirs;
  bool unverified = false, verbose = false, verified_only = false;

  auto* lint_cmd = app.add_subcommand("lint", "check packs against the vocabulary");
  lint_cmd->add_option("packs", files, "pack files or directories")->required();
  lint_cmd->add_option("--vocabulary", vocabulary, "vocabulary file (default: next to the packs)");
  lint_cmd->add_flag("--unverified", unverified, "compile confidence: U rules as enabled");

  auto* test_cmd = app.add_subcommand("test", "run pack tests (tests/packs/*.yaml)");
  test_cmd->add_option("--packs", packs_dirs, "pack directory or file (repeatable; default packs)");
  test_cmd->add_option("--vocabulary", vocabulary, "vocabulary file");
  test_cmd->add_option("tests", files, "test files or directories")->required();
  test_cmd->add_flag("--verified-only", verified_only, "leave confidence: U rules disabled");
  test_cmd->add_flag("-v,--verbose", verbose, "list passing cases too");

  auto* cw_cmd = app.add_subcommand("crosswalk", "concept x jurisdiction matrix with conflicts");
  cw_cmd->add_option("--jurisdictions", jurisdictions, "e.g. EU,CN,US-CA")->required();
  cw_cmd->add_option("--packs", packs_dirs, "pack directory or file (repeatable; default packs)");
  cw_cmd->add_option("--vocabulary", vocabulary, "vocabulary file");
  cw_cmd->add_option("--format", format, "table|json|md");

  auto* cons_cmd = app.add_subcommand("consensus", "merged strictest profile as a pack, or its conflicts");
  cons_cmd->add_option("--jurisdictions", jurisdictions, "e.g. EU,CN,US-CA")->required();
  cons_cmd->add_option("--packs", packs_dirs, "pack directory or file (repeatable; default packs)");
  cons_cmd->add_option("--vocabulary", vocabulary, "vocabulary file");
  cons_cmd->add_option("--out", out_file, "write the pack here (default: stdout)");
  cons_cmd->add_option("--format", format, "conflict list format: table|json|md");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      app.exit(e);
      return 0;
    }
    std::fprintf(stderr, "concord policy: %s\n", e.what());
    return 2;
  }
  auto fmt = parseFormat(format);
  if (!fmt) {
    std::fprintf(stderr, "concord policy: --format must be table, json or md\n");
    return 2;
  }
  if (lint_cmd->parsed()) return lint(files, vocabulary, unverified);

  if (packs_dirs.empty()) packs_dirs.push_back("packs");
  auto program = loadForCli(vocabulary, packs_dirs, test_cmd->parsed() ? !verified_only : unverified);
  if (!program) return 2;
  if (test_cmd->parsed()) {
    PackTestReport rep = runPackTests(*program, files);
    std::cout << renderPackTestReport(rep, verbose);
    return rep.failed == 0 ? 0 : 1;
  }
  const auto js = splitComma(jurisdictions);
  if (js.empty()) {
    std::fprintf(stderr, "concord policy: --jurisdictions needs at least one code\n");
    return 2;
  }
  if (cw_cmd->parsed()) {
    std::cout << renderCrosswalk(buildCrosswalk(*program, js), *fmt);
    return 0;
  }
  Consensus c = buildConsensus(*program, js);
  if (!c.ok) {
    std::vector<Conflict> hard;
    for (const auto& x : c.conflicts)
      if (x.irreconcilable) hard.push_back(x);
    std::cout << "irreconcilable conflicts:\n" << renderConflicts(hard, *fmt);
    return 1;
  }
  if (out_file.empty()) {
    std::cout << c.pack_yaml;
  } else {
    std::ofstream out(out_file);
    out << c.pack_yaml;
    if (!out) {
      std::fprintf(stderr, "concord policy: cannot write %s\n", out_file.c_str());
      return 2;
    }
    std::cerr << "wrote " << c.rules << " rules to " << out_file << "\n";
  }
  if (!c.conflicts.empty()) std::cerr << "notes:\n" << renderConflicts(c.conflicts, Format::kTable);
  return 0;
}

}  // namespace concord::cli
