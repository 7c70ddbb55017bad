#include "audit/segment_format.h"

#include <cstdio>
#include <cstring>

#include "audit/crc32c.h"

namespace concord::audit {
namespace {

void putU32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
}
void putU64(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
}
uint32_t getU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(p[i])) << (8 * i);
  return v;
}
uint64_t getU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(p[i])) << (8 * i);
  return v;
}

std::optional<uint64_t> parseName(std::string_view name, std::string_view ext) {
  if (name.size() != 4 + 16 + ext.size() || name.substr(0, 4) != "seg-" || name.substr(20) != ext)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : name.substr(4, 16)) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + uint64_t(c - '0');
  }
  return v;
}

}  // namespace

std::string segmentName(uint64_t segment) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "seg-%016llu.clog", static_cast<unsigned long long>(segment));
  return buf;
}

std::string checkpointName(uint64_t segment) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "seg-%016llu.ckpt", static_cast<unsigned long long>(segment));
  return buf;
}

std::optional<uint64_t> parseSegmentName(std::string_view name) { return parseName(name, ".clog"); }
std::optional<uint64_t> parseCheckpointName(std::string_view name) { return parseName(name, ".ckpt"); }

std::string encodeHeader(const SegmentHeader& h) {
  std::string s(kSegmentMagic, 8);
  putU64(s, h.segment);
  putU64(s, uint64_t(h.created_us));
  putU32(s, crc32c(s));
  return s;
}

std::optional<SegmentHeader> decodeHeader(std::string_view b) {
  if (b.size() < kHeaderSize || std::memcmp(b.data(), kSegmentMagic, 8) != 0) return std::nullopt;
  if (crc32c(b.substr(0, 24)) != getU32(b.data() + 24)) return std::nullopt;
  return SegmentHeader{getU64(b.data() + 8), int64_t(getU64(b.data() + 16))};
}

void appendFrame(std::string& out, std::string_view payload) {
  std::string len;
  putU32(len, uint32_t(payload.size()));
  uint32_t crc = crc32c(payload, crc32c(len));
  out += len;
  putU32(out, crc);
  out.append(payload);
}

std::string encodeFrame(std::string_view payload) {
  std::string s;
  appendFrame(s, payload);
  return s;
}

const char* scanStopName(ScanStop s) {
  switch (s) {
    case ScanStop::kEnd: return "end";
    case ScanStop::kShortFrame: return "short_frame";
    case ScanStop::kBadLength: return "bad_length";
    case ScanStop::kCrc: return "crc";
  }
  return "?";
}

ScanResult scanFrames(std::string_view bytes, uint64_t start) {
  ScanResult r;
  uint64_t pos = start;
  for (;;) {
    r.stop_offset = pos;
    if (pos >= bytes.size()) {
      r.stop = ScanStop::kEnd;
      return r;
    }
    if (bytes.size() - pos < kFrameHeaderSize) {
      r.stop = ScanStop::kShortFrame;
      return r;
    }
    uint32_t len = getU32(bytes.data() + pos);
    uint32_t crc = getU32(bytes.data() + pos + 4);
    if (len == 0 || len > kMaxPayload) {
      r.stop = ScanStop::kBadLength;
      return r;
    }
    if (bytes.size() - pos - kFrameHeaderSize < len) {
      r.stop = ScanStop::kShortFrame;
      return r;
    }
    std::string_view payload = bytes.substr(pos + kFrameHeaderSize, len);
    if (crc32c(payload, crc32c(bytes.substr(pos, 4))) != crc) {
      r.stop = ScanStop::kCrc;
      return r;
    }
    r.frames.push_back({pos, payload});
    pos += kFrameHeaderSize + len;
  }
}

}  // namespace concord::audit
