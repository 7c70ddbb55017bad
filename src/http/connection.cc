// One client connection: reads requests with Beast's parser under the configured limits, answers
// limit violations itself, and passes each request to the handler with a ResponseSink that
// writes raw HTTP/1.1 (one write per response; chunked for streams).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <sys/socket.h>

#include "api/errors.h"
#include "http/status_line.h"
#include "http/worker_state.h"

namespace concord::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

template <typename Stream>
tcp::socket& lowestSocket(Stream& s) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) return s;
  else return s.next_layer();
}

template <typename Stream>
class Connection final : public ConnectionControl,
                         public ResponseSink,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(WorkerState& worker, Stream stream)
      : worker_(worker), opts_(*worker.options), stream_(std::move(stream)),
        watchdog_(worker.io) {
    worker_.connections.insert(this);
    buffer_.reserve(16 * 1024);
    out_.reserve(1024);
  }
  ~Connection() override {
    worker_.connections.erase(this);
    worker_.open_connections->fetch_sub(1);
  }

  bool idle() const override { return idle_; }
  void closeNow() override {
    beast::error_code ec;
    lowestSocket(stream_).shutdown(tcp::socket::shutdown_both, ec);
    lowestSocket(stream_).close(ec);
  }

  asio::awaitable<void> run() {
    setDeadline(opts_.header_timeout_ms);
    asio::co_spawn(worker_.io, watchdogOf(this->shared_from_this()), asio::detached);
    if constexpr (!std::is_same_v<Stream, tcp::socket>) {
      beast::error_code ec;
      co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return finish();
    }
    bool first = true;
    while (!worker_.draining.load(std::memory_order_relaxed)) {
      // A new connection must send its request promptly (slowloris); a kept-alive one may idle.
      if (!first) setDeadline(buffer_.size() > 0 ? opts_.header_timeout_ms : opts_.idle_timeout_ms);
      first = false;
      idle_ = buffer_.size() == 0;
      if (!co_await serveOne()) break;
    }
    finish();
  }

  // --- ResponseSink ---
  asio::awaitable<bool> send(int status, std::span<const Header> headers,
                             std::string_view body) override {
    writeHead(status, headers, body.size(), false);
    if (head_request_) body = {};  // HEAD: the GET's Content-Length, no body (RFC 9110 9.3.2)
    std::array<asio::const_buffer, 2> bufs{asio::buffer(out_), asio::buffer(body.data(), body.size())};
    co_return co_await writeAll(bufs);
  }

  asio::awaitable<bool> beginStream(int status, std::span<const Header> headers) override {
    writeHead(status, headers, 0, true);
    pending_head_ = true;  // leaves with the first chunk
    co_return true;
  }

  asio::awaitable<bool> sendChunk(std::string_view data) override {
    if (data.empty()) co_return true;  // an empty chunk would end the stream
    if (!pending_head_) out_.clear();
    pending_head_ = false;
    char size_line[24];
    const int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
    out_.append(size_line, n);
    std::array<asio::const_buffer, 3> bufs{asio::buffer(out_), asio::buffer(data.data(), data.size()),
                                           asio::buffer("\r\n", 2)};
    co_return co_await writeAll(bufs);
  }

  asio::awaitable<bool> endStream() override {
    if (!pending_head_) out_.clear();
    pending_head_ = false;
    out_ += "0\r\n\r\n";
    std::array<asio::const_buffer, 1> bufs{asio::buffer(out_)};
    co_return co_await writeAll(bufs);
  }

  bool started() const override { return started_; }
  void closeAfterResponse() override { keep_alive_ = false; }

  // Waits for the client's socket to become readable during the handler: end of stream (a
  // zero-byte peek) means the client left; data means a pipelined request, left for later.
  // Registering the wait costs no syscall (the socket is already in epoll, edge-triggered).
  void watchClientGone(std::function<void()> on_gone) override {
    on_gone_ = std::move(on_gone);
    if (watching_) return;
    watching_ = true;
    const uint64_t generation = handler_generation_;
    lowestSocket(stream_).async_wait(
        tcp::socket::wait_read,
        [self = this->shared_from_this(), generation](const beast::error_code& ec) {
          self->watching_ = false;
          if (ec || generation != self->handler_generation_ || !self->on_gone_) return;
          char byte;
          const auto n = ::recv(lowestSocket(self->stream_).native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
          if (n == 0) {
            auto gone = std::move(self->on_gone_);
            gone();
          }
        });
  }

 private:
  void setDeadline(uint32_t ms) {
    const auto next = Clock::now() + std::chrono::milliseconds(ms);
    // The watchdog sleeps until the old deadline; wake it if the new one comes sooner.
    const bool sooner = next < deadline_;
    deadline_ = next;
    if (sooner) watchdog_.cancel();
  }

  // The watchdog coroutine co-owns the connection, so it may outlive run() safely.
  static asio::awaitable<void> watchdogOf(std::shared_ptr<Connection> self) {
    co_await self->watchdog();
  }

  // One timer per connection, re-armed lazily: moving the deadline is a plain store, and the
  // timer only wakes when the old deadline passes (then sleeps again if it moved).
  asio::awaitable<void> watchdog() {
    beast::error_code ec;
    while (!closed_) {
      watchdog_.expires_at(deadline_);
      co_await watchdog_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (closed_) break;
      if (!in_handler_ && Clock::now() >= deadline_) {
        timed_out_ = true;
        closeNow();
        break;
      }
      if (in_handler_) deadline_ = Clock::now() + std::chrono::milliseconds(opts_.idle_timeout_ms);
    }
  }

  void finish() {
    closed_ = true;
    watchdog_.cancel();
    closeNow();
  }

  asio::awaitable<bool> writeAll(std::span<const asio::const_buffer> bufs) {
    started_ = true;
    beast::error_code ec;
    co_await asio::async_write(stream_, bufs, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      keep_alive_ = false;
      co_return false;
    }
    co_return true;
  }

  void writeHead(int status, std::span<const Header> headers, size_t length, bool chunked) {
    out_.clear();
    out_ += statusLine(status);
    for (const auto& h : headers) {
      out_ += h.name;
      out_ += ": ";
      out_ += h.value;
      out_ += "\r\n";
    }
    if (chunked) {
      out_ += "Transfer-Encoding: chunked\r\n";
    } else {
      out_ += "Content-Length: ";
      out_ += std::to_string(length);
      out_ += "\r\n";
    }
    if (!keep_alive_ || worker_.draining.load(std::memory_order_relaxed)) {
      keep_alive_ = false;
      out_ += "Connection: close\r\n";
    }
    out_ += "\r\n";
  }

  std::string bodyLimitMessage() const {
    return "request body exceeds the limit of " + std::to_string(opts_.max_body_bytes) + " bytes";
  }

  // Answers a request the connection itself refuses, then closes. (Arguments are views: no
  // temporaries inside co_await expressions, which GCC 12 may destroy twice.)
  asio::awaitable<void> refuse(int status, std::string_view code, std::string_view message) {
    keep_alive_ = false;
    const auto body = api::errorBody({status, "invalid_request_error", code, std::string(message)});
    const Header h[] = {{"Content-Type", "application/json"}};
    co_await send(status, h, body);
  }

  // Reads and serves one request; false = close the connection.
  asio::awaitable<bool> serveOne() {
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(opts_.max_header_bytes);
    parser.body_limit(opts_.max_body_bytes);
    beast::error_code ec;
    co_await beast::http::async_read_header(stream_, buffer_, parser,
                                            asio::redirect_error(asio::use_awaitable, ec));
    idle_ = false;
    if (ec) co_return co_await readFailed(ec);
    auto& msg = parser.get();
    keep_alive_ = msg.keep_alive();
    head_request_ = msg.method() == beast::http::verb::head;
    started_ = false;
    if (parser.content_length() && *parser.content_length() > opts_.max_body_bytes) {
      co_await refuse(413, "body_too_large", bodyLimitMessage());
      co_return false;
    }
    if (auto expect = msg[beast::http::field::expect];
        beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    if (!parser.is_done()) {
      setDeadline(opts_.body_timeout_ms);
      co_await beast::http::async_read(stream_, buffer_, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return co_await readFailed(ec);
    }
    Request request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.authorization = std::string(msg[beast::http::field::authorization]);
    request.content_type = std::string(msg[beast::http::field::content_type]);
    request.request_id = std::string(msg["x-request-id"]);
    request.body = std::move(msg.body());
    request.worker = worker_.index;
    request.received_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 Clock::now().time_since_epoch()).count();
    in_handler_ = true;
    co_await (*worker_.handler)(request, *this);
    in_handler_ = false;
    ++handler_generation_;  // a pending client watch now belongs to a finished request
    on_gone_ = nullptr;
    if (watching_) {
      beast::error_code ignore;
      lowestSocket(stream_).cancel(ignore);
    }
    if (pending_head_) co_await endStream();  // a handler that began a stream must end it
    co_return keep_alive_;
  }

  asio::awaitable<bool> readFailed(beast::error_code ec) {
    using he = beast::http::error;
    if (ec == he::header_limit) {
      const std::string message = "request headers exceed the limit of " +
                                  std::to_string(opts_.max_header_bytes) + " bytes";
      co_await refuse(431, "headers_too_large", message);
    } else if (ec == he::body_limit) {
      co_await refuse(413, "body_too_large", bodyLimitMessage());
    } else if (!timed_out_ && ec.category() == beast::http::make_error_code(he::bad_target).category() &&
               ec != he::end_of_stream && ec != he::partial_message) {
      const std::string message = "malformed HTTP request: " + ec.message();
      co_await refuse(400, "malformed_request", message);
    }
    co_return false;
  }

  WorkerState& worker_;
  const ListenerOptions& opts_;
  Stream stream_;
  asio::steady_timer watchdog_;
  Clock::time_point deadline_;
  beast::flat_buffer buffer_;
  std::string out_;
  bool keep_alive_ = true;
  bool idle_ = true;
  bool closed_ = false;
  bool timed_out_ = false;
  bool in_handler_ = false;
  bool started_ = false;
  bool pending_head_ = false;
  bool head_request_ = false;
  bool watching_ = false;
  uint64_t handler_generation_ = 0;
  std::function<void()> on_gone_;
};

template <typename Stream>
asio::awaitable<void> serve(std::shared_ptr<Connection<Stream>> connection) {
  co_await connection->run();
}

}  // namespace

void spawnConnection(WorkerState& worker, tcp::socket socket) {
  socket.set_option(tcp::no_delay(true));
  if (worker.tls) {
    using TlsStream = asio::ssl::stream<tcp::socket>;
    auto c = std::make_shared<Connection<TlsStream>>(worker, TlsStream(std::move(socket), *worker.tls));
    asio::co_spawn(worker.io, serve(std::move(c)), asio::detached);
  } else {
    auto c = std::make_shared<Connection<tcp::socket>>(worker, std::move(socket));
    asio::co_spawn(worker.io, serve(std::move(c)), asio::detached);
  }
}

}  // namespace concord::http
