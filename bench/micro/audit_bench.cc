// Audit log micro benchmarks (issue 6): the request-path cost of AuditLog::append (target
// <= 3 µs) and records per second made durable on this machine's disk, in batched and strict
// modes. Real files under $TMPDIR; fsync is real. Figures go into the engineer's report and
// bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "audit/audit_log.h"

namespace {

using namespace concord::audit;

concord::audit::AuditRecord sampleRecord(int i) {
  AuditRecord r;
  r.exchange_id = "ex-" + std::to_string(i);
  r.tenant = "acme";
  r.key_id = "key-1";
  r.endpoint = "/v1/chat/completions";
  r.model = "gpt-4o-mini";
  r.upstream = "openai-eu";
  r.status = 200;
  r.action = "redact";
  r.rules = {{"eu.art12.logging", "EU AI Act Art. 12", "log"}, {"gdpr.minimise", "GDPR Art. 5(1)(c)", "redact"}};
  r.findings = {{"pii.email", "prompt", 10, 27, 0.98}};
  r.labels = {"label.explicit"};
  r.prompt_tokens = 120;
  r.completion_tokens = 300;
  r.total_tokens = 420;
  r.overhead_us = 180;
  r.total_us = 900000;
  r.content_mode = ContentMode::kHash;
  r.prompt = std::string(600, 'p');
  r.answer = std::string(1500, 'a');
  return r;
}

struct TempLog {
  std::filesystem::path dir;
  std::unique_ptr<AuditLog> log;
  TempLog(Durability d, int window_ms = 2) {
    dir = std::filesystem::temp_directory_path() / ("concord-audit-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    AuditOptions o;
    o.dir = (dir / "audit").string();
    o.signing_key_path = (dir / "key").string();
    o.durability = d;
    o.group_commit_ms = window_ms;
    auto r = AuditLog::open(o, PosixFileSystem::instance(), concord::SystemClock::instance());
    if (!r) std::abort();
    log = std::move(*r);
  }
  ~TempLog() {
    log->close();
    std::filesystem::remove_all(dir);
  }
};

// What the request path pays: one append() of a record it has already built.
void BM_AppendRequestPath(benchmark::State& state) {
  TempLog t(state.range(0) ? Durability::kStrict : Durability::kBatched);
  constexpr int kBatch = 1000;
  std::vector<AuditRecord> recs;
  uint64_t rejected = 0;
  for (auto _ : state) {
    recs.clear();
    for (int i = 0; i < kBatch; ++i) recs.push_back(sampleRecord(i));
    auto start = std::chrono::steady_clock::now();
    for (auto& r : recs) rejected += !t.log->append(std::move(r), [](concord::Status) {});
    auto end = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - start).count() / kBatch);
    // Let the writer drain so the queue never fills (not timed).
    while (t.log->stats().durable + 4096 < t.log->stats().appended) std::this_thread::yield();
  }
  state.counters["rejected"] = double(rejected);
}
BENCHMARK(BM_AppendRequestPath)->Arg(0)->Arg(1)->ArgNames({"strict"})->UseManualTime()->Iterations(200);

// Records per second made durable, with `window` records in flight (like concurrent clients).
void BM_DurableThroughput(benchmark::State& state) {
  bool strict = state.range(0) != 0;
  int64_t window = state.range(1);
  TempLog t(strict ? Durability::kStrict : Durability::kBatched);
  const int kRecords = window < 64 ? 500 : 20000;  // a closed loop of one waits ~3 ms each
  for (auto _ : state) {
    std::atomic<int64_t> done{0};
    uint64_t base = t.log->stats().durable;
    for (int i = 0; i < kRecords; ++i) {
      while (i - done.load(std::memory_order_relaxed) >= window) std::this_thread::yield();
      AuditRecord r = sampleRecord(i);
      if (!t.log->append(std::move(r), [&done](concord::Status) { done.fetch_add(1, std::memory_order_relaxed); })) --i;
      if (!strict && i % 1024 == 0)
        while (t.log->stats().appended - t.log->stats().durable > uint64_t(window)) std::this_thread::yield();
    }
    while (t.log->stats().durable - base < uint64_t(kRecords)) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  auto st = t.log->stats();
  state.SetItemsProcessed(int64_t(state.iterations()) * kRecords);
  state.counters["records_per_fsync"] = double(st.durable) / double(std::max<uint64_t>(1, st.fsyncs));
}
BENCHMARK(BM_DurableThroughput)
    ->Args({0, 8192})
    ->Args({1, 1})
    ->Args({1, 64})
    ->Args({1, 1024})
    ->ArgNames({"strict", "in_flight"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
