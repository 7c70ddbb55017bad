// runExchange: the request path of DESIGN.md for one client request — accept (done by the
// listener), authenticate, parse, detect, decide, enforce, forward and relay, label, audit.
// Runs as one coroutine on the connection's worker thread; reads top to bottom in exchange.cc.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/request.h"
#include "http/response_sink.h"
#include "proxy/gateway.h"

namespace concord::proxy {

boost::asio::awaitable<void> runExchange(Gateway& gateway, http::Request& request,
                                         http::ResponseSink& sink);

}  // namespace concord::proxy
