// Segment format: file names, the 28-byte header and record frames (docs/audit-format.md,
// section 2), and a scanner that walks a segment's bytes and stops at the first bad frame.
// Pure functions over bytes; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace concord::audit {

inline constexpr char kSegmentMagic[9] = "CCAUDIT1";
inline constexpr size_t kHeaderSize = 28;
inline constexpr size_t kFrameHeaderSize = 8;
inline constexpr uint32_t kMaxPayload = 16u << 20;

std::string segmentName(uint64_t segment);     // seg-0000000000000007.clog
std::string checkpointName(uint64_t segment);  // seg-0000000000000007.ckpt
// Parses "seg-<16 digits>.clog" / ".ckpt"; nullopt for any other name.
std::optional<uint64_t> parseSegmentName(std::string_view name);
std::optional<uint64_t> parseCheckpointName(std::string_view name);

struct SegmentHeader {
  uint64_t segment = 0;
  int64_t created_us = 0;
};
std::string encodeHeader(const SegmentHeader& h);
// nullopt when short, wrong magic or bad CRC.
std::optional<SegmentHeader> decodeHeader(std::string_view bytes);

std::string encodeFrame(std::string_view payload);
void appendFrame(std::string& out, std::string_view payload);

struct Frame {
  uint64_t offset = 0;       // of the frame header in the file
  std::string_view payload;  // points into the scanned bytes
};

enum class ScanStop { kEnd, kShortFrame, kBadLength, kCrc };
const char* scanStopName(ScanStop s);

struct ScanResult {
  std::vector<Frame> frames;
  ScanStop stop = ScanStop::kEnd;
  uint64_t stop_offset = 0;  // first byte not covered by a good frame
};
// Scans frames from `start` (normally kHeaderSize) to the first bad one.
ScanResult scanFrames(std::string_view bytes, uint64_t start = kHeaderSize);

}  // namespace concord::audit
