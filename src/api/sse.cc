#include "api/sse.h"

namespace concord::api {

namespace {
// End of the last complete event in `s` (just past its blank line), or 0.
size_t lastEventEnd(std::string_view s) {
  const size_t lf = s.rfind("\n\n");
  const size_t crlf = s.rfind("\r\n\r\n");
  size_t end = 0;
  if (lf != std::string_view::npos) end = lf + 2;
  if (crlf != std::string_view::npos && crlf + 4 > end) end = crlf + 4;
  return end;
}
}  // namespace

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
