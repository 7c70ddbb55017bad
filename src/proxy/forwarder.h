// forward(): sends one request to the first upstream that answers it, in route order, with
// bounded retries, exponential backoff and failover on connect errors, timeouts, 5xx and 429 —
// all before anything reaches the client. Returns the connection with the response head read,
// ready for the exchange to relay the body. Worker-thread only.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "admin/metrics.h"
#include "proxy/gateway.h"
#include "proxy/upstream_deadline.h"

namespace concord::proxy {

struct ForwardRequest {
  std::string_view path;          // e.g. /chat/completions (after the upstream's base path)
  std::string_view method = "POST";
  std::string_view body;
  std::string_view model;         // as the client named it
  uint32_t model_raw_begin = 0;   // where the model string sits in `body`, for aliases
  uint32_t model_raw_end = 0;
  std::shared_ptr<UpstreamDeadline> deadline;  // the caller's, so it can cancel (client gone)
};

struct ForwardOutcome {
  std::unique_ptr<UpstreamConnection> connection;  // set when a response head was read
  const RouteCandidate* route = nullptr;
  UpstreamWorkerState* upstream_state = nullptr;
  std::shared_ptr<UpstreamDeadline> deadline;       // still guarding the body read
  int status = 0;                   // upstream status, when there is a connection
  std::string error_code;           // upstream_unavailable | upstream_timeout, when not
  std::string error_message;
  uint32_t attempts = 0;
  int64_t upstream_nanos = 0;       // time spent waiting on upstreams
};

asio::awaitable<ForwardOutcome> forward(WorkerContext& worker, const Snapshot& snapshot,
                                        const std::vector<const RouteCandidate*>& routes,
                                        const ForwardRequest& request, UpstreamHealth& health,
                                        admin::Metrics& metrics);

// Returns a finished, keep-alive connection to its pool (else closes it).
void releaseConnection(ForwardOutcome& outcome);

}  // namespace concord::proxy
