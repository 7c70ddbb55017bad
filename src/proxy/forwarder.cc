#include "proxy/forwarder.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "api/errors.h"

namespace concord::proxy {

using tcp = asio::ip::tcp;

namespace {

int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool retryableStatus(int status) { return status == 429 || status >= 500; }

// The request head for one upstream; the body follows in the same write.
std::string requestHead(const config::UpstreamConfig& u, const ForwardRequest& r,
                        std::string_view api_key, size_t body_size) {
  std::string head;
  head.reserve(256);
  head += r.method;
  head += ' ';
  head += u.path_prefix;
  head += r.path;
  head += " HTTP/1.1\r\nHost: ";
  head += u.host;
  if (!((u.tls && u.port == "443") || (!u.tls && u.port == "80"))) {
    head += ':';
    head += u.port;
  }
  head += "\r\nUser-Agent: concord/0.1\r\nAccept: application/json, text/event-stream\r\n";
  if (!api_key.empty()) {
    head += "Authorization: Bearer ";
    head += api_key;
    head += "\r\n";
  }
  if (r.method == "POST") {
    head += "Content-Type: application/json\r\nContent-Length: ";
    head += std::to_string(body_size);
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

asio::awaitable<Status> resolve(WorkerContext& worker, const config::UpstreamConfig& u,
                                UpstreamWorkerState& state) {
  if (!state.endpoints.empty()) co_return Status();
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(u.host, ec);
  if (!ec) {
    state.endpoints = {tcp::endpoint(address, static_cast<uint16_t>(std::stoi(u.port)))};
    co_return Status();
  }
  tcp::resolver resolver(worker.io);
  auto results = co_await resolver.async_resolve(u.host, u.port,
                                                 asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError("upstream_unavailable", "cannot resolve " + u.host + ": " + ec.message());
  for (const auto& r : results) state.endpoints.push_back(r.endpoint());
  co_return Status();
}

struct AttemptResult {
  enum class Kind { kHead, kConnectFailed, kTimeout, kStale } kind = Kind::kConnectFailed;
  std::string reason;
};

// One try on one upstream: connect (or reuse), write, read the response head.
asio::awaitable<AttemptResult> attempt(WorkerContext& worker, const config::UpstreamConfig& u,
                                       UpstreamWorkerState& state, UpstreamConnection& conn,
                                       UpstreamDeadline& deadline,
                                       std::span<const asio::const_buffer> buffers) {
  AttemptResult result;
  if (!conn.isOpen()) {
    if (auto st = co_await resolve(worker, u, state); !st) {
      result.reason = st.error().message;
      co_return result;
    }
    deadline.arm(&conn, u.connect_timeout_ms);
    auto st = co_await conn.connect(u, state.endpoints);
    if (!st) {
      state.endpoints.clear();  // re-resolve next time
      result.kind = deadline.expired() ? AttemptResult::Kind::kTimeout : AttemptResult::Kind::kConnectFailed;
      result.reason = deadline.expired() ? "connect timed out" : st.error().message;
      co_return result;
    }
  }
  deadline.arm(&conn, u.first_byte_timeout_ms);
  auto ec = co_await conn.write(buffers);
  if (!ec) ec = co_await conn.readHead();
  if (!ec) {
    result.kind = AttemptResult::Kind::kHead;
    co_return result;
  }
  if (deadline.expired()) {
    result.kind = AttemptResult::Kind::kTimeout;
    result.reason = "no response within " + std::to_string(u.first_byte_timeout_ms) + " ms";
  } else {
    result.kind = conn.receivedAny() ? AttemptResult::Kind::kConnectFailed : AttemptResult::Kind::kStale;
    result.reason = ec.message();
  }
  conn.close();
  co_return result;
}

}  // namespace

asio::awaitable<ForwardOutcome> forward(WorkerContext& worker, const Snapshot& snapshot,
                                        const std::vector<const RouteCandidate*>& routes,
                                        const ForwardRequest& request, UpstreamHealth& health,
                                        admin::Metrics& metrics) {
  ForwardOutcome out;
  const auto& config = *snapshot.config;
  const uint32_t max_attempts = config.retry.max_attempts;
  std::string rewritten;  // body with the upstream's model name, when an alias differs
  std::string last_reason;
  bool any_timeout = false;
  out.deadline = request.deadline ? request.deadline : UpstreamDeadline::create(worker.io.get_executor());

  for (size_t r = 0; out.attempts < max_attempts && !out.deadline->cancelled(); r = (r + 1) % routes.size()) {
    const RouteCandidate& route = *routes[r];
    const auto& u = *route.upstream;
    auto& state = worker.upstream(u);
    if (out.attempts > 0 && config.retry.backoff_ms > 0) {
      asio::steady_timer backoff(worker.io);
      backoff.expires_after(std::chrono::milliseconds(config.retry.backoff_ms << (out.attempts - 1)));
      boost::system::error_code ec;
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    ++out.attempts;
    std::string_view body = request.body;
    if (route.upstream_model != request.model && request.model_raw_end > request.model_raw_begin) {
      rewritten.assign(request.body.substr(0, request.model_raw_begin));
      rewritten += '"';
      api::appendJsonEscaped(rewritten, route.upstream_model);
      rewritten += '"';
      rewritten += request.body.substr(request.model_raw_end);
      body = rewritten;
    }
    const std::string head =
        requestHead(u, request, snapshot.upstream_keys[route.upstream_index], body.size());
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body.data(), body.size())};

    auto conn = state.pool->take();
    const bool pooled = conn != nullptr;
    if (!conn) conn = std::make_unique<UpstreamConnection>(worker.io.get_executor(), &worker.tls_client);
    const int64_t t0 = nowNanos();
    auto result = co_await attempt(worker, u, state, *conn, *out.deadline, buffers);
    // A pooled connection the upstream had already closed: one immediate retry on a fresh
    // one, not counted as an attempt.
    if (result.kind == AttemptResult::Kind::kStale && pooled) {
      conn = std::make_unique<UpstreamConnection>(worker.io.get_executor(), &worker.tls_client);
      result = co_await attempt(worker, u, state, *conn, *out.deadline, buffers);
    }
    out.upstream_nanos += nowNanos() - t0;

    if (result.kind == AttemptResult::Kind::kHead) {
      const int status = conn->status();
      health.set(u.name, status < 500, status < 500 ? "" : "HTTP " + std::to_string(status));
      out.connection = std::move(conn);
      out.route = &route;
      out.upstream_state = &state;
      out.status = status;
      // A retryable status is kept only if nothing better comes; try the next attempt.
      if (!retryableStatus(status) || out.attempts >= max_attempts) co_return out;
      metrics.count("concord_upstream_retries_total",
                    "upstream=\"" + u.name + "\",reason=\"" + std::to_string(status) + "\"");
      releaseConnection(out);
      out.connection.reset();
      last_reason = u.name + " answered HTTP " + std::to_string(status);
      continue;
    }
    out.deadline->disarm();
    any_timeout = any_timeout || result.kind == AttemptResult::Kind::kTimeout;
    health.set(u.name, false, result.reason);
    metrics.count("concord_upstream_errors_total",
                  "upstream=\"" + u.name + "\",reason=\"" +
                      (result.kind == AttemptResult::Kind::kTimeout ? "timeout" : "connect") + "\"");
    last_reason = "upstream '" + u.name + "' " +
                  (result.kind == AttemptResult::Kind::kTimeout ? "timed out: " : "is unreachable: ") +
                  result.reason;
  }
  out.error_code = any_timeout ? "upstream_timeout" : "upstream_unavailable";
  out.error_message = last_reason;
  co_return out;
}

void releaseConnection(ForwardOutcome& outcome) {
  if (outcome.deadline) outcome.deadline->disarm();
  if (!outcome.connection) return;
  // Drain small error bodies synchronously is not possible here; reuse only finished ones.
  if (outcome.connection->bodyDone() && outcome.connection->keepAlive() && outcome.upstream_state)
    outcome.upstream_state->pool->give(std::move(outcome.connection));
  else
    outcome.connection->close();
  outcome.connection.reset();
}

}  // namespace concord::proxy
