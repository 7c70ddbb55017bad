// FakeUpstream: an in-process OpenAI-compatible server on 127.0.0.1 (port 0) for the integration
// tests. It answers like OpenAI does (chat completions with `usage`, chunked SSE streams ending
// in `data: [DONE]`, completions, embeddings, responses, models) and, on demand, misbehaves:
// HTTP 500/503/429, a reset in the middle of a body, a stream cut before [DONE], a slow drip of
// events, or no answer at all. The behaviour comes from setBehaviour() or, when that is kNormal,
// from a magic model name in the request body (see behaviourForModel()).
//
// It records what it received (request count, connections, the last request's head and body)
// and what it saw of its peers (connections closed by the gateway while a stream or a hang was
// in progress), so tests can assert failover, retries, alias rewrites, upstream keys and
// cancellation. One accept thread plus one thread per connection (plain blocking sockets with
// poll), all joined by the destructor. Every public method is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace concord::testing {

enum class Behaviour {
  kNormal,          // OpenAI-like answers (SSE when the body says "stream": true)
  kStatus500,
  kStatus503,
  kStatus429,
  kResetMidBody,    // JSON head with Content-Length, half the body, then RST
  kTruncateStream,  // SSE head and a few events, then the connection closes (no [DONE])
  kSlowDrip,        // SSE events spaced by drip_delay_ms (also for non-stream requests)
  kHang,            // reads the request, never answers (until the peer closes)
};

// Magic model names: "fake-500", "fake-503", "fake-429", "fake-reset", "fake-truncate",
// "fake-drip", "fake-hang"; anything else is kNormal.
Behaviour behaviourForModel(const std::string& model);

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string model;  // "model" of the JSON body, if any
};

class FakeUpstream {
 public:
  explicit FakeUpstream(std::string name = "fake");
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  std::string baseUrl() const;  // http://127.0.0.1:<port>/v1

  void setBehaviour(Behaviour b) { behaviour_.store(b); }
  void setDrip(int events, int delay_ms) {
    drip_events_.store(events);
    drip_delay_ms_.store(delay_ms);
  }
  void setStreamEvents(int events) { stream_events_.store(events); }
  // Closes each connection right after a normal answer, without saying so (like an upstream
  // whose idle timeout fires): a pooled connection then turns out stale on its next use.
  void setCloseAfterResponse(bool close) { close_after_response_.store(close); }
  // Canned chat answers (e.g. an agent's tool calls): /v1/chat/completions then answers `json`,
  // or, when streaming, one SSE event per item of `sse_data` followed by [DONE]. Empty `json`
  // restores the normal answers.
  void setCannedChat(std::string json, std::vector<std::string> sse_data);
  // A canned /v1/responses stream: one event per item (`event: <type>` + data), no [DONE], as
  // the Responses API streams. Empty restores the normal (non-streaming) answer.
  void setCannedResponsesStream(std::vector<std::string> sse_data);

  int requests() const { return requests_.load(); }
  int connections() const { return connections_.load(); }
  // Connections the peer closed while this fake was still streaming or holding an answer.
  int peerClosedEarly() const { return peer_closed_early_.load(); }
  // Streams the fake finished sending in full ([DONE] and the last chunk written).
  int streamsCompleted() const { return streams_completed_.load(); }
  RecordedRequest lastRequest() const;
  std::vector<RecordedRequest> allRequests() const;

  // Waits (bounded) until `pred()` holds; true if it did.
  template <typename Pred>
  bool waitFor(Pred pred, int timeout_ms) const;

  // The exact JSON body a kNormal chat completion answer has (for byte-for-byte checks).
  std::string chatCompletionJson(const std::string& model) const;

 private:
  void acceptLoop();
  void serveConnection(int fd);
  bool handle(int fd, const RecordedRequest& request);  // false = close the connection
  void stream(int fd, const RecordedRequest& request, int events, int delay_ms, bool truncate);
  // Sleeps up to ms; returns false early if the peer closed the connection.
  bool waitPeer(int fd, int ms);

  std::string name_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<Behaviour> behaviour_{Behaviour::kNormal};
  std::atomic<int> drip_events_{5};
  std::atomic<int> drip_delay_ms_{100};
  std::atomic<int> stream_events_{4};
  std::atomic<bool> close_after_response_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::atomic<int> peer_closed_early_{0};
  std::atomic<int> streams_completed_{0};

  mutable std::mutex mutex_;
  std::string canned_json_;               // guarded by mutex_
  std::vector<std::string> canned_sse_;   // guarded by mutex_
  std::vector<std::string> canned_responses_sse_;  // guarded by mutex_
  std::vector<RecordedRequest> received_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

template <typename Pred>
bool FakeUpstream::waitFor(Pred pred, int timeout_ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace concord::testing
