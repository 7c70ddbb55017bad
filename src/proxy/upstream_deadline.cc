#include "proxy/upstream_deadline.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace concord::proxy {

std::shared_ptr<UpstreamDeadline> UpstreamDeadline::create(asio::any_io_executor executor) {
  return std::shared_ptr<UpstreamDeadline>(new UpstreamDeadline(std::move(executor)));
}

void UpstreamDeadline::cancelNow() {
  cancelled_ = true;
  if (connection_) connection_->close();
  disarm();
}

void UpstreamDeadline::arm(UpstreamConnection* connection, uint32_t ms) {
  if (cancelled_) {  // the client is gone: no new upstream work
    connection->close();
    return;
  }
  connection_ = connection;
  expired_ = false;
  deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  if (!watching_) {
    watching_ = true;
    asio::co_spawn(timer_.get_executor(), watch(shared_from_this()), asio::detached);
  }
}

void UpstreamDeadline::disarm() {
  connection_ = nullptr;
  if (watching_) timer_.cancel();
}

asio::awaitable<void> UpstreamDeadline::watch(std::shared_ptr<UpstreamDeadline> self) {
  boost::system::error_code ec;
  while (self->connection_) {
    self->timer_.expires_at(self->deadline_);
    co_await self->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!self->connection_) break;
    if (std::chrono::steady_clock::now() >= self->deadline_) {
      self->expired_ = true;
      self->connection_->close();
      self->connection_ = nullptr;
    }
  }
  self->watching_ = false;
}

}  // namespace concord::proxy
