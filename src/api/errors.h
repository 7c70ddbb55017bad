// OpenAI-shaped error bodies: {"error":{"message","type","param","code"}}. Every error Concord
// answers goes through here so clients (and the official SDKs) can switch on `code`.
// Pure functions; any thread.
#pragma once

#include <string>

#include "common/json_escape.h"
#include <string_view>

namespace concord::api {

struct ApiError {
  int status;             // HTTP status
  std::string_view type;  // OpenAI error type, e.g. invalid_request_error
  std::string_view code;  // stable machine code, e.g. invalid_api_key
  std::string message;
};

std::string errorBody(const ApiError& error);
// Same, with extra members inside "error" (already-serialised JSON values), e.g. rule ids.
std::string errorBody(const ApiError& error, std::string_view extra_members_json);

using concord::appendJsonEscaped;  // common/json_escape.h

// Helpers for the errors every layer answers.
ApiError badRequest(std::string message, std::string_view code = "invalid_request");
ApiError notFound(std::string message, std::string_view code = "not_found");

}  // namespace concord::api
