#include "label/json_span.h"

#include <cstring>

namespace concord::label {
namespace {

constexpr int kMaxDepth = 64;

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool hex4(std::string_view in, size_t at, uint32_t& v) {
  if (at + 4 > in.size()) return false;
  v = 0;
  for (size_t i = at; i < at + 4; ++i) {
    char c = in[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return false;
  }
  return true;
}

}  // namespace

void JsonSpans::ws() {
  while (pos_ < doc_.size()) {
    char c = doc_[pos_];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') ++pos_;
    else break;
  }
}

bool JsonSpans::string(uint32_t& b, uint32_t& e) {
  if (pos_ >= doc_.size() || doc_[pos_] != '"') return false;
  b = static_cast<uint32_t>(pos_);
  ++pos_;
  const size_t n = doc_.size();
  while (pos_ < n) {
    // Fast path: plain bytes (most of an answer) need no look; 8 at a time (SWAR: does the
    // word hold a '"', a '\\' or a byte below 0x20?).
    while (pos_ + 8 <= n) {
      uint64_t v;
      std::memcpy(&v, doc_.data() + pos_, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
      uint64_t q = v ^ (kOnes * '"'), b = v ^ (kOnes * '\\');
      uint64_t hit = ((q - kOnes) & ~q) | ((b - kOnes) & ~b) | (v - kOnes * 0x20);
      if (hit & ~v & kHigh) break;
      pos_ += 8;
    }
    while (pos_ < n) {
      unsigned char p = static_cast<unsigned char>(doc_[pos_]);
      if (p == '"' || p == '\\' || p < 0x20) break;
      ++pos_;
    }
    if (pos_ >= n) break;
    unsigned char c = static_cast<unsigned char>(doc_[pos_]);
    if (c == '"') {
      ++pos_;
      e = static_cast<uint32_t>(pos_);
      return true;
    }
    if (c < 0x20) return false;
    if (c == '\\') {
      if (pos_ + 1 >= doc_.size()) return false;
      char n = doc_[pos_ + 1];
      if (n == 'u') {
        uint32_t v;
        if (!hex4(doc_, pos_ + 2, v)) return false;
        pos_ += 6;
        continue;
      }
      if (!std::strchr("\"\\/bfnrt", n) || n == 0) return false;
      pos_ += 2;
      continue;
    }
    ++pos_;
  }
  return false;
}

bool JsonSpans::value(uint32_t& out, int depth) {
  if (depth > kMaxDepth) return false;
  ws();
  if (pos_ >= doc_.size()) return false;
  out = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(JsonNode{});
  nodes_[out].begin = static_cast<uint32_t>(pos_);
  char c = doc_[pos_];
  if (c == '{' || c == '[') {
    bool obj = c == '{';
    nodes_[out].type = obj ? JsonNode::Type::kObject : JsonNode::Type::kArray;
    ++pos_;
    ws();
    char close = obj ? '}' : ']';
    uint32_t prev = JsonNode::kNone;
    if (pos_ < doc_.size() && doc_[pos_] == close) {
      ++pos_;
    } else {
      for (;;) {
        uint32_t kb = 0, ke = 0;
        if (obj) {
          ws();
          if (!string(kb, ke)) return false;
          ws();
          if (pos_ >= doc_.size() || doc_[pos_] != ':') return false;
          ++pos_;
        }
        uint32_t child;
        if (!value(child, depth + 1)) return false;
        if (obj) {
          nodes_[child].key_begin = kb + 1;
          nodes_[child].key_end = ke - 1;
        }
        if (prev == JsonNode::kNone) nodes_[out].first_child = child;
        else nodes_[prev].next_sibling = child;
        prev = child;
        ws();
        if (pos_ >= doc_.size()) return false;
        if (doc_[pos_] == ',') { ++pos_; continue; }
        if (doc_[pos_] == close) { ++pos_; break; }
        return false;
      }
    }
  } else if (c == '"') {
    nodes_[out].type = JsonNode::Type::kString;
    uint32_t b, e;
    if (!string(b, e)) return false;
  } else if (doc_.substr(pos_, 4) == "true" || doc_.substr(pos_, 4) == "null") {
    nodes_[out].type = c == 't' ? JsonNode::Type::kBool : JsonNode::Type::kNull;
    pos_ += 4;
  } else if (doc_.substr(pos_, 5) == "false") {
    nodes_[out].type = JsonNode::Type::kBool;
    pos_ += 5;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    nodes_[out].type = JsonNode::Type::kNumber;
    ++pos_;
    while (pos_ < doc_.size() && std::strchr("0123456789.eE+-", doc_[pos_]) && doc_[pos_] != 0) ++pos_;
  } else {
    return false;
  }
  nodes_[out].end = static_cast<uint32_t>(pos_);
  return true;
}

bool JsonSpans::parse(std::string_view doc) {
  if (doc.size() >= UINT32_MAX) return false;
  doc_ = doc;
  pos_ = 0;
  nodes_.clear();
  nodes_.reserve(64);
  uint32_t root;
  if (!value(root, 0)) return false;
  ws();
  return pos_ == doc_.size();
}

uint32_t JsonSpans::member(uint32_t obj, std::string_view k) const {
  if (!isObject(obj)) return JsonNode::kNone;
  for (uint32_t c = nodes_[obj].first_child; c != JsonNode::kNone; c = nodes_[c].next_sibling)
    if (key(c) == k) return c;
  return JsonNode::kNone;
}

std::string_view JsonSpans::key(uint32_t i) const {
  return doc_.substr(nodes_[i].key_begin, nodes_[i].key_end - nodes_[i].key_begin);
}

std::string_view JsonSpans::raw(uint32_t i) const {
  return doc_.substr(nodes_[i].begin, nodes_[i].end - nodes_[i].begin);
}

std::string JsonSpans::str(uint32_t i) const {
  std::string out;
  if (!isString(i)) return out;
  decodeJsonString(doc_.substr(nodes_[i].begin + 1, nodes_[i].end - nodes_[i].begin - 2), out);
  return out;
}

bool decodeJsonString(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      size_t esc = in.find('\\', i);
      if (esc == std::string_view::npos) esc = in.size();
      out.append(in.substr(i, esc - i));
      i = esc - 1;
      continue;
    }
    if (++i >= in.size()) return false;
    switch (in[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t v;
        if (!hex4(in, i + 1, v)) return false;
        i += 4;
        if (v >= 0xD800 && v < 0xDC00) {
          uint32_t lo;
          if (i + 2 < in.size() && in[i + 1] == '\\' && in[i + 2] == 'u' && hex4(in, i + 3, lo) &&
              lo >= 0xDC00 && lo < 0xE000) {
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            v = 0xFFFD;  // lone surrogate: keep the text decodable
          }
        } else if (v >= 0xDC00 && v < 0xE000) {
          v = 0xFFFD;
        }
        appendUtf8(out, v);
        break;
      }
      default: return false;
    }
  }
  return true;
}

}  // namespace concord::label
