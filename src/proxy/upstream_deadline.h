// UpstreamDeadline: closes an upstream connection when its current phase (connect, first byte,
// whole response) runs past its time, so a hung upstream can't hold an exchange. One timer per
// attempt, moved lazily (a new deadline is a store; the timer only wakes at the old one).
// Worker-thread only. Shared with its own timer coroutine, hence created with create().
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "proxy/upstream_connection.h"

namespace concord::proxy {

class UpstreamDeadline : public std::enable_shared_from_this<UpstreamDeadline> {
 public:
  static std::shared_ptr<UpstreamDeadline> create(asio::any_io_executor executor);
  // Guards `connection` until `ms` from now (replaces any earlier deadline).
  void arm(UpstreamConnection* connection, uint32_t ms);
  // Stops guarding; the connection may be reused.
  void disarm();
  bool expired() const { return expired_; }
  // The client left: close the guarded connection now and refuse further arming.
  void cancelNow();
  bool cancelled() const { return cancelled_; }

 private:
  explicit UpstreamDeadline(asio::any_io_executor executor) : timer_(std::move(executor)) {}
  static asio::awaitable<void> watch(std::shared_ptr<UpstreamDeadline> self);

  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  UpstreamConnection* connection_ = nullptr;
  bool watching_ = false;
  bool expired_ = false;
  bool cancelled_ = false;
};

}  // namespace concord::proxy
