// Router: which upstreams serve a model, in failover order, and the merged model list for
// GET /v1/models. Built once per Config (immutable; any thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"

namespace concord::proxy {

struct RouteCandidate {
  size_t upstream_index = 0;              // into Config::upstreams
  const config::UpstreamConfig* upstream = nullptr;
  std::string upstream_model;             // the name the upstream knows (after aliases)
};

class Router {
 public:
  explicit Router(const config::Config& config);
  // Candidates in config order; empty = no upstream serves the model.
  const std::vector<RouteCandidate>& candidatesFor(std::string_view model) const;
  // {"object":"list","data":[{"id","object":"model","created","owned_by"}]} of every model
  // and alias, de-duplicated; owned_by names the first upstream serving it.
  const std::string& modelsJson() const { return models_json_; }

 private:
  std::unordered_map<std::string, std::vector<RouteCandidate>> by_model_;
  std::vector<RouteCandidate> none_;
  std::string models_json_;
};

}  // namespace concord::proxy
