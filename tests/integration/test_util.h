// Small helpers shared by the integration tests: request bodies and SSE parsing.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace concord::testing {

inline std::string chatBody(const std::string& model, bool stream = false, bool include_usage = false) {
  nlohmann::json j = {{"model", model},
                      {"messages", {{{"role", "system"}, {"content", "You are terse."}},
                                    {{"role", "user"}, {"content", "Say hello"}}}}};
  if (stream) j["stream"] = true;
  if (include_usage) j["stream_options"] = {{"include_usage", true}};
  return j.dump();
}

// The `data:` payloads of an SSE body, in order.
inline std::vector<std::string> sseData(const std::string& body) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    std::string line = body.substr(pos, end - pos);
    if (line.rfind("data: ", 0) == 0) out.push_back(line.substr(6));
    pos = end + 1;
  }
  return out;
}

inline nlohmann::json parseJson(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

inline std::string errorCode(const std::string& body) {
  const auto j = parseJson(body);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "<not an error JSON>";
  const auto& c = j["error"]["code"];
  return c.is_string() ? c.get<std::string>() : "<no code>";
}

inline long millisSince(std::chrono::steady_clock::time_point t0) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - t0).count());
}

}  // namespace concord::testing
