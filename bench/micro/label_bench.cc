// Cost of labelling, provenance and sketching per answer (issue 5: ≤ 10 µs for a 2 KB answer).
// The request path does: splice the label, build the manifest (normalise + SHA-256), its
// canonical bytes and leaf hash, queue it for the batch signer and the index, and splice the
// provenance. Ed25519 signing (~50 µs) and MinHash sketching run on the signer and index
// threads; BM_TotalCpuPerAnswer charges them per answer at a batch of 64 to show the whole
// CPU cost. Run: build/bench/micro/label_bench (Release).
#include <benchmark/benchmark.h>

#include <time.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <string>

#include "label/explicit_label.h"
#include "label/json_span.h"
#include "label/provenance.h"
#include "label/provenance_index.h"
#include "label/provenance_service.h"
#include "label/sketch.h"
#include "label/stream_labeler.h"
#include "label/verifier.h"

namespace concord::label {
namespace {

std::string answer2k() {
  static const char* kSentences[] = {
      "The gateway inspects every request before it reaches the model. ",
      "Personal data is redacted according to the policy of the tenant. ",
      "Answers carry a visible notice where the law of the user requires one. ",
      "A signed manifest records who produced the text, when and with which model. ",
      "Operators can rotate keys without breaking the verification of older answers. ",
      "Streaming responses are labelled chunk by chunk without buffering the answer. ",
      "中文用户会在回答开头看到人工智能生成的提示。",
  };
  std::string s;
  for (int i = 0; s.size() < 2048; ++i) s += kSentences[(i * 5) % 7];
  s.resize(2048);
  while ((static_cast<unsigned char>(s.back()) & 0xC0) == 0x80 || static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  return s;
}

std::string chatBody(const std::string& answer) {
  std::string esc;
  appendJsonEscaped(esc, answer);
  return R"({"id":"chatcmpl-abc","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":")" +
         esc + R"(","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":480,"total_tokens":500}})";
}

const std::vector<LabelApplied> kLabels = {{"CN-LBL-4", "start", "【本内容由人工智能生成】"}};
const ManifestContext kCtx{"Example Operator", "gw-1", "0.1.0", "gpt-4o-mini", "openai",
                           "packs@1", kLabels};

void BM_LabelBody(benchmark::State& st) {
  std::string body = chatBody(answer2k());
  for (auto _ : st) {
    auto r = labelResponse(body, Endpoint::kChatCompletions, Placement::kStart, kLabels[0].text);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LabelBody);

void BM_ManifestCanonicalLeaf(benchmark::State& st) {
  std::string a = answer2k();
  for (auto _ : st) {
    Manifest m = makeManifest(kCtx, a, 1767225600000000, "ed25519-0011223344556677");
    std::string c = canonicalBytes(m);
    benchmark::DoNotOptimize(leafHash(c));
  }
}
BENCHMARK(BM_ManifestCanonicalLeaf);

void BM_Sketch(benchmark::State& st) {
  std::string a = answer2k();
  for (auto _ : st) benchmark::DoNotOptimize(sketchText(a));
}
BENCHMARK(BM_Sketch);

void BM_Ed25519SignOne(benchmark::State& st) {
  Signer signer(KeyRing::ephemeralForTest());
  std::string c = canonicalBytes(makeManifest(kCtx, answer2k(), 1767225600000000, signer.kid()));
  for (auto _ : st) benchmark::DoNotOptimize(signer.sign(c));
}
BENCHMARK(BM_Ed25519SignOne);

// One iteration signs a batch of range(0) manifests; items/s gives the per-manifest rate.
void BM_SignBatch(benchmark::State& st) {
  Signer signer(KeyRing::ephemeralForTest());
  std::vector<std::string> docs;
  for (int i = 0; i < st.range(0); ++i)
    docs.push_back(canonicalBytes(makeManifest(kCtx, answer2k(), 1767225600000000 + i, signer.kid())));
  std::vector<std::string_view> views(docs.begin(), docs.end());
  for (auto _ : st) benchmark::DoNotOptimize(signer.signBatch(views));
  st.SetItemsProcessed(st.iterations() * st.range(0));
}
BENCHMARK(BM_SignBatch)->Arg(1)->Arg(16)->Arg(64)->Arg(256);

// What the exchange pays on its own thread for a non-streaming 2 KB answer. The signature is
// a fixed one here: in the gateway it comes from BatchSigner's callback.
void BM_RequestPath(benchmark::State& st) {
  auto ring = KeyRing::ephemeralForTest();
  Signer signer(ring);
  std::string body = chatBody(answer2k());
  Signature sig = *signer.sign("x");
  for (auto _ : st) {
    auto lb = labelResponse(body, Endpoint::kChatCompletions, Placement::kStart, kLabels[0].text);
    SignedManifest s;
    s.manifest = makeManifest(kCtx, lb->answer_text, 1767225600000000, signer.kid());
    s.canonical = canonicalBytes(s.manifest);  // the leaf hash is the signer thread's work
    s.signature = sig;
    auto out = attachProvenance(*lb, provenanceJson(s));
    auto headers = provenanceHeaders(s);
    benchmark::DoNotOptimize(out);
    benchmark::DoNotOptimize(headers);
  }
}
BENCHMARK(BM_RequestPath);

// All CPU per answer, wherever it runs: request path + sketch + a 64-way batch signature.
void BM_TotalCpuPerAnswer(benchmark::State& st) {
  auto ring = KeyRing::ephemeralForTest();
  Signer signer(ring);
  std::string body = chatBody(answer2k());
  constexpr int kBatch = 64;
  for (auto _ : st) {
    std::vector<SignedManifest> ms(kBatch);
    std::vector<std::string> bodies(kBatch);
    std::vector<std::string_view> views;
    for (int i = 0; i < kBatch; ++i) {
      auto lb = labelResponse(body, Endpoint::kChatCompletions, Placement::kStart, kLabels[0].text);
      ms[i].manifest = makeManifest(kCtx, lb->answer_text, 1767225600000000, signer.kid());
      ms[i].canonical = canonicalBytes(ms[i].manifest);
      benchmark::DoNotOptimize(sketchText(normaliseForHash(lb->answer_text, kLabels)));
      bodies[i] = std::move(lb->body);
      views.push_back(ms[i].canonical);
    }
    auto sigs = signer.signBatch(views);
    for (int i = 0; i < kBatch; ++i) {
      ms[i].signature = (*sigs)[i];
      benchmark::DoNotOptimize(attachProvenance(bodies[i], provenanceJson(ms[i])));  // reparse: worst case
    }
  }
  st.SetItemsProcessed(st.iterations() * kBatch);
}
BENCHMARK(BM_TotalCpuPerAnswer);

// A 2 KB answer streamed as 100 chunks of ~20 bytes, end label + provenance chunk.
void BM_StreamLabeler100Chunks(benchmark::State& st) {
  std::string a = answer2k();
  std::vector<std::string> chunks;
  for (size_t i = 0; i < a.size();) {
    size_t n = std::min<size_t>(20, a.size() - i);
    while (i + n < a.size() && (static_cast<unsigned char>(a[i + n]) & 0xC0) == 0x80) ++n;
    std::string esc;
    appendJsonEscaped(esc, a.substr(i, n));
    chunks.push_back(R"({"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":")" +
                     esc + R"("},"logprobs":null,"finish_reason":null}]})");
    i += n;
  }
  for (auto _ : st) {
    StreamLabeler l(Endpoint::kChatCompletions, Placement::kEnd, kLabels[0].text);
    for (const auto& c : chunks) benchmark::DoNotOptimize(l.feed(c));
    benchmark::DoNotOptimize(l.finish("{}"));
  }
  st.counters["chunks"] = static_cast<double>(chunks.size());
}
BENCHMARK(BM_StreamLabeler100Chunks);

void BM_VerifyWithManifest(benchmark::State& st) {
  auto ring = KeyRing::ephemeralForTest();
  Signer signer(ring);
  std::string a = answer2k();
  SignedManifest s;
  s.manifest = makeManifest(kCtx, a, 1767225600000000, signer.kid());
  s.canonical = canonicalBytes(s.manifest);
  s.signature = *signer.sign(s.canonical);
  std::string header = provenanceHeaderValue(s);
  for (auto _ : st) benchmark::DoNotOptimize(verifyWithManifest(*ring, a, header));
}
BENCHMARK(BM_VerifyWithManifest);

void BM_IndexRecord(benchmark::State& st) {
  auto opened = ProvenanceIndex::open(":memory:");
  std::unique_ptr<ProvenanceIndex> idx = std::move(opened.value());
  std::string a = answer2k();
  Manifest m = makeManifest(kCtx, a, 1767225600000000, "kid");
  int64_t n = 0;
  for (auto _ : st) {
    m.content_id = std::to_string(++n);
    (void)idx->record(m, a);
    if (n % 256 == 0) (void)idx->flush();
  }
  (void)idx->flush();
}
BENCHMARK(BM_IndexRecord);

// Lookup without a manifest in an index of 10,000 answers (distinct synthetic texts).
void BM_IndexLookup10k(benchmark::State& st) {
  auto opened = ProvenanceIndex::open(":memory:");
  std::unique_ptr<ProvenanceIndex> idx = std::move(opened.value());
  uint64_t x = 88172645463325252ull;
  auto rnd = [&] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  auto text = [&] {
    std::string t;
    while (t.size() < 2048) {
      t += 'w';
      t += std::to_string(rnd() % 50000);
      t += ' ';
    }
    return t;
  };
  std::string probe;
  for (int i = 0; i < 10000; ++i) {
    std::string t = text();
    if (i == 5000) probe = t;
    (void)idx->record(makeManifest(kCtx, t, 1767225600000000, "kid"), t);
  }
  (void)idx->flush();
  probe.replace(100, 20, " edited words here ");
  for (auto _ : st) {
    auto r = idx->lookup(probe);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_IndexLookup10k)->Unit(benchmark::kMicrosecond);


// The whole provenance cost under load, as the gateway pays it: 8 threads (exchanges) each keep
// 4 answers in flight; per answer: label the 2 KB body, seal (manifest, batch signature, index
// record with its MinHash sketch and SQLite insert), attach the provenance when the signature
// arrives. Process CPU time (all threads: submitters, signer, index writer) per answer in the
// counter cpu_us_per_answer; mean signing batch in batch. index:0 computes the MinHash sketch
// but stores nothing (label + manifest + signature + sketch: the issue's ≤ 10 µs budget);
// index:1 adds the provenance index (SQLite on a temporary file, WAL) that `verify` searches
// without a manifest.
void BM_ServiceUnderLoad(benchmark::State& st) {
  static std::unique_ptr<ProvenanceService> service;
  static std::filesystem::path dir;
  static std::atomic<int64_t> answers{0};
  static std::atomic<int> finished{0};
  static double cpu0 = 0;
  static SystemClock clock;
  auto cpuSeconds = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  if (st.thread_index() == 0) {
    dir = std::filesystem::temp_directory_path() / ("concord-label-bench-" + randomContentId());
    (void)KeyRing::keygen((dir / "keys").string(), clock);
    ProvenanceOptions o;
    o.key_dir = (dir / "keys").string();
    o.index_path = st.range(0) ? (dir / "prov.db").string() : std::string();
    o.max_sign_wait = std::chrono::microseconds(st.range(1));
    service = std::move(ProvenanceService::open(o, clock).value());
    answers = 0;
    finished = 0;
    cpu0 = cpuSeconds();
  }
  const std::string body = chatBody(answer2k());
  constexpr int kWindow = 4;
  // paced: each thread submits one answer every 2 ms (4,000 answers/s in all), as exchanges
  // finish independently in a gateway; otherwise as fast as the window allows.
  const bool paced = st.range(2) != 0;
  auto next = std::chrono::steady_clock::now();
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  for (auto _ : st) {
    if (paced) {
      next += std::chrono::milliseconds(2);
      std::this_thread::sleep_until(next);
    }
    auto lb = labelResponse(body, Endpoint::kChatCompletions, Placement::kStart, kLabels[0].text);
    {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return in_flight < kWindow; });
      ++in_flight;
    }
    auto labelled = std::make_shared<LabeledBody>(std::move(*lb));
    const bool sketch_here = st.range(0) == 0;  // without the index, sketch as its writer would
    service->seal(kCtx, labelled->answer_text, {}, [&, labelled, sketch_here](Result<SealedProvenance> r) {
      if (r.ok()) benchmark::DoNotOptimize(attachProvenance(*labelled, r->json));
      if (sketch_here) benchmark::DoNotOptimize(sketchText(normaliseForHash(labelled->answer_text, kLabels)));
      std::lock_guard<std::mutex> l(mu);
      --in_flight;
      cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return in_flight == 0; });
  }
  answers += st.iterations();
  ++finished;
  if (st.thread_index() == 0) {
    while (finished < st.threads()) std::this_thread::yield();
    if (service->index()) (void)service->index()->flush();
    const double cpu = cpuSeconds() - cpu0;
    auto stats = service->signerStats();
    st.counters["cpu_us_per_answer"] = cpu * 1e6 / static_cast<double>(answers.load());
    st.counters["batch"] = stats.batches ? static_cast<double>(stats.manifests) / stats.batches : 0;
    service.reset();
    std::filesystem::remove_all(dir);
  }
}
// Args: index (0/1), max_sign_wait in µs (0 = sign whatever is queued at once), paced (0/1).
BENCHMARK(BM_ServiceUnderLoad)
    ->ArgNames({"index", "wait_us", "paced"})
    ->Args({0, 1000, 0})
    ->Args({1, 1000, 0})
    ->Args({0, 0, 1})
    ->Args({0, 1000, 1})
    ->Args({1, 0, 1})
    ->Args({1, 1000, 1})
    ->Threads(8)->UseRealTime()->MeasureProcessCPUTime();

}  // namespace
}  // namespace concord::label

BENCHMARK_MAIN();
