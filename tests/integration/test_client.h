// TestClient: a tiny blocking HTTP/1.1 client over a raw socket for the integration tests. It can
// send arbitrary bytes (malformed requests, pipelined requests, slow headers), keep one
// connection alive across requests, read a response framed by Content-Length, chunked encoding
// or connection close, read a chunked stream chunk by chunk with arrival times, and tell when
// the server closed the connection. Every read has a deadline, so a test never hangs. One
// thread at a time per client.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace concord::testing {

using SteadyClock = std::chrono::steady_clock;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // de-chunked
  bool chunked = false;
  std::vector<std::string> chunks;             // chunk payloads, in order (chunked only)
  std::vector<SteadyClock::time_point> chunk_times;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestClient {
 public:
  TestClient() = default;
  explicit TestClient(uint16_t port) { connect(port); }
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connect(uint16_t port);
  void close();
  bool connected() const { return fd_ >= 0; }

  bool sendRaw(const std::string& bytes);
  // A whole request: method, target, optional bearer key, JSON body (Content-Type set unless
  // `content_type` is empty), extra raw header lines ("Name: value\r\n...").
  bool sendRequest(const std::string& method, const std::string& target, const std::string& key,
                   const std::string& body, const std::string& content_type = "application/json",
                   const std::string& extra_headers = "");

  // Reads one complete response; nullopt on timeout or if the connection closed first.
  std::optional<HttpResponse> readResponse(int timeout_ms = 5000);
  // Streaming: the head, then one chunk at a time ("" = the terminating chunk; nullopt =
  // timeout or connection closed).
  std::optional<HttpResponse> readHead(int timeout_ms = 5000);
  std::optional<std::string> readChunk(int timeout_ms = 5000);

  // True if the server closes the connection (EOF or reset) within the timeout; bytes that
  // arrive meanwhile are kept for later reads.
  bool waitClosed(int timeout_ms);

  // Convenience: one request on a fresh connection.
  static std::optional<HttpResponse> request(uint16_t port, const std::string& method,
                                             const std::string& target, const std::string& key,
                                             const std::string& body, int timeout_ms = 5000);

 private:
  // Reads more bytes into buf_ before `deadline`; false on timeout, EOF or error.
  bool fill(SteadyClock::time_point deadline);
  std::optional<std::string> readLine(SteadyClock::time_point deadline);
  bool readExactly(size_t n, std::string& out, SteadyClock::time_point deadline);

  int fd_ = -1;
  bool eof_ = false;
  std::string buf_;
};

}  // namespace concord::testing
