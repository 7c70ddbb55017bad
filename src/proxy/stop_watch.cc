#include "proxy/stop_watch.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "oversight/stop_switch.h"

namespace concord::proxy {

std::shared_ptr<StopWatch> StopWatch::start(asio::any_io_executor executor,
                                            const oversight::StopSwitch& stops, std::string tenant,
                                            std::string model, std::string upstream,
                                            UpstreamConnection* connection) {
  std::shared_ptr<StopWatch> w(new StopWatch(executor, stops));
  w->tenant_ = std::move(tenant);
  w->model_ = std::move(model);
  w->upstream_ = std::move(upstream);
  w->connection_ = connection;
  w->generation_ = stops.generation();
  asio::co_spawn(executor, watch(w), asio::detached);
  return w;
}

void StopWatch::cancel() {
  cancelled_ = true;
  connection_ = nullptr;
  timer_.cancel();
}

asio::awaitable<void> StopWatch::watch(std::shared_ptr<StopWatch> self) {
  boost::system::error_code ec;
  while (!self->cancelled_) {
    self->timer_.expires_after(std::chrono::milliseconds(50));
    co_await self->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (self->cancelled_) break;
    const uint64_t generation = self->stops_.generation();
    if (generation == self->generation_) continue;
    self->generation_ = generation;
    if (self->stops_.stopped(self->tenant_, self->model_, self->upstream_, &self->reason_)) {
      self->stopped_ = true;
      if (self->connection_) self->connection_->close();
      break;
    }
  }
}

}  // namespace concord::proxy
