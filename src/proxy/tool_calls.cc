#include "proxy/tool_calls.h"

#include <nlohmann/json.hpp>

namespace concord::proxy {
namespace {

using nlohmann::json;

json parseOrNull(std::string_view text) { return json::parse(text, nullptr, false); }

std::string stringAt(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<ToolCall> toolCallsInBody(std::string_view body) {
  std::vector<ToolCall> calls;
  const json doc = parseOrNull(body);
  if (!doc.is_object() || !doc.contains("choices") || !doc["choices"].is_array()) return calls;
  for (const auto& choice : doc["choices"]) {
    const auto message = choice.find("message");
    if (message == choice.end() || !message->is_object()) continue;
    const auto tools = message->find("tool_calls");
    if (tools == message->end() || !tools->is_array()) continue;
    for (const auto& t : *tools) {
      if (!t.is_object()) continue;
      ToolCall call{stringAt(t, "id"), "", ""};
      if (auto fn = t.find("function"); fn != t.end() && fn->is_object()) {
        call.name = stringAt(*fn, "name");
        call.arguments = stringAt(*fn, "arguments");
      }
      calls.push_back(std::move(call));
    }
  }
  return calls;
}

bool ToolCallCollector::event(std::string_view data) {
  if (data.find("\"tool_calls\"") == std::string_view::npos) return false;
  const json chunk = parseOrNull(data);
  if (!chunk.is_object() || !chunk.contains("choices") || !chunk["choices"].is_array()) return false;
  bool carried = false;
  for (const auto& choice : chunk["choices"]) {
    const auto delta = choice.find("delta");
    if (delta == choice.end() || !delta->is_object()) continue;
    const auto tools = delta->find("tool_calls");
    if (tools == delta->end() || !tools->is_array()) continue;
    for (const auto& t : *tools) {
      if (!t.is_object()) continue;
      carried = true;
      const size_t index = t.contains("index") && t["index"].is_number_unsigned() ? t["index"].get<size_t>()
                                                                                  : calls_.size();
      if (index > 1024) continue;  // a hostile index must not make us allocate
      if (calls_.size() <= index) calls_.resize(index + 1);
      ToolCall& call = calls_[index];
      if (auto id = stringAt(t, "id"); !id.empty()) call.id = id;
      if (auto fn = t.find("function"); fn != t.end() && fn->is_object()) {
        call.name += stringAt(*fn, "name");
        call.arguments += stringAt(*fn, "arguments");
      }
    }
  }
  if (carried && chunk_id_.empty()) {
    chunk_id_ = stringAt(chunk, "id");
    model_ = stringAt(chunk, "model");
    if (auto c = chunk.find("created"); c != chunk.end() && c->is_number_integer()) created_ = c->get<int64_t>();
  }
  return carried;
}

ToolCallFacts::ToolCallFacts(const std::vector<ToolCall>& calls) {
  // Parse first, count the strings, then lay them out once so that views never move.
  std::vector<std::vector<std::pair<std::string, json>>> flat(calls.size());
  size_t count = calls.size();
  for (size_t i = 0; i < calls.size(); ++i) {
    const json args = parseOrNull(calls[i].arguments);
    auto walk = [&](auto&& self, const std::string& key, const json& v) -> void {
      if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it)
          self(self, key.empty() ? it.key() : key + "." + it.key(), it.value());
      } else if (v.is_array()) {
        for (const auto& item : v) self(self, key, item);
      } else if (!key.empty()) {
        flat[i].emplace_back(key, v);
      }
    };
    if (args.is_object()) walk(walk, "", args);
    else if (!calls[i].arguments.empty()) flat[i].emplace_back("", json(calls[i].arguments));  // raw text
    count += 2 * flat[i].size();
  }
  strings_.reserve(count);
  args_.resize(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    for (const auto& [key, value] : flat[i]) {
      strings_.push_back(key);
      const std::string_view k = strings_.back();
      strings_.push_back(value.is_string() ? value.get<std::string>() : value.dump());
      policy::ToolArgFact arg{k, strings_.back()};
      if (value.is_number()) arg.number = value.get<double>(), arg.is_number = true;
      args_[i].push_back(arg);
    }
    strings_.push_back(calls[i].name);
    facts_.push_back(policy::ToolCallFact{strings_.back(), args_[i]});
  }
}

std::string describeToolCalls(const std::vector<ToolCall>& calls) {
  std::string text;
  for (const auto& c : calls) {
    if (!text.empty()) text += '\n';
    text += c.name + "(" + c.arguments + ")";
  }
  return text;
}

std::string refuseToolCallsInBody(std::string_view body, std::string_view explanation) {
  json doc = parseOrNull(body);
  if (!doc.is_object() || !doc.contains("choices") || !doc["choices"].is_array()) return std::string(body);
  for (auto& choice : doc["choices"]) {
    auto message = choice.find("message");
    if (message == choice.end() || !message->is_object() || !message->contains("tool_calls")) continue;
    message->erase("tool_calls");
    message->erase("function_call");
    (*message)["role"] = "assistant";
    (*message)["content"] = std::string(explanation);
    choice["finish_reason"] = "stop";
  }
  return doc.dump();
}

std::string refusalEvents(const ToolCallCollector& stream, std::string_view explanation) {
  auto chunk = [&](json delta, json finish) {
    json c = {{"id", stream.chunkId()}, {"object", "chat.completion.chunk"}, {"created", stream.created()},
              {"model", stream.model()},
              {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}};
    return "data: " + c.dump() + "\n\n";
  };
  std::string events = chunk({{"role", "assistant"}, {"content", std::string(explanation)}}, nullptr);
  events += chunk(json::object(), "stop");
  return events;
}

}  // namespace concord::proxy
