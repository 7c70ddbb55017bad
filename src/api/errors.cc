#include "api/errors.h"

namespace concord::api {

void appendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

std::string errorBody(const ApiError& error, std::string_view extra_members_json) {
  std::string out;
  out.reserve(96 + error.message.size() + extra_members_json.size());
  out += R"({"error":{"message":")";
  appendJsonEscaped(out, error.message);
  out += R"(","type":")";
  out += error.type;
  out += R"(","param":null,"code":")";
  out += error.code;
  out += '"';
  if (!extra_members_json.empty()) {
    out += ',';
    out += extra_members_json;
  }
  out += "}}";
  return out;
}

std::string errorBody(const ApiError& error) { return errorBody(error, {}); }

ApiError badRequest(std::string message, std::string_view code) {
  return {400, "invalid_request_error", code, std::move(message)};
}

ApiError notFound(std::string message, std::string_view code) {
  return {404, "invalid_request_error", code, std::move(message)};
}

}  // namespace concord::api
