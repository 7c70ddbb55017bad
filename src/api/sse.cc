#include "api/sse.h"

namespace concord::api {

namespace {
// End of the last complete event in `s` (just past its blank line), or 0. Scans backwards:
// a well-behaved upstream's piece ends on an event boundary, so this is usually O(1).
size_t lastEventEnd(std::string_view s) {
  for (size_t i = s.size(); i >= 2; --i) {
    if (s[i - 1] != '\n') continue;
    if (s[i - 2] == '\n') return i;                                      // "\n\n"
    if (i >= 4 && s[i - 2] == '\r' && s[i - 3] == '\n' && s[i - 4] == '\r') return i;  // "\r\n\r\n"
  }
  return 0;
}
}  // namespace

SseEvent nextEvent(std::string_view events, size_t& pos) {
  size_t end = events.find("\n\n", pos);
  end = end == std::string_view::npos ? events.size() : end + 2;
  SseEvent event{events.substr(pos, end - pos), {}};
  pos = end;
  size_t line_start = 0;
  const auto raw = event.raw;
  while (line_start < raw.size()) {
    size_t line_end = raw.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = raw.size();
    std::string_view line = raw.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("data:")) {
      line.remove_prefix(5);
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      event.data = line;
      break;
    }
    line_start = line_end + 1;
  }
  return event;
}

std::string_view SseSplitter::feed(std::string_view bytes, bool& ok) {
  ok = true;
  if (pending_.empty()) {
    // Fast path: the piece is whole events, the usual case for a well-behaved upstream.
    const size_t end = lastEventEnd(bytes);
    pending_.assign(bytes.substr(end));
    if (pending_.size() > max_event_bytes_) ok = false;
    return bytes.substr(0, end);
  }
  pending_.append(bytes);
  const size_t end = lastEventEnd(pending_);
  ready_.assign(pending_, 0, end);
  pending_.erase(0, end);
  if (pending_.size() > max_event_bytes_) ok = false;
  return ready_;
}

}  // namespace concord::api
