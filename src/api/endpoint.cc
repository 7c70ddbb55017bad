#include "api/endpoint.h"

namespace concord::api {

Route routeFor(std::string_view method, std::string_view target) {
  if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  while (target.size() > 1 && target.back() == '/') target.remove_suffix(1);
  struct Entry {
    std::string_view path;
    std::string_view method;
    Endpoint endpoint;
  };
  static constexpr Entry kRoutes[] = {
      {"/v1/chat/completions", "POST", Endpoint::kChatCompletions},
      {"/v1/completions", "POST", Endpoint::kCompletions},
      {"/v1/embeddings", "POST", Endpoint::kEmbeddings},
      {"/v1/responses", "POST", Endpoint::kResponses},
      {"/v1/models", "GET", Endpoint::kModels},
      {"/healthz", "GET", Endpoint::kHealthz},
      {"/readyz", "GET", Endpoint::kReadyz},
      {"/metrics", "GET", Endpoint::kMetrics},
      {"/.well-known/concord/provenance-keys", "GET", Endpoint::kProvenanceKeys},
      {"/v1/concord/verify", "POST", Endpoint::kVerify},
  };
  for (const auto& r : kRoutes)
    if (target == r.path) return {r.endpoint, method == r.method || (method == "HEAD" && r.method == "GET")};
  return {};
}

std::string_view endpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kChatCompletions: return "chat.completions";
    case Endpoint::kCompletions: return "completions";
    case Endpoint::kEmbeddings: return "embeddings";
    case Endpoint::kResponses: return "responses";
    case Endpoint::kModels: return "models";
    case Endpoint::kHealthz: return "healthz";
    case Endpoint::kReadyz: return "readyz";
    case Endpoint::kMetrics: return "metrics";
    case Endpoint::kProvenanceKeys: return "provenance_keys";
    case Endpoint::kVerify: return "verify";
    case Endpoint::kUnknown: break;
  }
  return "unknown";
}

std::string_view upstreamPath(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kChatCompletions: return "/chat/completions";
    case Endpoint::kCompletions: return "/completions";
    case Endpoint::kEmbeddings: return "/embeddings";
    case Endpoint::kResponses: return "/responses";
    case Endpoint::kModels: return "/models";
    default: return "";
  }
}

}  // namespace concord::api
