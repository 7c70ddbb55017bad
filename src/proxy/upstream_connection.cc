#include "proxy/upstream_connection.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <limits>

namespace concord::proxy {

using tcp = asio::ip::tcp;
namespace http = beast::http;

namespace {
constexpr size_t kPieceBytes = 64 * 1024;  // large reads: few syscalls per response
}

UpstreamConnection::UpstreamConnection(asio::any_io_executor executor, asio::ssl::context* tls)
    : executor_(std::move(executor)), tls_context_(tls) {
  buffer_.reserve(kPieceBytes);
  piece_.resize(kPieceBytes);
}

tcp::socket& UpstreamConnection::socket() { return tls_ ? tls_->next_layer() : *plain_; }

asio::awaitable<Status> UpstreamConnection::connect(const config::UpstreamConfig& upstream,
                                                    const std::vector<tcp::endpoint>& endpoints) {
  if (open_) co_return Status();
  beast::error_code ec;
  tcp::socket sock(executor_);
  co_await asio::async_connect(sock, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError("upstream_connect", ec.message());
  sock.set_option(tcp::no_delay(true), ec);
  if (upstream.tls) {
    if (!tls_context_) co_return makeError("upstream_connect", "no TLS context");
    tls_.emplace(std::move(sock), *tls_context_);
    SSL_set_tlsext_host_name(tls_->native_handle(), upstream.host.c_str());
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(upstream.host));
    co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      tls_.reset();
      co_return makeError("upstream_tls", "TLS handshake failed: " + ec.message());
    }
  } else {
    plain_.emplace(std::move(sock));
  }
  open_ = true;
  co_return Status();
}

asio::awaitable<beast::error_code> UpstreamConnection::write(
    std::span<const asio::const_buffer> buffers) {
  beast::error_code ec;
  received_any_ = false;
  if (tls_) co_await asio::async_write(*tls_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  else co_await asio::async_write(*plain_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

asio::awaitable<beast::error_code> UpstreamConnection::readHead() {
  beast::error_code ec;
  parser_.emplace();
  parser_->body_limit(std::numeric_limits<uint64_t>::max());  // Beast 1.74: boost::none is broken
  parser_->header_limit(64 * 1024);
  parser_->eager(true);
  if (tls_) co_await http::async_read_header(*tls_, buffer_, *parser_, asio::redirect_error(asio::use_awaitable, ec));
  else co_await http::async_read_header(*plain_, buffer_, *parser_, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec || buffer_.size() > 0) received_any_ = true;
  co_return ec;
}

asio::awaitable<beast::error_code> UpstreamConnection::readBody(std::string_view& piece) {
  piece = {};
  beast::error_code ec;
  // A read may parse only a chunk header and yield no body bytes: read until some arrive.
  while (!parser_->is_done()) {
    auto& body = parser_->get().body();
    body.data = piece_.data();
    body.size = piece_.size();
    if (tls_) co_await http::async_read_some(*tls_, buffer_, *parser_, asio::redirect_error(asio::use_awaitable, ec));
    else co_await http::async_read_some(*plain_, buffer_, *parser_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
    const size_t n = piece_.size() - body.size;
    if (n > 0) {
      piece = std::string_view(piece_.data(), n);
      co_return ec;
    }
  }
  co_return ec;
}

int UpstreamConnection::status() const { return parser_ ? parser_->get().result_int() : 0; }

std::string_view UpstreamConnection::header(std::string_view name) const {
  if (!parser_) return {};
  const auto& msg = parser_->get();
  auto it = msg.find(beast::string_view(name.data(), name.size()));
  if (it == msg.end()) return {};
  return {it->value().data(), it->value().size()};
}

bool UpstreamConnection::keepAlive() const { return parser_ && parser_->get().keep_alive(); }
bool UpstreamConnection::bodyDone() const { return parser_ && parser_->is_done(); }

void UpstreamConnection::close() {
  beast::error_code ec;
  if (open_) {
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }
  plain_.reset();
  tls_.reset();
  open_ = false;
  buffer_.clear();
}

std::unique_ptr<UpstreamConnection> UpstreamPool::take() {
  if (idle_.empty()) return nullptr;
  auto c = std::move(idle_.back());
  idle_.pop_back();
  return c;
}

void UpstreamPool::give(std::unique_ptr<UpstreamConnection> connection) {
  if (!connection || !connection->isOpen()) return;
  if (idle_.size() >= max_idle_) {
    connection->close();
    return;
  }
  idle_.push_back(std::move(connection));
}

}  // namespace concord::proxy
