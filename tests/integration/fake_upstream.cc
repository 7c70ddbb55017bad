#include "fake_upstream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace concord::testing {

namespace {

constexpr int kPollMs = 20;  // how often blocked threads look at stop_

bool sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string chunk(std::string_view data) {
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string response(int status, std::string_view body, std::string_view extra_headers = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  out += "Content-Type: application/json\r\n";
  out += extra_headers;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

std::string errorJson(std::string_view message, std::string_view type, std::string_view code) {
  nlohmann::json j = {{"error", {{"message", message}, {"type", type}, {"param", nullptr},
                                 {"code", code.empty() ? nlohmann::json(nullptr) : nlohmann::json(code)}}}};
  return j.dump();
}

constexpr const char* kUsage = R"("usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19})";

}  // namespace

Behaviour behaviourForModel(const std::string& model) {
  if (model == "fake-500") return Behaviour::kStatus500;
  if (model == "fake-503") return Behaviour::kStatus503;
  if (model == "fake-429") return Behaviour::kStatus429;
  if (model == "fake-reset") return Behaviour::kResetMidBody;
  if (model == "fake-truncate") return Behaviour::kTruncateStream;
  if (model == "fake-drip") return Behaviour::kSlowDrip;
  if (model == "fake-hang") return Behaviour::kHang;
  return Behaviour::kNormal;
}

FakeUpstream::FakeUpstream(std::string name) : name_(std::move(name)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0)
    throw std::runtime_error("fake upstream: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FakeUpstream::~FakeUpstream() {
  stop_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

std::string FakeUpstream::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

RecordedRequest FakeUpstream::lastRequest() const {
  std::lock_guard lock(mutex_);
  return received_.empty() ? RecordedRequest{} : received_.back();
}

std::vector<RecordedRequest> FakeUpstream::allRequests() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void FakeUpstream::acceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++connections_;
    std::lock_guard lock(mutex_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serveConnection(fd); });
  }
}

void FakeUpstream::serveConnection(int fd) {
  std::string buf;
  auto readMore = [&]() -> bool {
    char tmp[16 * 1024];
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, kPollMs) <= 0) continue;
      const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<size_t>(n));
      return true;
    }
    return false;
  };
  bool keep = true;
  while (keep && !stop_) {
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos)
      if (!readMore()) goto done;
    {
      RecordedRequest req;
      const std::string head = buf.substr(0, head_end);
      buf.erase(0, head_end + 4);
      size_t line_end = head.find("\r\n");
      const std::string request_line = head.substr(0, line_end);
      const size_t sp1 = request_line.find(' ');
      const size_t sp2 = request_line.find(' ', sp1 + 1);
      req.method = request_line.substr(0, sp1);
      req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
      size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        const std::string line = head.substr(pos, end - pos);
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return std::tolower(c); });
          size_t v = colon + 1;
          while (v < line.size() && line[v] == ' ') ++v;
          req.headers[name] = line.substr(v);
        }
        pos = end + 2;
      }
      size_t length = 0;
      if (auto it = req.headers.find("content-length"); it != req.headers.end())
        length = std::stoul(it->second);
      while (buf.size() < length)
        if (!readMore()) goto done;
      req.body = buf.substr(0, length);
      buf.erase(0, length);
      const auto json = nlohmann::json::parse(req.body, nullptr, false);
      if (json.is_object() && json.contains("model") && json["model"].is_string())
        req.model = json["model"].get<std::string>();
      {
        std::lock_guard lock(mutex_);
        received_.push_back(req);
      }
      ++requests_;
      keep = handle(fd, req) && !close_after_response_.load();
    }
  }
done:
  std::lock_guard lock(mutex_);
  fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
  ::close(fd);
}

bool FakeUpstream::waitPeer(int fd, int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          until - std::chrono::steady_clock::now()).count();
    if (left <= 0 || stop_) return !stop_;
    pollfd p{fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long>(left, kPollMs)));
    if (rc <= 0) continue;
    char c;
    const ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;  // peer closed
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(left, kPollMs)));
  }
}

std::string FakeUpstream::chatCompletionJson(const std::string& model) const {
  std::string out = R"({"id":"chatcmpl-fake","object":"chat.completion","created":1764400000,"model":)";
  out += nlohmann::json(model).dump();
  out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":"Hello from )" + name_ +
         R"(","refusal":null},"logprobs":null,"finish_reason":"stop"}],)";
  out += kUsage;
  out += R"(,"system_fingerprint":"fp_fake"})";
  return out;
}

void FakeUpstream::setCannedChat(std::string json, std::vector<std::string> sse_data) {
  std::lock_guard lock(mutex_);
  canned_json_ = std::move(json);
  canned_sse_ = std::move(sse_data);
}

void FakeUpstream::setCannedResponsesStream(std::vector<std::string> sse_data) {
  std::lock_guard lock(mutex_);
  canned_responses_sse_ = std::move(sse_data);
}

bool FakeUpstream::handle(int fd, const RecordedRequest& req) {
  Behaviour b = behaviour_.load();
  if (b == Behaviour::kNormal) b = behaviourForModel(req.model);
  const auto json = nlohmann::json::parse(req.body, nullptr, false);
  const bool wants_stream = json.is_object() && json.value("stream", false);
  const std::string model = req.model;
  switch (b) {
    case Behaviour::kStatus500:
      return sendAll(fd, response(500, errorJson("The server had an error while processing your request.",
                                                 "server_error", "")));
    case Behaviour::kStatus503:
      return sendAll(fd, response(503, errorJson("The engine is currently overloaded.",
                                                 "server_error", "")));
    case Behaviour::kStatus429:
      return sendAll(fd, response(429, errorJson("Rate limit reached for requests",
                                                 "requests", "rate_limit_exceeded"),
                                  "Retry-After: 0\r\n"));
    case Behaviour::kResetMidBody: {
      const std::string body = chatCompletionJson(model);
      std::string head = response(200, body);
      head.resize(head.size() - body.size() / 2);  // half the body
      sendAll(fd, head);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      linger l{1, 0};  // close with RST
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      return false;
    }
    case Behaviour::kTruncateStream:
      stream(fd, req, 2, 0, true);
      return false;
    case Behaviour::kSlowDrip:
      stream(fd, req, drip_events_.load(), drip_delay_ms_.load(), false);
      return true;
    case Behaviour::kHang:
      while (!stop_)
        if (!waitPeer(fd, 1000)) {
          if (!stop_) ++peer_closed_early_;
          break;
        }
      return false;
    case Behaviour::kNormal:
      break;
  }
  const std::string& t = req.target;
  std::string canned_json;
  std::vector<std::string> canned_sse, canned_responses;
  {
    std::lock_guard lock(mutex_);
    canned_json = canned_json_;
    canned_sse = canned_sse_;
    canned_responses = canned_responses_sse_;
  }
  if (t == "/v1/responses" && wants_stream && !canned_responses.empty()) {
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const auto& data : canned_responses) {
      const auto type = nlohmann::json::parse(data, nullptr, false).value("type", std::string("message"));
      out += chunk("event: " + type + "\ndata: " + data + "\n\n");
    }
    out += "0\r\n\r\n";
    if (sendAll(fd, out)) ++streams_completed_;
    return true;
  }
  if (t == "/v1/chat/completions" && !canned_json.empty()) {
    if (!wants_stream) return sendAll(fd, response(200, canned_json));
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const auto& data : canned_sse) out += chunk("data: " + data + "\n\n");
    out += chunk("data: [DONE]\n\n");
    out += "0\r\n\r\n";
    if (sendAll(fd, out)) ++streams_completed_;
    return true;
  }
  if (t == "/v1/chat/completions") {
    if (wants_stream) {
      stream(fd, req, stream_events_.load(), 0, false);
      return true;
    }
    return sendAll(fd, response(200, chatCompletionJson(model)));
  }
  if (t == "/v1/completions") {
    std::string body = R"({"id":"cmpl-fake","object":"text_completion","created":1764400000,"model":)" +
                       nlohmann::json(model).dump() +
                       R"(,"choices":[{"text":"Hello","index":0,"logprobs":null,"finish_reason":"stop"}],)" +
                       kUsage + "}";
    return sendAll(fd, response(200, body));
  }
  if (t == "/v1/embeddings") {
    std::string body = R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023,-0.0093,0.0157]}],"model":)" +
                       nlohmann::json(model).dump() +
                       R"(,"usage":{"prompt_tokens":5,"total_tokens":5}})";
    return sendAll(fd, response(200, body));
  }
  if (t == "/v1/responses") {
    std::string body = R"({"id":"resp_fake","object":"response","created_at":1764400000,"status":"completed","model":)" +
                       nlohmann::json(model).dump() +
                       R"(,"output":[{"type":"message","id":"msg_fake","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],"usage":{"input_tokens":9,"output_tokens":2,"total_tokens":11}})";
    return sendAll(fd, response(200, body));
  }
  if (t == "/v1/models") {
    return sendAll(fd, response(200, R"({"object":"list","data":[{"id":"fake-model","object":"model","created":0,"owned_by":"fake"}]})"));
  }
  return sendAll(fd, response(404, errorJson("Unknown request URL: " + t, "invalid_request_error",
                                             "unknown_url")));
}

void FakeUpstream::stream(int fd, const RecordedRequest& req, int events, int delay_ms, bool truncate) {
  const auto json = nlohmann::json::parse(req.body, nullptr, false);
  bool include_usage = false;
  if (json.is_object() && json.contains("stream_options") && json["stream_options"].is_object())
    include_usage = json["stream_options"].value("include_usage", false);
  const std::string model = nlohmann::json(req.model).dump();
  const std::string prefix = R"(data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1764400000,"model":)" +
                             model + R"(,"system_fingerprint":"fp_fake","choices":[)";
  if (!sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                   "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n"))
    return;
  for (int i = 0; i < events; ++i) {
    if (i > 0 && delay_ms > 0 && !waitPeer(fd, delay_ms)) {
      ++peer_closed_early_;
      return;
    }
    std::string event = prefix;
    if (i == 0)
      event += R"({"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})";
    else
      event += R"({"index":0,"delta":{"content":"tok)" + std::to_string(i) +
               R"( "},"logprobs":null,"finish_reason":null}]})";
    event += "\n\n";
    if (!sendAll(fd, chunk(event))) {
      ++peer_closed_early_;
      return;
    }
  }
  if (truncate) return;  // the caller closes the connection: no [DONE], no last chunk
  std::string tail = chunk(prefix + R"({"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]})" + "\n\n");
  if (include_usage)
    tail += chunk(prefix + "]," + kUsage + "}\n\n");
  tail += chunk("data: [DONE]\n\n");
  tail += "0\r\n\r\n";
  if (sendAll(fd, tail)) ++streams_completed_;
}

}  // namespace concord::testing
