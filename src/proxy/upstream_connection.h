// UpstreamConnection: one HTTP/1.1 connection to an upstream (plain TCP or TLS with SNI and
// certificate verification against the system store), and UpstreamPool, the idle keep-alive
// connections of one upstream on one worker. Both live on one worker thread; no locking.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"

namespace concord::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;

class UpstreamConnection {
 public:
  UpstreamConnection(asio::any_io_executor executor, asio::ssl::context* tls);

  // Connects (and handshakes) unless already open. Error codes: upstream_connect.
  asio::awaitable<Status> connect(const config::UpstreamConfig& upstream,
                                  const std::vector<asio::ip::tcp::endpoint>& endpoints);
  asio::awaitable<beast::error_code> write(std::span<const asio::const_buffer> buffers);
  // Reads the response head into a fresh parser.
  asio::awaitable<beast::error_code> readHead();
  // Reads the next piece of body into `piece`; empty with no error = end of body.
  asio::awaitable<beast::error_code> readBody(std::string_view& piece);

  int status() const;
  std::string_view header(std::string_view name) const;
  bool keepAlive() const;
  bool bodyDone() const;
  bool isOpen() const { return open_; }
  // True once any response byte arrived (a failure after that is not a stale connection).
  bool receivedAny() const { return received_any_; }
  void close();
  asio::ip::tcp::socket& socket();

 private:
  using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;
  asio::any_io_executor executor_;
  asio::ssl::context* tls_context_;
  std::optional<asio::ip::tcp::socket> plain_;
  std::optional<TlsStream> tls_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::response_parser<beast::http::buffer_body>> parser_;
  std::vector<char> piece_;
  bool open_ = false;
  bool received_any_ = false;
};

// Idle connections of one upstream on one worker, most recently used first.
class UpstreamPool {
 public:
  explicit UpstreamPool(size_t max_idle) : max_idle_(max_idle) {}
  std::unique_ptr<UpstreamConnection> take();
  void give(std::unique_ptr<UpstreamConnection> connection);
  size_t idle() const { return idle_.size(); }

 private:
  size_t max_idle_;
  std::vector<std::unique_ptr<UpstreamConnection>> idle_;
};

}  // namespace concord::proxy
