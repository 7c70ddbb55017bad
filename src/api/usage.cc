#include "api/usage.h"

#include <charconv>

namespace concord::api {

namespace {
int64_t numberAfter(std::string_view object, std::string_view key) {
  const size_t k = object.find(key);
  if (k == std::string_view::npos) return 0;
  size_t p = k + key.size();
  while (p < object.size() && (object[p] == ' ' || object[p] == ':')) ++p;
  int64_t v = 0;
  std::from_chars(object.data() + p, object.data() + object.size(), v);
  return v;
}
}  // namespace

Usage extractUsage(std::string_view json) {
  Usage usage;
  size_t at = json.rfind("\"usage\"");
  // A quote preceded by a backslash is inside a string, not a key.
  while (at != std::string_view::npos && at > 0 && json[at - 1] == '\\')
    at = at == 0 ? std::string_view::npos : json.rfind("\"usage\"", at - 1);
  if (at == std::string_view::npos) return usage;
  const size_t open = json.find('{', at);
  if (open == std::string_view::npos) return usage;
  size_t close = open;
  for (int depth = 0; close < json.size(); ++close) {
    if (json[close] == '{') ++depth;
    else if (json[close] == '}' && --depth == 0) break;
  }
  if (close >= json.size()) return usage;
  // `null` between the key and the brace means no usage in this chunk.
  if (json.substr(at + 7, open - at - 7).find("null") != std::string_view::npos) return usage;
  const auto object = json.substr(open, close - open);
  usage.prompt_tokens = numberAfter(object, "\"prompt_tokens\"");
  if (usage.prompt_tokens == 0) usage.prompt_tokens = numberAfter(object, "\"input_tokens\"");
  usage.completion_tokens = numberAfter(object, "\"completion_tokens\"");
  if (usage.completion_tokens == 0) usage.completion_tokens = numberAfter(object, "\"output_tokens\"");
  usage.total_tokens = numberAfter(object, "\"total_tokens\"");
  if (usage.total_tokens == 0) usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  usage.present = true;
  return usage;
}

}  // namespace concord::api
