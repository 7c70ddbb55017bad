// Tool calls in answers: what an agent's model asks its caller to do. The relay reads them out
// of a chat.completion body or a stream of chat.completion.chunk events so that the policy can
// decide on them (answer.tool_calls) before the client can act, and writes the well-formed
// refusal that replaces them when a person or a rule says no. Value types and pure functions,
// except ToolCallCollector, which belongs to one exchange.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/facts.h"

namespace concord::proxy {

struct ToolCall {
  std::string id, name;
  std::string arguments;  // the JSON text the model wrote (may be invalid JSON)
};

// The tool calls of a chat.completion body (every choice), in order. Empty if none or not JSON.
std::vector<ToolCall> toolCallsInBody(std::string_view body);

// Gathers tool calls from chat.completion.chunk events: deltas carry pieces of one call per
// `index` (id and name first, then arguments in fragments).
class ToolCallCollector {
 public:
  // True if this event's data carries a tool call delta (the relay then holds the stream back).
  bool event(std::string_view data);
  const std::vector<ToolCall>& calls() const { return calls_; }
  // id, model and created of the stream's chunks, for the events that replace a refused call.
  const std::string& chunkId() const { return chunk_id_; }
  const std::string& model() const { return model_; }
  int64_t created() const { return created_; }

 private:
  std::vector<ToolCall> calls_;
  std::string chunk_id_, model_;
  int64_t created_ = 0;
};

// Facts for the policy: each call's arguments parsed as JSON and flattened (nested objects as
// "a.b", array items under their key); numbers keep their value. Owns the strings the facts
// view; keep it alive while the facts are used.
class ToolCallFacts {
 public:
  explicit ToolCallFacts(const std::vector<ToolCall>& calls);
  ToolCallFacts(const ToolCallFacts&) = delete;  // the facts view strings_ in place
  ToolCallFacts& operator=(const ToolCallFacts&) = delete;
  std::span<const policy::ToolCallFact> facts() const { return facts_; }

 private:
  std::vector<std::string> strings_;  // reserved up front: views into it stay valid
  std::vector<std::vector<policy::ToolArgFact>> args_;
  std::vector<policy::ToolCallFact> facts_;
};

// What a reviewer sees, and the digest the approval is bound to: the calls as canonical text.
std::string describeToolCalls(const std::vector<ToolCall>& calls);

// The answer with every tool call replaced by an assistant message that says why (finish_reason
// "stop"); usage and ids kept. Returns `body` unchanged if it is not a chat.completion.
std::string refuseToolCallsInBody(std::string_view body, std::string_view explanation);

// Complete SSE events (chat.completion.chunks: the explanation, then finish_reason "stop") that
// tell a streaming client why its tool calls were refused; the relay ends the stream after them.
std::string refusalEvents(const ToolCallCollector& stream, std::string_view explanation);

}  // namespace concord::proxy
