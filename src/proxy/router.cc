#include "proxy/router.h"

#include "api/errors.h"

namespace concord::proxy {

Router::Router(const config::Config& config) {
  std::vector<std::pair<std::string, std::string>> listed;  // model, owner (first upstream)
  auto add = [&](const std::string& client_name, size_t index, const std::string& upstream_model) {
    auto& list = by_model_[client_name];
    if (list.empty()) listed.emplace_back(client_name, config.upstreams[index].name);
    for (const auto& c : list)
      if (c.upstream_index == index) return;
    list.push_back({index, &config.upstreams[index], upstream_model});
  };
  for (size_t i = 0; i < config.upstreams.size(); ++i) {
    const auto& u = config.upstreams[i];
    for (const auto& m : u.models) add(m, i, m);
    for (const auto& [alias, target] : u.aliases) add(alias, i, target);
  }
  std::string json = R"({"object":"list","data":[)";
  for (size_t i = 0; i < listed.size(); ++i) {
    if (i) json += ',';
    json += R"({"id":")";
    api::appendJsonEscaped(json, listed[i].first);
    json += R"(","object":"model","created":0,"owned_by":")";
    api::appendJsonEscaped(json, listed[i].second);
    json += R"("})";
  }
  json += "]}";
  models_json_ = std::move(json);
}

const std::vector<RouteCandidate>& Router::candidatesFor(std::string_view model) const {
  const auto it = by_model_.find(std::string(model));
  return it == by_model_.end() ? none_ : it->second;
}

}  // namespace concord::proxy
