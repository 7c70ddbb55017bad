// The listener with a trivial handler (no proxy): framing of whole and streamed answers,
// keep-alive, pipelining, HEAD, limits answered by the connection itself, and stop().
#include "http/listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "http/status_line.h"

namespace concord::http {
namespace {

// Minimal blocking client: send bytes, read until `n` bytes, a marker, or EOF (bounded).
class Raw {
 public:
  explicit Raw(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  ~Raw() { ::close(fd_); }
  void send(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size())); }
  // Reads until `marker` has been seen `times` times, EOF, or the timeout.
  std::string readUntil(const std::string& marker, int times = 1, int timeout_ms = 3000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (count(marker) < times && !eof_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[8192];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) eof_ = true;
      else got_.append(buf, static_cast<size_t>(n));
    }
    return got_;
  }
  bool eof() const { return eof_; }

 private:
  int count(const std::string& m) const {
    int c = 0;
    for (size_t p = got_.find(m); p != std::string::npos; p = got_.find(m, p + m.size())) ++c;
    return c;
  }
  int fd_ = -1;
  bool eof_ = false;
  std::string got_;
};

boost::asio::awaitable<void> handler(Request& req, ResponseSink& sink) {
  if (req.target == "/stream") {
    const Header h[] = {{"Content-Type", "text/event-stream"}};
    co_await sink.beginStream(200, h);
    co_await sink.sendChunk("data: 1\n\n");
    co_await sink.sendChunk("");  // ignored: an empty chunk would end the stream
    co_await sink.sendChunk("data: [DONE]\n\n");
    co_await sink.endStream();
    co_return;
  }
  if (req.target == "/unfinished") {  // began a stream and forgot to end it
    const Header h[] = {{"Content-Type", "text/event-stream"}};
    co_await sink.beginStream(200, h);
    co_return;
  }
  const std::string body = "echo " + req.method + " " + req.target + " " + std::to_string(req.body.size()) +
                           " auth=" + req.authorization + " ct=" + req.content_type + " id=" + req.request_id;
  const Header h[] = {{"Content-Type", "text/plain"}};
  co_await sink.send(200, h, body);
}

class ListenerTest : public ::testing::Test {
 protected:
  void start(ListenerOptions o = {}) {
    o.port = 0;
    listener_ = std::make_unique<Listener>(o, handler);
    auto port = listener_->bind();
    ASSERT_TRUE(port) << port.error().message;
    port_ = port.value();
    listener_->start();
  }
  void TearDown() override {
    if (listener_) listener_->stop(1000);
  }
  std::unique_ptr<Listener> listener_;
  uint16_t port_ = 0;
};

TEST(StatusLine, KnownAndUnknown) {
  EXPECT_EQ(statusLine(200), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(statusLine(431), "HTTP/1.1 431 Request Header Fields Too Large\r\n");
  EXPECT_EQ(statusLine(504), "HTTP/1.1 504 Gateway Timeout\r\n");
  EXPECT_EQ(statusLine(599), "HTTP/1.1 599 Unknown\r\n");
}

TEST_F(ListenerTest, RequestFieldsReachTheHandler) {
  start();
  Raw c(port_);
  c.send("POST /x?q=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
         "X-Request-Id: abc\r\nContent-Length: 4\r\n\r\nbody");
  const auto r = c.readUntil("id=abc");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  const std::string echo = "echo POST /x?q=1 4 auth=Bearer k ct=application/json id=abc";
  EXPECT_NE(r.find("Content-Length: " + std::to_string(echo.size()) + "\r\n"), std::string::npos) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\n" + echo)) << r;
}

TEST_F(ListenerTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  start();
  Raw c(port_);
  c.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto r = c.readUntil("HTTP/1.1 200", 3);
  const auto a = r.find("echo GET /a"), b = r.find("echo GET /b"), cc = r.find("echo GET /c");
  ASSERT_NE(cc, std::string::npos) << r;
  EXPECT_LT(a, b);
  EXPECT_LT(b, cc);
  EXPECT_FALSE(c.eof());
}

TEST_F(ListenerTest, StreamIsChunkedAndEndsWithTheLastChunk) {
  start();
  Raw c(port_);
  c.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto r = c.readUntil("0\r\n\r\n");
  EXPECT_NE(r.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\n9\r\ndata: 1\n\n\r\ne\r\ndata: [DONE]\n\n\r\n0\r\n\r\n")) << r;
}

TEST_F(ListenerTest, AStreamTheHandlerForgotToEndIsEnded) {
  start();
  Raw c(port_);
  c.send("GET /unfinished HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto r = c.readUntil("echo GET /after");
  EXPECT_NE(r.find("0\r\n\r\nHTTP/1.1 200 OK"), std::string::npos) << r;
}

TEST_F(ListenerTest, HeadGetsNoBody) {
  start();
  Raw c(port_);
  c.send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto r = c.readUntil("echo GET /g");
  EXPECT_EQ(r.find("echo HEAD"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\n\r\nHTTP/1.1 200 OK"), std::string::npos) << r;
}

TEST_F(ListenerTest, ConnectionCloseIsHonoured) {
  start();
  Raw c(port_);
  c.send("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const auto r = c.readUntil("never", 1, 2000);
  EXPECT_TRUE(c.eof());
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
}

TEST_F(ListenerTest, LimitsAreAnsweredByTheConnection) {
  ListenerOptions o;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 1024;
  start(o);
  {
    Raw c(port_);
    c.send("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n");
    const auto r = c.readUntil("}}");
    EXPECT_TRUE(r.starts_with("HTTP/1.1 413 ")) << r;
    EXPECT_NE(r.find("\"code\":\"body_too_large\""), std::string::npos) << r;
  }
  {
    Raw c(port_);
    c.send("GET /a HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(2000, 'x') + "\r\n\r\n");
    const auto r = c.readUntil("}}");
    EXPECT_TRUE(r.starts_with("HTTP/1.1 431 ")) << r;
  }
  {
    Raw c(port_);
    c.send("NOT HTTP AT ALL\r\n\r\n");
    const auto r = c.readUntil("}}");
    EXPECT_TRUE(r.starts_with("HTTP/1.1 400 ")) << r;
    EXPECT_NE(r.find("\"code\":\"malformed_request\""), std::string::npos) << r;
  }
}

TEST_F(ListenerTest, HeaderTimeoutClosesASilentConnection) {
  ListenerOptions o;
  o.header_timeout_ms = 200;
  start(o);
  Raw c(port_);
  const auto t0 = std::chrono::steady_clock::now();
  c.readUntil("never", 1, 2000);
  EXPECT_TRUE(c.eof());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(150));
}

TEST_F(ListenerTest, StopClosesIdleConnectionsAndRefusesNewOnes) {
  start();
  Raw c(port_);
  c.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
  c.readUntil("echo GET /a");
  EXPECT_EQ(listener_->openConnections(), 1);
  listener_->stop(1000);
  c.readUntil("never", 1, 1000);
  EXPECT_TRUE(c.eof());
  EXPECT_EQ(listener_->openConnections(), 0);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port_);
  EXPECT_NE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ::close(fd);
  listener_.reset();
}

TEST(Listener, BadAddressIsAnError) {
  ListenerOptions o;
  o.address = "not an address";
  Listener l(o, handler);
  auto port = l.bind();
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().code, "listen.bad_address");
}

}  // namespace
}  // namespace concord::http
