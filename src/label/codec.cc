#include "label/codec.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/sha256.h"

namespace concord::label {
namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

std::string base64url(std::string_view in) {
  const size_t full = in.size() / 3, rest = in.size() % 3;
  std::string out(full * 4 + (rest ? rest + 1 : 0), '\0');
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  char* w = out.data();
  for (size_t i = 0; i < full; ++i, p += 3, w += 4) {
    uint32_t v = uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2];
    w[0] = kB64[v >> 18];
    w[1] = kB64[(v >> 12) & 63];
    w[2] = kB64[(v >> 6) & 63];
    w[3] = kB64[v & 63];
  }
  if (rest) {
    uint32_t v = uint32_t{p[0]} << 16 | (rest == 2 ? uint32_t{p[1]} << 8 : 0);
    w[0] = kB64[v >> 18];
    w[1] = kB64[(v >> 12) & 63];
    if (rest == 2) w[2] = kB64[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64urlDecode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-' || c == '+') v = 62;
    else if (c == '_' || c == '/') v = 63;
    else return std::nullopt;
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Non-canonical trailing bits would let two strings decode alike; refuse them.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string hex(std::string_view bytes) { return concord::toHex(bytes); }

std::string hex(const Digest& d) { return concord::toHex(d); }

Digest sha256(std::string_view bytes) { return concord::sha256(bytes); }

std::string randomContentId() {
  // RAND_bytes costs ~0.8 µs a call (locking); draw 4 KiB at a time per thread instead.
  thread_local unsigned char pool[4096];
  thread_local size_t used = sizeof pool;
  if (used + 16 > sizeof pool) {
    if (RAND_bytes(pool, sizeof pool) != 1) {
      // The CSPRNG failing is not recoverable in any meaningful way for uniqueness.
      std::abort();
    }
    used = 0;
  }
  unsigned char r[16];
  std::memcpy(r, pool + used, 16);
  std::memset(pool + used, 0, 16);  // never hand out the same bytes twice
  used += 16;
  r[6] = (r[6] & 0x0F) | 0x40;  // version 4
  r[8] = (r[8] & 0x3F) | 0x80;  // RFC 4122 variant
  std::string h = hex(std::string_view(reinterpret_cast<const char*>(r), 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string rfc3339Micros(int64_t unix_micros) {
  int64_t secs = unix_micros / 1000000;
  int64_t frac = unix_micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

}  // namespace concord::label
