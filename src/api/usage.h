// Usage: token counts an upstream reports in `usage` (OpenAI's prompt/completion/total
// tokens), read without a full parse. Pure; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace concord::api {

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
  bool present = false;
};

// Finds the last top-level-looking "usage":{...} object in a JSON document or chunk.
Usage extractUsage(std::string_view json);

}  // namespace concord::api
