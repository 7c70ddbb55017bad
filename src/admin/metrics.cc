#include "admin/metrics.h"

#include <cstdio>

namespace concord::admin {

void Histogram::observe(int64_t micros) {
  size_t i = 0;
  while (i < kBoundsMicros.size() && micros > kBoundsMicros[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

int64_t Histogram::quantileMicros(double q) const {
  const uint64_t total = count();
  if (total == 0) return 0;
  const auto target = static_cast<uint64_t>(q * static_cast<double>(total) + 0.5);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBoundsMicros.size(); ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= target) return kBoundsMicros[i];
  }
  return kBoundsMicros.back();
}

void Histogram::render(std::string& out, std::string_view name, std::string_view help) const {
  char line[256];
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBoundsMicros.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::snprintf(line, sizeof line, "%.*s_bucket{le=\"%g\"} %llu\n", static_cast<int>(name.size()),
                  name.data(), static_cast<double>(kBoundsMicros[i]) / 1e6,
                  static_cast<unsigned long long>(cumulative));
    out += line;
  }
  cumulative += buckets_.back().load(std::memory_order_relaxed);
  std::snprintf(line, sizeof line, "%.*s_bucket{le=\"+Inf\"} %llu\n%.*s_sum %g\n%.*s_count %llu\n",
                static_cast<int>(name.size()), name.data(), static_cast<unsigned long long>(cumulative),
                static_cast<int>(name.size()), name.data(),
                static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6,
                static_cast<int>(name.size()), name.data(),
                static_cast<unsigned long long>(count()));
  out += line;
}

namespace {
// Label values come from config and keys (tenants, upstream names); escape them anyway.
std::string escapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Metrics::countRequest(std::string_view endpoint, int status, std::string_view upstream,
                           std::string_view tenant) {
  std::string key;
  key.reserve(128);
  key += "concord_requests_total{endpoint=\"";
  key += endpoint;
  key += "\",status=\"";
  key += std::to_string(status);
  key += "\",upstream=\"";
  key += escapeLabel(upstream);
  key += "\",tenant=\"";
  key += escapeLabel(tenant);
  key += "\"}";
  std::lock_guard lock(mutex_);
  ++counters_[key];
}

void Metrics::count(std::string_view name, std::string_view labels, uint64_t n) {
  std::string key(name);
  if (!labels.empty()) {
    key += '{';
    key += labels;
    key += '}';
  }
  std::lock_guard lock(mutex_);
  counters_[key] += n;
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  {
    std::lock_guard lock(mutex_);
    std::string_view last_name;
    for (const auto& [key, value] : counters_) {
      const std::string_view k = key;
      const std::string_view name = k.substr(0, k.find('{'));
      if (name != last_name) {
        out += "# TYPE ";
        out += name;
        out += " counter\n";
        last_name = name;
      }
      out += key;
      out += ' ';
      out += std::to_string(value);
      out += '\n';
    }
  }
  total_latency.render(out, "concord_request_duration_seconds",
                       "Whole exchange as seen by the client.");
  overhead_latency.render(out, "concord_overhead_seconds",
                          "Concord's own time per exchange, upstream time excluded.");
  out += "# TYPE concord_in_flight gauge\nconcord_in_flight " + std::to_string(in_flight.load()) + "\n";
  out += "# TYPE concord_open_connections gauge\nconcord_open_connections " +
         std::to_string(open_connections.load()) + "\n";
  return out;
}

}  // namespace concord::admin
