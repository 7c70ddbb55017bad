// The real `concord serve` binary as a subprocess: SIGHUP reload with a good file (the new
// model is served) and a bad one (the old config stays, stderr says "reload refused"),
// /readyz from the background prober, and SIGTERM exiting 0 within the grace period.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "store/key_store.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

// One `concord serve` child with its stdout/stderr captured.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& config_path) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      ::execl(CONCORD_BINARY, "concord", "serve", "-c", config_path.c_str(), "--port", "0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_fd_ = out[0];
    err_reader_ = std::thread([this, fd = err[0]] {
      char buf[4096];
      for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        stderr_.append(buf, static_cast<size_t>(n));
      }
      ::close(fd);
    });
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
    if (err_reader_.joinable()) err_reader_.join();
    if (out_fd_ >= 0) ::close(out_fd_);
  }

  // Reads "listening <port>" from stdout; 0 on timeout.
  uint16_t waitListening(int timeout_ms) {
    std::string line;
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char c;
      if (::read(out_fd_, &c, 1) != 1) return 0;
      if (c == '\n') {
        if (line.starts_with("listening ")) return static_cast<uint16_t>(std::stoi(line.substr(10)));
        line.clear();
      } else {
        line += c;
      }
    }
    return 0;
  }

  std::string stderrText() {
    std::lock_guard lock(mutex_);
    return stderr_;
  }
  bool waitStderr(const std::string& needle, int timeout_ms) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      if (stderrText().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  void signal(int sig) { ::kill(pid_, sig); }
  // Sends `sig` once the main thread sits in sigwait(). While it waits, the kernel shows the
  // awaited signals as unblocked in its SigBlk; outside sigwait they are blocked. (Work-around
  // for the serve bug pinned by DISABLED_RapidSignalsDoNotKillTheProcess: a signal arriving
  // while the main thread is busy goes to a thread that does not block it and kills the process.)
  void signalWhenWaiting(int sig) {
    const std::string path = "/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) + "/status";
    for (int i = 0; i < 500; ++i) {
      std::ifstream in(path);
      std::string line;
      unsigned long long blocked = ~0ull;
      while (std::getline(in, line))
        if (line.starts_with("SigBlk:")) blocked = std::stoull(line.substr(7), nullptr, 16);
      if ((blocked & (1ull << (SIGHUP - 1))) == 0 && (blocked & (1ull << (SIGTERM - 1))) == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid_, sig);
  }
  // Exit code, or -1 if it did not exit in time (-2 if killed by a signal).
  int waitExit(int timeout_ms) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -2 - WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  std::thread err_reader_;
  std::mutex mutex_;
  std::string stderr_;
};

GatewayOptions optionsFor(const FakeUpstream& up, std::vector<std::string> models) {
  GatewayOptions o;
  o.workers = 2;
  o.shutdown_grace_ms = 2000;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = std::move(models)});
  return o;
}

void writeFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << text;
  ::rename(tmp.c_str(), path.c_str());
}

int chatStatus(uint16_t port, const std::string& key, const std::string& model) {
  auto r = TestClient::request(port, "POST", "/v1/chat/completions", key, chatBody(model));
  return r ? r->status : -1;
}

TEST(ServeProcess, SighupReloadsAGoodFileRefusesABadOneAndSigtermExitsCleanly) {
  FakeUpstream up("alpha");
  TempDir dir;
  const std::string data_dir = dir.file("data");
  const std::string config_path = dir.file("concord.yaml");
  writeFile(config_path, configYaml(optionsFor(up, {"model-old"}), data_dir));
  std::string key;
  {
    auto keys = store::KeyStore::open(data_dir + "/concord.db", SystemClock::instance());
    ASSERT_TRUE(keys) << keys.error().message;
    auto k = keys.value()->create({.tenant = "acme"});
    ASSERT_TRUE(k);
    key = k.value();
  }

  ServeProcess serve(config_path);
  ASSERT_TRUE(serve.started());
  const uint16_t port = serve.waitListening(10000);
  ASSERT_NE(port, 0) << "concord serve did not start: " << serve.stderrText();

  EXPECT_EQ(chatStatus(port, key, "model-old"), 200);
  EXPECT_EQ(chatStatus(port, key, "model-new"), 404);

  // A good file: the new model is served after SIGHUP.
  writeFile(config_path, configYaml(optionsFor(up, {"model-old", "model-new"}), data_dir));
  serve.signalWhenWaiting(SIGHUP);
  ASSERT_TRUE(serve.waitStderr("reloaded", 3000)) << serve.stderrText();
  EXPECT_EQ(chatStatus(port, key, "model-new"), 200);
  EXPECT_EQ(up.lastRequest().model, "model-new");

  // A broken file: refused with file:line, and the old config keeps serving.
  writeFile(config_path, configYaml(optionsFor(up, {"model-broken"}), data_dir) + "bogus_key: 1\n");
  serve.signalWhenWaiting(SIGHUP);
  ASSERT_TRUE(serve.waitStderr("reload refused", 3000)) << serve.stderrText();
  const std::string err = serve.stderrText();
  EXPECT_NE(err.find("concord.yaml:"), std::string::npos) << err;
  EXPECT_NE(err.find("bogus_key"), std::string::npos) << err;
  EXPECT_EQ(chatStatus(port, key, "model-new"), 200);
  EXPECT_EQ(chatStatus(port, key, "model-broken"), 404);

  // Unparseable YAML is refused too.
  writeFile(config_path, "upstreams: [ {name: x\n");
  serve.signalWhenWaiting(SIGHUP);
  const auto refused_twice = [&] {
    const std::string t = serve.stderrText();
    const size_t first = t.find("reload refused");
    return first != std::string::npos && t.find("reload refused", first + 1) != std::string::npos;
  };
  for (int i = 0; i < 300 && !refused_twice(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(refused_twice()) << serve.stderrText();
  EXPECT_EQ(chatStatus(port, key, "model-old"), 200);

  // The counter moves just after the log line: poll (bounded).
  std::optional<HttpResponse> metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = TestClient::request(port, "GET", "/metrics", "", "");
    if (metrics && metrics->body.find("concord_reloads_total{result=\"refused\"} 2") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("concord_reloads_total{result=\"ok\"} 1"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("concord_reloads_total{result=\"refused\"} 2"), std::string::npos) << metrics->body;

  // SIGTERM: exits 0 within the grace period.
  const auto t0 = SteadyClock::now();
  serve.signalWhenWaiting(SIGTERM);
  EXPECT_EQ(serve.waitExit(4000), 0) << serve.stderrText();
  EXPECT_LT(millisSince(t0), 2500);
  EXPECT_NE(serve.stderrText().find("stopped"), std::string::npos);

  // Every served exchange was audited before exit.
  const auto records = readAuditRecords(data_dir + "/audit");
  const size_t lines = records.size();
  EXPECT_EQ(lines, 6u);  // the six chat requests above (/metrics is not audited)
}

TEST(ServeProcess, ReadyzNamesTheDownUpstreamAndRequestsGetA502) {
  FakeUpstream up("alpha");
  TempDir dir;
  const std::string data_dir = dir.file("data");
  const std::string config_path = dir.file("concord.yaml");
  GatewayOptions o = optionsFor(up, {"gpt-test"});
  o.upstreams.push_back({.name = "nowhere", .base_url = "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1",
                         .models = {"gpt-down"}});
  writeFile(config_path, configYaml(o, data_dir));
  std::string key;
  {
    auto keys = store::KeyStore::open(data_dir + "/concord.db", SystemClock::instance());
    ASSERT_TRUE(keys);
    key = keys.value()->create({.tenant = "acme"}).value();
  }
  ServeProcess serve(config_path);
  const uint16_t port = serve.waitListening(10000);
  ASSERT_NE(port, 0) << serve.stderrText();
  // The prober runs at start; wait (bounded) until it has looked at both upstreams.
  std::optional<HttpResponse> ready;
  for (int i = 0; i < 100; ++i) {
    ready = TestClient::request(port, "GET", "/readyz", "", "");
    if (ready && ready->body.find("not checked yet") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  const auto j = parseJson(ready->body);
  ASSERT_EQ(j["upstreams_down"].size(), 1u) << ready->body;
  EXPECT_EQ(j["upstreams_down"][0]["name"], "nowhere");
  EXPECT_EQ(j["upstreams_up"][0]["name"], "alpha");

  auto r = TestClient::request(port, "POST", "/v1/chat/completions", key, chatBody("gpt-down"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(errorCode(r->body), "upstream_unavailable");
  EXPECT_NE(r->body.find("nowhere"), std::string::npos);
  serve.signalWhenWaiting(SIGTERM);
  EXPECT_EQ(serve.waitExit(4000), 0) << serve.stderrText();
}

// BUG (src/cli/serve_command.cc): SIGTERM/SIGINT/SIGHUP are blocked with pthread_sigmask only
// after GatewaySetup::open has started the audit writer thread, which therefore keeps them
// unblocked. A signal that arrives while the main thread is not inside sigwait() (busy with a
// reload, or not yet looping) is delivered to that thread and its default action kills the
// process: no reload, no drain, no audit flush. Fix: block the three signals at the top of
// runServe, before any thread is created. Enable this test with the fix.
TEST(ServeProcess, RapidSignalsDoNotKillTheProcess) {
  FakeUpstream up("alpha");
  TempDir dir;
  const std::string data_dir = dir.file("data");
  const std::string config_path = dir.file("concord.yaml");
  writeFile(config_path, configYaml(optionsFor(up, {"gpt-test"}), data_dir));
  ServeProcess serve(config_path);
  const uint16_t port = serve.waitListening(10000);
  ASSERT_NE(port, 0) << serve.stderrText();
  for (int i = 0; i < 20; ++i) {
    serve.signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_EQ(serve.waitExit(300), -1) << "concord serve died of a SIGHUP: " << serve.stderrText();
  auto h = TestClient::request(port, "GET", "/healthz", "", "");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  serve.signalWhenWaiting(SIGTERM);
  EXPECT_EQ(serve.waitExit(4000), 0);
}

}  // namespace
}  // namespace concord::testing
