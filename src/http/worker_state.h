// WorkerState: what one worker thread owns — its io_context, acceptor, TLS context and the set
// of its open connections (for graceful shutdown). Touched only from that worker's thread,
// except `draining`, which the main thread sets before posting the shutdown.
#pragma once

#include <atomic>
#include <memory>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/listener.h"

namespace concord::http {

// What the listener needs to know of a live connection to shut it down.
class ConnectionControl {
 public:
  virtual ~ConnectionControl() = default;
  virtual bool idle() const = 0;      // waiting for the next request
  virtual void closeNow() = 0;        // close the socket (ends the connection coroutine)
};

struct WorkerState {
  int index = 0;
  std::unordered_set<ConnectionControl*> connections;
  std::atomic<bool> draining{false};
  const ListenerOptions* options = nullptr;
  const Handler* handler = nullptr;
  std::atomic<int64_t>* open_connections = nullptr;
  // Declared after what connections touch: destroying `io` destroys pending connection
  // coroutines, which unregister themselves from `connections`.
  boost::asio::io_context io{1};
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
  std::unique_ptr<boost::asio::ssl::context> tls;  // null = plain HTTP
};

// Starts serving one accepted socket (plain or TLS per `worker.tls`) on the worker's context.
void spawnConnection(WorkerState& worker, boost::asio::ip::tcp::socket socket);

}  // namespace concord::http
