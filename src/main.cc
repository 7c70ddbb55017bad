// concord: one binary, one subcommand per job. See src/cli/commands.h.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* help;
};

constexpr Command kCommands[] = {
    {"serve", concord::cli::runServe, "run the gateway"},
    {"keys", concord::cli::runKeys, "create, list and revoke API keys"},
    {"policy", concord::cli::runPolicy, "lint, test, crosswalk and consensus of policy packs"},
    {"check", concord::cli::runCheck, "explain the policy decision for one request"},
    {"assess", concord::cli::runAssess, "list the obligations that bind a described AI system"},
    {"detect", concord::cli::runDetect, "scan text and evaluate the detectors"},
    {"audit", concord::cli::runAudit, "verify, export, query and prune the audit log"},
    {"verify", concord::cli::runVerify, "check a text against its signed provenance"},
    {"provenance", concord::cli::runProvenance, "manage provenance signing keys"},
    {"admin", concord::cli::runAdmin, "operate a running gateway (stop, resume)"},
};

int usage(FILE* out) {
  std::fprintf(out, "usage: concord <command> [options]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-11s %s\n", c.name, c.help);
  std::fprintf(out, "\n`concord <command> --help` describes each one.\n");
  return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return usage(stdout);
  if (name == "--version") {
    std::printf("concord 0.1.0\n");
    return 0;
  }
  for (const auto& c : kCommands)
    if (name == c.name) return c.run(argc - 1, argv + 1);
  std::fprintf(stderr, "concord: unknown command '%s'\n", argv[1]);
  return usage(stderr);
}
