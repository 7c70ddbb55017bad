// Endpoint: the OpenAI routes Concord serves, and the mapping from an HTTP method + path.
// Pure functions; any thread.
#pragma once

#include <string_view>

namespace concord::api {

enum class Endpoint {
  kChatCompletions,
  kCompletions,
  kEmbeddings,
  kResponses,
  kModels,
  kHealthz,
  kReadyz,
  kMetrics,
  kProvenanceKeys,  // GET /.well-known/concord/provenance-keys
  kVerify,          // POST /v1/concord/verify
  kUnknown,
};

struct Route {
  Endpoint endpoint = Endpoint::kUnknown;
  bool method_allowed = false;
};

// `target` may carry a query string; it is ignored for routing.
Route routeFor(std::string_view method, std::string_view target);

// Stable short name, used in metrics labels, audit records and policy facts
// ("chat.completions", "completions", "embeddings", "responses", "models", ...).
std::string_view endpointName(Endpoint endpoint);
// The upstream path after the base URL prefix, e.g. "/chat/completions".
std::string_view upstreamPath(Endpoint endpoint);

}  // namespace concord::api
