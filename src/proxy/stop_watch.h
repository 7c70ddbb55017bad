// StopWatch: ends an in-flight stream when an operator pulls the stop switch (EU AI Act
// Art. 14(4)(e) "stop" button). While a stream is relayed it looks every 50 ms whether the
// switch changed and, if this exchange is now stopped, closes the upstream connection so the
// relay loop ends and the client gets a well-formed error event — within 100 ms.
// Worker-thread only; shared with its own timer coroutine, hence create().
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "proxy/upstream_connection.h"

namespace concord::oversight {
class StopSwitch;
}

namespace concord::proxy {

class StopWatch {
 public:
  static std::shared_ptr<StopWatch> start(asio::any_io_executor executor, const oversight::StopSwitch& stops,
                                          std::string tenant, std::string model, std::string upstream,
                                          UpstreamConnection* connection);
  void cancel();
  bool stopped() const { return stopped_; }
  const std::string& reason() const { return reason_; }

 private:
  StopWatch(asio::any_io_executor executor, const oversight::StopSwitch& stops)
      : timer_(std::move(executor)), stops_(stops) {}
  static asio::awaitable<void> watch(std::shared_ptr<StopWatch> self);

  asio::steady_timer timer_;
  const oversight::StopSwitch& stops_;
  std::string tenant_, model_, upstream_;
  UpstreamConnection* connection_ = nullptr;
  uint64_t generation_ = 0;
  bool stopped_ = false;
  bool cancelled_ = false;
  std::string reason_;
};

}  // namespace concord::proxy
