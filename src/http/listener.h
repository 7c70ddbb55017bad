// Listener: the HTTP/1.1 server. One io_context and one SO_REUSEPORT acceptor per worker
// thread, so connections are spread by the kernel and a connection lives on one thread for its
// whole life (no locks on the request path). Enforces the header/body/time/connection limits
// and answers violations itself with OpenAI-style errors; hands every well-formed request to
// the Handler. start/stop/run are called from the owning (main) thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "common/result.h"
#include "http/request.h"
#include "http/response_sink.h"

namespace concord::http {

struct ListenerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  int workers = 1;
  uint32_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 4 * 1024 * 1024;
  uint32_t header_timeout_ms = 10'000;
  uint32_t body_timeout_ms = 30'000;
  uint32_t idle_timeout_ms = 60'000;
  uint32_t max_connections = 10'000;
  std::string tls_cert_file;  // both set = HTTPS
  std::string tls_key_file;
};

using Handler = std::function<boost::asio::awaitable<void>(Request&, ResponseSink&)>;

struct WorkerState;

class Listener {
 public:
  Listener(ListenerOptions options, Handler handler);
  ~Listener();

  // Binds every worker's acceptor; returns the bound port (useful with port 0).
  Result<uint16_t> bind();
  // Starts the worker threads; returns at once.
  void start();
  // Stops accepting, closes idle connections, lets in-flight exchanges finish for at most
  // `grace_ms`, then stops the workers and joins them.
  void stop(uint32_t grace_ms);

  uint16_t port() const { return port_; }
  int workers() const { return static_cast<int>(workers_.size()); }
  boost::asio::io_context& context(int worker);
  int64_t openConnections() const { return open_connections_.load(); }
  int64_t rejectedConnections() const { return rejected_connections_.load(); }

 private:
  ListenerOptions options_;
  Handler handler_;
  std::vector<std::unique_ptr<WorkerState>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> open_connections_{0};
  std::atomic<int64_t> rejected_connections_{0};
  uint16_t port_ = 0;
  bool started_ = false;
};

}  // namespace concord::http
