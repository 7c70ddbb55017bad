// RequestView: the read-only facts of one OpenAI request body that governance needs — model,
// stream flag, tools, and every text segment a user or tool put into it. Parsed once with
// simdjson on the request path. The view's string_views point into the body (raw spans) or into
// the RequestParser's own storage (unescaped text), so a view is valid only until that parser
// parses again. One RequestParser per worker thread; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/endpoint.h"
#include "common/result.h"

namespace concord::api {

enum class SegmentRole : uint8_t { kSystem, kUser, kAssistant, kTool, kOther };

struct TextSegment {
  std::string_view text;    // unescaped text
  uint32_t raw_begin = 0;   // byte span of the JSON string token (with quotes) in the body,
  uint32_t raw_end = 0;     // so that a redaction can be spliced back into the body
  SegmentRole role = SegmentRole::kOther;
  uint16_t message_index = 0;
};

struct RequestView {
  Endpoint endpoint = Endpoint::kUnknown;
  std::string_view model;
  uint32_t model_raw_begin = 0;  // span of the "model" string token in the body (for aliases)
  uint32_t model_raw_end = 0;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  bool tools_present = false;
  uint16_t user_turns = 0;     // number of user messages (first_turn labels)
  std::vector<TextSegment> segments;
};

class RequestParser {
 public:
  RequestParser();
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // `body` must stay alive and unchanged while the view is used. Errors are client errors
  // (code invalid_json, missing_model, invalid_request).
  Result<RequestView> parse(Endpoint endpoint, std::string_view body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::api
