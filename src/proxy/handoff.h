// Handoff<T>: a value produced on another thread (the audit writer, the provenance signer, an
// approver) that an exchange awaits on its own worker without blocking it. callback() gives
// the producer a function to call once, from any thread; wait() resumes the exchange on its
// worker when the value is there. Single consumer; the shared state outlives both sides.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>

namespace concord::proxy {

template <typename T>
class Handoff {
 public:
  explicit Handoff(boost::asio::any_io_executor executor)
      : state_(std::make_shared<State>(executor)), executor_(std::move(executor)) {}

  std::function<void(T)> callback() const {
    return [state = state_, ex = executor_](T value) mutable {
      boost::asio::post(ex, [state, value = std::move(value)]() mutable {
        state->value.emplace(std::move(value));
        state->timer.cancel();
      });
    };
  }

  // Waits for the value.
  boost::asio::awaitable<std::optional<T>> wait() {
    boost::system::error_code ec;
    while (!state_->value) {
      state_->timer.expires_at(boost::asio::steady_timer::time_point::max());
      co_await state_->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return std::move(state_->value);
  }

  // Waits, running `tick` every `tick_ms` meanwhile (keep-alives); `tick` returning false ends
  // the wait early with nullopt. `tick` is the caller's and must outlive the wait. (Arguments
  // are references, not temporaries: GCC 12 may destroy temporaries in co_await twice.)
  boost::asio::awaitable<std::optional<T>> wait(uint32_t tick_ms,
                                                const std::function<boost::asio::awaitable<bool>()>& tick) {
    boost::system::error_code ec;
    while (!state_->value) {
      state_->timer.expires_after(std::chrono::milliseconds(tick_ms));
      co_await state_->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (!state_->value && !co_await tick()) co_return std::nullopt;
    }
    co_return std::move(state_->value);
  }

 private:
  struct State {
    explicit State(boost::asio::any_io_executor ex) : timer(std::move(ex)) {}
    boost::asio::steady_timer timer;
    std::optional<T> value;
  };
  std::shared_ptr<State> state_;
  boost::asio::any_io_executor executor_;
};

}  // namespace concord::proxy
