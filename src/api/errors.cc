#include "api/errors.h"

namespace concord::api {

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
