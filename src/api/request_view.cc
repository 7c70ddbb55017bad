#include "api/request_view.h"

#include <simdjson.h>

namespace concord::api {

namespace od = simdjson::ondemand;

struct RequestParser::Impl {
  od::parser parser;
  std::string padded;  // copy of the body with simdjson's required padding
  std::string_view body;
  RequestView view;

  uint32_t offsetOf(std::string_view raw) const {
    return static_cast<uint32_t>(raw.data() - padded.data());
  }

  // Adds one JSON string value as a segment (unescaped text + raw span in the body).
  simdjson::error_code addString(od::value value, SegmentRole role, uint16_t index) {
    std::string_view raw = value.raw_json_token();
    std::string_view text;
    if (auto err = value.get_string().get(text)) return err;
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                            raw.back() == '\t' || raw.back() == ','))
      raw.remove_suffix(1);
    const uint32_t begin = offsetOf(raw);
    view.segments.push_back({text, begin, begin + static_cast<uint32_t>(raw.size()), role, index});
    return simdjson::SUCCESS;
  }

  // A content field: a string, or an array of parts whose text parts are scanned.
  simdjson::error_code addContent(od::value content, SegmentRole role, uint16_t index) {
    od::json_type type;
    if (auto err = content.type().get(type)) return err;
    if (type == od::json_type::string) return addString(content, role, index);
    if (type != od::json_type::array) return simdjson::SUCCESS;  // null, images, ...
    for (auto part : content.get_array()) {
      od::value v;
      if (auto err = part.get(v)) return err;
      od::json_type pt;
      if (auto err = v.type().get(pt)) return err;
      if (pt == od::json_type::string) {
        if (auto err = addString(v, role, index)) return err;
        continue;
      }
      if (pt != od::json_type::object) continue;
      od::object obj;
      if (auto err = v.get_object().get(obj)) return err;
      for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "text" || key == "input_text" || key == "output_text") {
          if (auto err = addString(field.value(), role, index)) return err;
        }
      }
    }
    return simdjson::SUCCESS;
  }

  static SegmentRole roleOf(std::string_view role) {
    if (role == "user") return SegmentRole::kUser;
    if (role == "system" || role == "developer") return SegmentRole::kSystem;
    if (role == "assistant") return SegmentRole::kAssistant;
    if (role == "tool" || role == "function") return SegmentRole::kTool;
    return SegmentRole::kOther;
  }

  // One message object {role, content | output, ...}. Role may come after content, so the
  // message's segments are re-labelled once its role is known (`role` when it has none).
  simdjson::error_code addMessage(od::object message, uint16_t index, SegmentRole role) {
    const size_t first = view.segments.size();
    for (auto field : message) {
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return err;
      if (key == "role") {
        std::string_view r;
        if (auto err = field.value().get_string().get(r)) return err;
        role = roleOf(r);
      } else if (key == "content" || key == "output") {  // output: responses' tool results
        if (auto err = addContent(field.value(), SegmentRole::kOther, index)) return err;
      }
    }
    for (size_t i = first; i < view.segments.size(); ++i) view.segments[i].role = role;
    if (role == SegmentRole::kUser) ++view.user_turns;
    return simdjson::SUCCESS;
  }

  // messages: [{role, content, tool_calls?}, ...].
  simdjson::error_code addMessages(od::value messages) {
    od::array array;
    if (auto err = messages.get_array().get(array)) return err;
    uint16_t index = 0;
    for (auto item : array) {
      od::object message;
      if (auto err = item.get_object().get(message)) return err;
      if (auto err = addMessage(message, index++, SegmentRole::kOther)) return err;
    }
    return simdjson::SUCCESS;
  }

  // prompt / input: a string, a list of strings, or (responses) a list of messages.
  simdjson::error_code addInput(od::value input, SegmentRole role) {
    od::json_type type;
    if (auto err = input.type().get(type)) return err;
    if (type == od::json_type::string) {
      if (role == SegmentRole::kUser) ++view.user_turns;
      return addString(input, role, 0);
    }
    if (type != od::json_type::array) return simdjson::SUCCESS;  // token arrays are not text
    od::array array;
    if (auto err = input.get_array().get(array)) return err;
    uint16_t index = 0;
    for (auto item : array) {
      od::value v;
      if (auto err = item.get(v)) return err;
      od::json_type it;
      if (auto err = v.type().get(it)) return err;
      if (it == od::json_type::string) {
        if (auto err = addString(v, role, index)) return err;
      } else if (it == od::json_type::object) {
        od::object message;
        if (auto err = v.get_object().get(message)) return err;
        if (auto err = addMessage(message, index, SegmentRole::kUser)) return err;
      }
      ++index;
    }
    if (role == SegmentRole::kUser && view.user_turns == 0 && !view.segments.empty())
      view.user_turns = 1;
    return simdjson::SUCCESS;
  }

  simdjson::error_code walk(Endpoint endpoint) {
    od::document doc;
    if (auto err = parser.iterate(padded.data(), body.size(), padded.capacity()).get(doc))
      return err;
    od::object root;
    if (auto err = doc.get_object().get(root)) return err;
    for (auto field : root) {
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return err;
      if (key == "model") {
        od::value v = field.value();
        std::string_view raw = v.raw_json_token();
        if (auto err = v.get_string().get(view.model)) return err;
        while (!raw.empty() && raw.back() != '"') raw.remove_suffix(1);
        view.model_raw_begin = offsetOf(raw);
        view.model_raw_end = view.model_raw_begin + static_cast<uint32_t>(raw.size());
      } else if (key == "stream") {
        if (auto err = field.value().get_bool().get(view.stream)) return err;
      } else if (key == "stream_options") {
        od::object opts;
        if (auto err = field.value().get_object().get(opts)) return err;
        for (auto o : opts) {
          std::string_view k;
          if (auto err = o.unescaped_key().get(k)) return err;
          if (k == "include_usage") {
            if (auto err = o.value().get_bool().get(view.include_usage)) return err;
          }
        }
      } else if (key == "tools" || key == "functions") {
        od::json_type type;
        if (auto err = field.value().type().get(type)) return err;
        view.tools_present = type == od::json_type::array;
      } else if (key == "messages" && endpoint == Endpoint::kChatCompletions) {
        if (auto err = addMessages(field.value())) return err;
      } else if (key == "prompt" && endpoint == Endpoint::kCompletions) {
        if (auto err = addInput(field.value(), SegmentRole::kUser)) return err;
      } else if (key == "input" &&
                 (endpoint == Endpoint::kEmbeddings || endpoint == Endpoint::kResponses)) {
        if (auto err = addInput(field.value(), SegmentRole::kUser)) return err;
      } else if (key == "instructions" && endpoint == Endpoint::kResponses) {
        if (auto err = addString(field.value(), SegmentRole::kSystem, 0)) return err;
      }
    }
    return simdjson::SUCCESS;
  }
};

RequestParser::RequestParser() : impl_(std::make_unique<Impl>()) {}
RequestParser::~RequestParser() = default;

Result<RequestView> RequestParser::parse(Endpoint endpoint, std::string_view body) {
  auto& im = *impl_;
  im.view = RequestView{};
  im.view.endpoint = endpoint;
  im.view.segments.reserve(8);
  // The padded copy doubles as stable storage that raw spans point into.
  im.padded.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  im.padded.assign(body);
  im.body = im.padded;
  if (const auto err = im.walk(endpoint)) {
    return makeError("invalid_json", std::string("the request body is not valid JSON for this "
                                                 "endpoint: ") +
                                         simdjson::error_message(err));
  }
  if (im.view.model.empty())
    return makeError("missing_model", "the request body has no \"model\"");
  return std::move(im.view);
}

}  // namespace concord::api
