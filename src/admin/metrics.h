// Metrics: the gateway's counters, gauges and latency histograms, rendered in the Prometheus
// text format at /metrics. Every outcome on the request path is counted here. Thread-safe:
// workers update it concurrently; labelled counters take a short uncontended lock per
// exchange, histograms and gauges are lock-free atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace concord::admin {

// Latency histogram with fixed microsecond buckets (Prometheus exposes them in seconds).
class Histogram {
 public:
  static constexpr std::array<int64_t, 14> kBoundsMicros = {
      10, 25, 50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 50'000, 250'000, 1'000'000, 10'000'000};
  void observe(int64_t micros);
  void render(std::string& out, std::string_view name, std::string_view help) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // Approximate quantile from the buckets (upper bound of the bucket), for the console.
  int64_t quantileMicros(double q) const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsMicros.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};
};

class Metrics {
 public:
  // One finished exchange.
  void countRequest(std::string_view endpoint, int status, std::string_view upstream,
                    std::string_view tenant);
  // Any named outcome, e.g. ("concord_upstream_errors_total", "upstream=\"openai\",reason=\"5xx\"").
  void count(std::string_view name, std::string_view labels, uint64_t n = 1);

  Histogram total_latency;     // whole exchange as seen by the client
  Histogram overhead_latency;  // Concord's own time, upstream excluded
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> open_connections{0};  // refreshed by the serve loop before rendering

  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t, std::less<>> counters_;  // "name{labels}" -> value
};

}  // namespace concord::admin
