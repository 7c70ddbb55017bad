// AdminClient: the small blocking HTTP/1.1 client that `concord admin stop|resume` uses to call
// a running gateway's admin API (plain HTTP over TCP; the admin listener is on loopback by
// default). One request per connection (Connection: close); bounded by a timeout. CLI only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace concord::admin {

struct AdminUrl {
  std::string host;
  uint16_t port = 80;
  std::string base_path;  // without a trailing slash
};
// "http://127.0.0.1:9090" or "http://localhost:9090/prefix". https is refused
// ("admin.bad_url"): put a TLS terminator's plain side on loopback instead.
Result<AdminUrl> parseAdminUrl(std::string_view url);

struct HttpReply {
  int status = 0;
  std::string body;
};

// Sends `method path` with a Bearer token and an optional JSON body; returns status and body.
// Errors: admin.connect (cannot connect / resolve), admin.io, admin.bad_reply, admin.timeout.
Result<HttpReply> adminRequest(const AdminUrl& url, std::string_view method, std::string_view path,
                               std::string_view token, std::string_view json_body, int timeout_ms = 10'000);

// The human-readable line for an error reply: the OpenAI-shaped body's message, else the body.
std::string errorMessage(const HttpReply& reply);

}  // namespace concord::admin
