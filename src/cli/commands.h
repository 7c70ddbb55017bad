// The subcommands of the `concord` binary. Each is implemented in its own file
// (src/cli/<name>_command.cc), takes the arguments after its own name, returns the exit code
// (0 ok, 1 the check failed / something was found, 2 bad usage or bad input) and prints errors
// to stderr in one line each. Called once from main on the main thread.
#pragma once

namespace concord::cli {

int runServe(int argc, char** argv);       // concord serve [--config F] [--check]
int runKeys(int argc, char** argv);        // concord keys create|list|revoke
int runPolicy(int argc, char** argv);      // concord policy lint|test|crosswalk|consensus
int runCheck(int argc, char** argv);       // concord check --key K|--principal F request.json
int runAssess(int argc, char** argv);      // concord assess system.yaml
int runDetect(int argc, char** argv);      // concord detect scan|eval
int runAudit(int argc, char** argv);       // concord audit verify|export|query|prune
int runVerify(int argc, char** argv);      // concord verify --text F [--manifest F]
int runProvenance(int argc, char** argv);  // concord provenance keygen|rotate|list
int runAdmin(int argc, char** argv);       // concord admin stop|resume (against a running gateway)

}  // namespace concord::cli
