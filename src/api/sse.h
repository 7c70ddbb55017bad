// SseSplitter: cuts an upstream's SSE byte stream into whole events ("...\n\n"), so that each
// event can be inspected, labelled and forwarded intact. Holds back at most one partial
// event (bounded by max_event_bytes). One per streamed exchange; single thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace concord::api {

class SseSplitter {
 public:
  explicit SseSplitter(size_t max_event_bytes = 1 << 20) : max_event_bytes_(max_event_bytes) {}

  // Appends `bytes`; returns the prefix made of complete events (valid until the next call),
  // possibly empty. Returns false in `ok` if a single event grew past the bound.
  std::string_view feed(std::string_view bytes, bool& ok);
  // What is left when the stream ends (an unterminated last event), possibly empty.
  std::string_view rest() const { return pending_; }

 private:
  size_t max_event_bytes_;
  std::string pending_;   // bytes of an unfinished event
  std::string ready_;     // complete events handed out by feed()
};

struct SseEvent {
  std::string_view raw;   // the whole event with its terminating blank line
  std::string_view data;  // its first `data:` payload, possibly empty
};

// The event starting at `pos` in `events` (complete events only); advances `pos`. Call while
// pos < events.size().
SseEvent nextEvent(std::string_view events, size_t& pos);

// Calls f(raw, data) for each event in `events` (complete events only): `raw` is the whole
// event with its terminating blank line, `data` its (first) `data:` payload, possibly empty.
template <typename F>
void forEachEvent(std::string_view events, F&& f) {
  size_t pos = 0;
  while (pos < events.size()) {
    const SseEvent e = nextEvent(events, pos);
    f(e.raw, e.data);
  }
}

// Calls f(data) for the `data:` payload of each event in `events` (complete events only).
template <typename F>
void forEachEventData(std::string_view events, F&& f) {
  size_t pos = 0;
  while (pos < events.size()) {
    size_t end = events.find("\n\n", pos);
    if (end == std::string_view::npos) end = events.size();
    std::string_view event = events.substr(pos, end - pos);
    size_t line_start = 0;
    while (line_start < event.size()) {
      size_t line_end = event.find('\n', line_start);
      if (line_end == std::string_view::npos) line_end = event.size();
      std::string_view line = event.substr(line_start, line_end - line_start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.starts_with("data:")) {
        line.remove_prefix(5);
        if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        f(line);
      }
      line_start = line_end + 1;
    }
    pos = end + 2;
  }
}

}  // namespace concord::api
