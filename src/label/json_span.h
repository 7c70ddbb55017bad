// JsonSpans: a small, allocation-light index of a JSON document's values by byte span, so
// that the label module can find and splice strings (choices[].message.content, ...) into an
// upstream body without re-serialising it (nlohmann would re-order nothing with ordered_json,
// but a parse + dump of a 2 KB body costs ~30 µs, three times the labelling budget).
// The parser validates the full JSON grammar (RFC 8259) except that numbers are checked
// loosely. Object keys are compared raw (a key spelled with escapes does not match).
// Plain value type; one thread at a time per instance.
#pragma once

#include "common/json_escape.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concord::label {

struct JsonNode {
  enum class Type : uint8_t { kObject, kArray, kString, kNumber, kBool, kNull };
  static constexpr uint32_t kNone = UINT32_MAX;
  Type type = Type::kNull;
  uint32_t begin = 0;  // first byte of the value (the quote for strings)
  uint32_t end = 0;    // one past the last byte
  uint32_t key_begin = 0, key_end = 0;  // raw key bytes (inside quotes) when an object member
  uint32_t first_child = kNone;
  uint32_t next_sibling = kNone;
};

class JsonSpans {
 public:
  // Parses `doc`; returns false on malformed JSON (then the index is unusable).
  // `doc` must outlive this object.
  bool parse(std::string_view doc);

  const JsonNode& node(uint32_t i) const { return nodes_[i]; }
  uint32_t root() const { return 0; }
  std::string_view doc() const { return doc_; }
  // Member `key` of object node `obj`, or kNone.
  uint32_t member(uint32_t obj, std::string_view key) const;
  std::string_view key(uint32_t i) const;
  std::string_view raw(uint32_t i) const;
  // Decoded value of a string node (escapes resolved to UTF-8).
  std::string str(uint32_t i) const;
  bool isString(uint32_t i) const { return i != JsonNode::kNone && nodes_[i].type == JsonNode::Type::kString; }
  bool isObject(uint32_t i) const { return i != JsonNode::kNone && nodes_[i].type == JsonNode::Type::kObject; }
  bool isArray(uint32_t i) const { return i != JsonNode::kNone && nodes_[i].type == JsonNode::Type::kArray; }

 private:
  bool value(uint32_t& out, int depth);
  bool string(uint32_t& b, uint32_t& e);
  void ws();

  std::string_view doc_;
  size_t pos_ = 0;
  std::vector<JsonNode> nodes_;
};

// Appends `s` as the inside of a JSON string (no quotes), escaping ", \ and controls.
using concord::appendJsonEscaped;  // common/json_escape.h
// Decodes the inside of a JSON string literal (no quotes) to UTF-8; false if malformed.
bool decodeJsonString(std::string_view in, std::string& out);

}  // namespace concord::label
