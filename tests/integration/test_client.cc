#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace concord::testing {

TestClient::~TestClient() { close(); }

bool TestClient::connect(uint16_t port) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close();
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  eof_ = false;
  buf_.clear();
  return true;
}

void TestClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::sendRaw(const std::string& bytes) {
  std::string_view rest = bytes;
  while (!rest.empty() && fd_ >= 0) {
    const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return rest.empty();
}

bool TestClient::sendRequest(const std::string& method, const std::string& target,
                             const std::string& key, const std::string& body,
                             const std::string& content_type, const std::string& extra_headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
  if (!content_type.empty() && method != "GET") req += "Content-Type: " + content_type + "\r\n";
  if (method != "GET" || !body.empty()) req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += extra_headers;
  req += "\r\n";
  req += body;
  return sendRaw(req);
}

bool TestClient::fill(SteadyClock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;
    char tmp[16 * 1024];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
}

std::optional<std::string> TestClient::readLine(SteadyClock::time_point deadline) {
  size_t end;
  while ((end = buf_.find("\r\n")) == std::string::npos)
    if (!fill(deadline)) return std::nullopt;
  std::string line = buf_.substr(0, end);
  buf_.erase(0, end + 2);
  return line;
}

bool TestClient::readExactly(size_t n, std::string& out, SteadyClock::time_point deadline) {
  while (buf_.size() < n)
    if (!fill(deadline)) return false;
  out.append(buf_, 0, n);
  buf_.erase(0, n);
  return true;
}

std::optional<HttpResponse> TestClient::readHead(int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  HttpResponse r;
  auto status_line = readLine(deadline);
  if (!status_line) return std::nullopt;
  // Skip interim responses (100 Continue).
  while (status_line->starts_with("HTTP/1.1 1")) {
    while (auto l = readLine(deadline)) if (l->empty()) break;
    status_line = readLine(deadline);
    if (!status_line) return std::nullopt;
  }
  if (status_line->size() < 12 || !status_line->starts_with("HTTP/1.")) return std::nullopt;
  r.status = std::stoi(status_line->substr(9, 3));
  for (;;) {
    auto line = readLine(deadline);
    if (!line) return std::nullopt;
    if (line->empty()) break;
    const size_t colon = line->find(':');
    if (colon == std::string::npos) continue;
    std::string name = line->substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t v = colon + 1;
    while (v < line->size() && (*line)[v] == ' ') ++v;
    r.headers[name] = line->substr(v);
  }
  r.chunked = r.header("transfer-encoding") == "chunked";
  return r;
}

std::optional<std::string> TestClient::readChunk(int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  auto size_line = readLine(deadline);
  if (!size_line) return std::nullopt;
  const size_t size = std::stoul(*size_line, nullptr, 16);
  std::string data;
  if (!readExactly(size, data, deadline)) return std::nullopt;
  auto crlf = readLine(deadline);
  if (!crlf || !crlf->empty()) return std::nullopt;
  return data;
}

std::optional<HttpResponse> TestClient::readResponse(int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  auto r = readHead(timeout_ms);
  if (!r) return std::nullopt;
  if (r->chunked) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
      auto c = readChunk(static_cast<int>(std::max<long>(left, 1)));
      if (!c) return std::nullopt;
      if (c->empty()) break;
      r->chunks.push_back(*c);
      r->chunk_times.push_back(SteadyClock::now());
      r->body += *c;
    }
    return r;
  }
  if (const auto len = r->header("content-length"); !len.empty()) {
    if (!readExactly(std::stoul(len), r->body, deadline)) return std::nullopt;
    return r;
  }
  while (fill(deadline)) {
  }
  if (!eof_) return std::nullopt;
  r->body = std::move(buf_);
  buf_.clear();
  return r;
}

bool TestClient::waitClosed(int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (!eof_ && SteadyClock::now() < deadline) fill(deadline);
  return eof_;
}

std::optional<HttpResponse> TestClient::request(uint16_t port, const std::string& method,
                                                const std::string& target, const std::string& key,
                                                const std::string& body, int timeout_ms) {
  TestClient c;
  if (!c.connect(port)) return std::nullopt;
  if (!c.sendRequest(method, target, key, body)) return std::nullopt;
  return c.readResponse(timeout_ms);
}

}  // namespace concord::testing
