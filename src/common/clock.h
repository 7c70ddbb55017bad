// Clock: the one source of time, injected so that tests can move time by hand.
// SystemClock is thread-safe; FakeClock is for single-threaded tests or guarded use.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace concord {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time, microseconds since the Unix epoch (for records and dates).
  virtual int64_t nowMicros() const = 0;
  // Monotonic time in nanoseconds (for durations only).
  virtual int64_t monotonicNanos() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t monotonicNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros = 1'767'225'600'000'000)  // 2026-01-01T00:00:00Z
      : now_(now_micros) {}
  int64_t nowMicros() const override { return now_.load(); }
  int64_t monotonicNanos() const override { return now_.load() * 1000; }
  void advanceMicros(int64_t d) { now_ += d; }
  void setMicros(int64_t t) { now_ = t; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace concord
