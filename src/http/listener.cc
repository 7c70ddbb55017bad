#include "http/listener.h"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "http/worker_state.h"

namespace concord::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// SO_REUSEPORT lets every worker own an acceptor on the same port; the kernel spreads
// new connections across them.
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

asio::awaitable<void> acceptLoop(WorkerState& worker) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await worker.acceptor->async_accept(
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !worker.acceptor->is_open()) co_return;
      continue;  // EMFILE and friends: keep serving the connections we have
    }
    if (worker.draining.load()) co_return;
    const auto open = worker.open_connections->fetch_add(1) + 1;
    if (open > static_cast<int64_t>(worker.options->max_connections)) {
      worker.open_connections->fetch_sub(1);
      boost::system::error_code ignore;
      socket.close(ignore);  // over the limit: refuse fast, cheaper than answering
      continue;
    }
    spawnConnection(worker, std::move(socket));
  }
}

}  // namespace

Listener::Listener(ListenerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  const int n = options_.workers > 0 ? options_.workers : 1;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<WorkerState>();
    w->index = i;
    w->options = &options_;
    w->handler = &handler_;
    w->open_connections = &open_connections_;
    workers_.push_back(std::move(w));
  }
}

Listener::~Listener() {
  if (started_) stop(0);
}

asio::io_context& Listener::context(int worker) { return workers_.at(worker)->io; }

Result<uint16_t> Listener::bind() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return makeError("listen.bad_address", "invalid listen address '" + options_.address + "'");
  uint16_t port = options_.port;
  for (auto& w : workers_) {
    if (!options_.tls_cert_file.empty()) {
      w->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      w->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                          asio::ssl::context::no_tlsv1_1);
      w->tls->use_certificate_chain_file(options_.tls_cert_file, ec);
      if (!ec) w->tls->use_private_key_file(options_.tls_key_file, asio::ssl::context::pem, ec);
      if (ec) return makeError("listen.tls", "cannot load TLS certificate/key: " + ec.message());
    }
    auto acceptor = std::make_unique<tcp::acceptor>(w->io);
    const tcp::endpoint endpoint(address, port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->set_option(ReusePort(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return makeError("listen.bind", "cannot listen on " + options_.address + ":" +
                                          std::to_string(port) + ": " + ec.message());
    // With port 0 the first acceptor picks the port; the others join it.
    port = acceptor->local_endpoint().port();
    w->acceptor = std::move(acceptor);
  }
  port_ = port;
  return port;
}

void Listener::start() {
  started_ = true;
  for (auto& w : workers_) {
    asio::co_spawn(w->io, acceptLoop(*w), asio::detached);
    threads_.emplace_back([worker = w.get()] {
      auto guard = asio::make_work_guard(worker->io);
      worker->io.run();
    });
  }
}

void Listener::stop(uint32_t grace_ms) {
  if (!started_) return;
  started_ = false;
  for (auto& w : workers_) {
    w->draining = true;
    asio::post(w->io, [worker = w.get()] {
      boost::system::error_code ec;
      if (worker->acceptor) worker->acceptor->close(ec);
      // Idle keep-alive connections go now; busy ones close after their response.
      std::vector<ConnectionControl*> idle;
      for (auto* c : worker->connections)
        if (c->idle()) idle.push_back(c);
      for (auto* c : idle) c->closeNow();
    });
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (open_connections_.load() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& w : workers_) w->io.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace concord::http
