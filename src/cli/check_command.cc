// Placeholder until its module lands; the owner of this command replaces this file.
#include <cstdio>

#include "cli/commands.h"

namespace concord::cli {

int runCheck(int, char**) {
  std::fprintf(stderr, "concord check: not available in this build\n");
  return 2;
}

}  // namespace concord::cli
