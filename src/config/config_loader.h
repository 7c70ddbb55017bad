// loadConfig: reads concord.yaml into a validated Config. Unknown keys, wrong types and missing
// required fields are refused with "file:line:col: reason" so an operator can fix the file.
// Relative paths in the file are resolved against the current directory (like the CLI flags).
// Pure function; any thread.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "config/config.h"

namespace concord::config {

Result<std::shared_ptr<const Config>> loadConfig(const std::string& path);
Result<std::shared_ptr<const Config>> parseConfig(const std::string& yaml_text,
                                                  const std::string& source_name);

}  // namespace concord::config
