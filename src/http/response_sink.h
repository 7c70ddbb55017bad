// ResponseSink: how the exchange answers its client. The connection implements it over a plain
// or TLS socket; the exchange is the only caller (no other module writes to the client).
// Each method is one write (a whole response, a stream head, or one chunk), so that the number
// of syscalls per response stays at one where possible. Used on the connection's worker thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <span>
#include <string_view>

#include "http/request.h"

namespace concord::http {

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // A complete response with Content-Length. Returns false if the client is gone.
  virtual boost::asio::awaitable<bool> send(int status, std::span<const Header> headers,
                                            std::string_view body) = 0;
  // Starts a chunked response (SSE). Nothing is written until the first chunk or end, so
  // the head and the first event leave in one write.
  virtual boost::asio::awaitable<bool> beginStream(int status, std::span<const Header> headers) = 0;
  // One chunk of the body, written as it is (never buffered until the end).
  virtual boost::asio::awaitable<bool> sendChunk(std::string_view data) = 0;
  virtual boost::asio::awaitable<bool> endStream() = 0;
  // True once anything has been written: retries/failover are no longer allowed.
  virtual bool started() const = 0;
  // Ask the connection to close after this response.
  virtual void closeAfterResponse() = 0;
  // Calls `on_gone` (on the connection's thread) if the client closes its connection while the
  // current request is being handled, so the exchange can cancel its upstream request. Only
  // until the handler returns; a later call replaces an earlier one.
  virtual void watchClientGone(std::function<void()> on_gone) = 0;
};

}  // namespace concord::http
