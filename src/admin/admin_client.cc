#include "admin/admin_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstring>

#include <nlohmann/json.hpp>

namespace concord::admin {

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool waitFor(int fd, short events, int64_t deadline) {
  for (;;) {
    const int64_t left = deadline - nowMs();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

// Decodes a chunked body (the admin listener answers with Content-Length, but be tolerant).
bool dechunk(std::string_view in, std::string& out) {
  out.clear();
  while (true) {
    const size_t eol = in.find("\r\n");
    if (eol == std::string_view::npos) return false;
    size_t size = 0;
    auto [p, ec] = std::from_chars(in.data(), in.data() + eol, size, 16);
    if (ec != std::errc()) return false;
    in.remove_prefix(eol + 2);
    if (size == 0) return true;
    if (in.size() < size + 2) return false;
    out.append(in.substr(0, size));
    in.remove_prefix(size + 2);
  }
}

}  // namespace

Result<AdminUrl> parseAdminUrl(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.starts_with("https://"))
    return makeError("admin.bad_url", "https is not supported by the admin CLI; use the loopback http listener");
  if (!url.starts_with(kHttp)) return makeError("admin.bad_url", "the admin URL must start with http://");
  url.remove_prefix(kHttp.size());
  AdminUrl out;
  const size_t slash = url.find('/');
  std::string_view hostport = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.base_path = std::string(url.substr(slash));
    while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  }
  // "[::1]:8081": the port follows the bracket; "host:8081": the last colon.
  const size_t bracket = hostport.find(']');
  const size_t colon = hostport.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    unsigned port = 0;
    auto ps = hostport.substr(colon + 1);
    auto [p, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
    if (ec != std::errc() || p != ps.data() + ps.size() || port == 0 || port > 65535)
      return makeError("admin.bad_url", "bad port in admin URL");
    out.port = static_cast<uint16_t>(port);
    hostport = hostport.substr(0, colon);
  }
  if (hostport.starts_with("[") && hostport.ends_with("]")) hostport = hostport.substr(1, hostport.size() - 2);
  if (hostport.empty()) return makeError("admin.bad_url", "no host in admin URL");
  out.host = std::string(hostport);
  return out;
}

Result<HttpReply> adminRequest(const AdminUrl& url, std::string_view method, std::string_view path,
                               std::string_view token, std::string_view json_body, int timeout_ms) {
  const int64_t deadline = nowMs() + timeout_ms;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(url.port);
  if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return makeError("admin.connect", "cannot resolve " + url.host + ": " + gai_strerror(rc));
  Fd sock;
  std::string last_error = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    Fd s{::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol)};
    if (s.fd < 0) continue;
    if (::connect(s.fd, a->ai_addr, a->ai_addrlen) == 0) {
      std::swap(sock.fd, s.fd);
      break;
    }
    last_error = std::strerror(errno);
  }
  ::freeaddrinfo(res);
  if (sock.fd < 0)
    return makeError("admin.connect", "cannot connect to " + url.host + ":" + port + ": " + last_error);

  std::string req;
  req += method;
  req += ' ';
  req += url.base_path;
  req += path;
  req += " HTTP/1.1\r\nHost: " + url.host + ":" + port + "\r\nConnection: close\r\nAccept: application/json\r\n";
  if (!token.empty()) {
    req += "Authorization: Bearer ";
    req += token;
    req += "\r\n";
  }
  req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(json_body.size()) + "\r\n\r\n";
  req += json_body;
  size_t sent = 0;
  while (sent < req.size()) {
    if (!waitFor(sock.fd, POLLOUT, deadline)) return makeError("admin.timeout", "timed out sending the request");
    const ssize_t n = ::send(sock.fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError("admin.io", std::string("send: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char buf[8192];
  for (;;) {
    if (!waitFor(sock.fd, POLLIN, deadline)) return makeError("admin.timeout", "timed out waiting for the answer");
    const ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError("admin.io", std::string("recv: ") + std::strerror(errno));
    }
    if (n == 0) break;
    in.append(buf, static_cast<size_t>(n));
    if (in.size() > (16u << 20)) return makeError("admin.bad_reply", "answer too large");
  }
  const size_t head_end = in.find("\r\n\r\n");
  if (!in.starts_with("HTTP/1.") || head_end == std::string::npos || in.size() < 12)
    return makeError("admin.bad_reply", "not an HTTP answer");
  HttpReply reply;
  auto [p, ec] = std::from_chars(in.data() + 9, in.data() + 12, reply.status);
  if (ec != std::errc()) return makeError("admin.bad_reply", "no status code");
  std::string head = in.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view body(in.data() + head_end + 4, in.size() - head_end - 4);
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    if (!dechunk(body, reply.body)) return makeError("admin.bad_reply", "bad chunked body");
  } else {
    reply.body = std::string(body);
  }
  return reply;
}

std::string errorMessage(const HttpReply& reply) {
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    std::string msg = e.value("message", "");
    if (e.contains("code") && e["code"].is_string()) msg += " (" + e["code"].get<std::string>() + ")";
    return msg;
  }
  return reply.body.substr(0, 300);
}

}  // namespace concord::admin
