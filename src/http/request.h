// Request: one HTTP request as the exchange sees it, without any Boost type, so that the
// request path and its tests don't pull Asio/Beast in. Owned by the connection for the time
// of one exchange.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace concord::http {

struct Request {
  std::string method;
  std::string target;
  std::string authorization;   // raw Authorization header value
  std::string content_type;
  std::string request_id;      // client's x-request-id, if any (echoed in records)
  std::string body;
  int worker = 0;              // index of the worker thread serving the connection
  int64_t received_nanos = 0;  // monotonic time when the request was fully read
  std::string peer;            // remote address, for logs
};

struct Header {
  std::string_view name;
  std::string_view value;
};

}  // namespace concord::http
