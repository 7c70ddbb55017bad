#include "label/responses_stream_labeler.h"

#include <algorithm>
#include <charconv>

#include "label/json_span.h"

namespace concord::label {
namespace {

constexpr std::string_view kDelta = "\"response.output_text.delta\"";
constexpr std::string_view kTextDone = "\"response.output_text.done\"";
constexpr std::string_view kPartDone = "\"response.content_part.done\"";
constexpr std::string_view kItemDone = "\"response.output_item.done\"";
constexpr std::string_view kTerminal[] = {"\"response.completed\"", "\"response.incomplete\"",
                                          "\"response.failed\""};

int intMember(const JsonSpans& j, uint32_t obj, std::string_view key) {
  uint32_t n = j.member(obj, key);
  if (n == JsonNode::kNone || j.node(n).type != JsonNode::Type::kNumber) return -1;
  std::string_view raw = j.raw(n);
  int v = -1;
  std::from_chars(raw.data(), raw.data() + raw.size(), v);
  return v;
}

std::string_view rawMember(const JsonSpans& j, uint32_t obj, std::string_view key) {
  uint32_t n = j.member(obj, key);
  return n == JsonNode::kNone ? std::string_view() : j.raw(n);
}

bool isTerminalType(std::string_view raw_type) {
  return std::find(std::begin(kTerminal), std::end(kTerminal), raw_type) != std::end(kTerminal);
}

// Byte-span edits of one event, applied in order (spans do not overlap).
struct Edit {
  uint32_t begin, end;
  std::string text;
};

std::string applyEdits(std::string_view doc, std::vector<Edit>& edits) {
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  size_t extra = 0;
  for (const auto& e : edits) extra += e.text.size();
  out.reserve(doc.size() + extra);
  size_t copied = 0;
  for (const auto& e : edits) {
    out.append(doc.substr(copied, e.begin - copied));
    out += e.text;
    copied = e.end;
  }
  out.append(doc.substr(copied));
  return out;
}

std::string sseEvent(std::string_view raw_type, std::string_view json) {
  std::string e = "event: ";
  e += raw_type.substr(1, raw_type.size() - 2);  // without the quotes
  e += "\ndata: ";
  e += json;
  e += "\n\n";
  return e;
}

}  // namespace

ResponsesStreamLabeler::ResponsesStreamLabeler(const std::vector<LabelApplied>& labels,
                                               int user_message_count) {
  LabelTexts t = labelTexts(appliedLabels(labels, user_message_count));
  start_text_ = std::move(t.start);
  end_text_ = std::move(t.end);
}

bool ResponsesStreamLabeler::isTerminal(std::string_view data) {
  // The type comes first in OpenAI's events; anything else is parsed.
  constexpr std::string_view kPrefix = "{\"type\":";
  if (data.substr(0, kPrefix.size()) == kPrefix) {
    for (std::string_view t : kTerminal)
      if (data.substr(kPrefix.size(), t.size()) == t) return true;
    return false;
  }
  if (data.find("\"type\"") == std::string_view::npos) return false;
  JsonSpans j;
  return j.parse(data) && j.isObject(j.root()) && isTerminalType(rawMember(j, j.root(), "type"));
}

std::string ResponsesStreamLabeler::labelled(int o, int c, std::string text) const {
  if (start_.is(o, c)) text.insert(0, start_text_);
  if (end_.is(o, c)) text += end_text_;
  return text;
}

std::string ResponsesStreamLabeler::deltaEvent(std::string_view item_id_raw, int o, int c,
                                               const std::string& text,
                                               std::string_view sequence_raw) const {
  std::string json = "{\"type\":\"response.output_text.delta\"";
  if (!item_id_raw.empty()) {
    json += ",\"item_id\":";
    json += item_id_raw;
  }
  json += ",\"output_index\":" + std::to_string(o) + ",\"content_index\":" + std::to_string(c) +
          ",\"delta\":\"";
  appendJsonEscaped(json, text);
  json += "\",\"logprobs\":[]";
  if (!sequence_raw.empty()) {
    json += ",\"sequence_number\":";
    json += sequence_raw;
  }
  json += '}';
  return sseEvent(kDelta, json);
}

ResponsesStreamEvents ResponsesStreamLabeler::feed(std::string_view data,
                                                   std::string_view provenance_json) {
  ResponsesStreamEvents out;
  JsonSpans j;
  if (!j.parse(data) || !j.isObject(j.root())) {
    ++unparsed_;
    return out;
  }
  const uint32_t root = j.root();
  const std::string_view type = rawMember(j, root, "type");
  std::vector<Edit> edits;
  auto editText = [&](uint32_t node, int o, int c) {
    if (!j.isString(node) || !(start_.is(o, c) || end_.is(o, c))) return;
    std::string s = "\"";
    appendJsonEscaped(s, labelled(o, c, j.str(node)));
    s += '"';
    edits.push_back({j.node(node).begin, j.node(node).end, std::move(s)});
  };
  const int o = intMember(j, root, "output_index");
  const int c = intMember(j, root, "content_index");

  if (type == kDelta) {
    uint32_t d = j.member(root, "delta");
    bool has_text = j.isString(d) && j.node(d).end - j.node(d).begin > 2;
    if (has_text && !start_text_.empty() && !start_done_) {
      out.before = deltaEvent(rawMember(j, root, "item_id"), o, c, start_text_,
                              rawMember(j, root, "sequence_number"));
      start_ = {o, c};
      start_done_ = true;
      ++labels_emitted_;
    }
    return out;
  }
  if (type == kTextDone) {
    uint32_t t = j.member(root, "text");
    std::string text = j.isString(t) ? j.str(t) : std::string();
    if (text_parts_++ > 0) answer_ += kLabelSeparator;
    answer_ += text;
    const std::string_view item = rawMember(j, root, "item_id"), seq = rawMember(j, root, "sequence_number");
    if (!start_text_.empty() && !start_done_ && !text.empty()) {  // an upstream that sent no deltas
      out.before += deltaEvent(item, o, c, start_text_, seq);
      start_ = {o, c};
      start_done_ = true;
      ++labels_emitted_;
    }
    if (!end_text_.empty() && !end_done_ && (!text.empty() || start_.is(o, c))) {
      out.before += deltaEvent(item, o, c, end_text_, seq);
      end_ = {o, c};
      end_done_ = true;
      ++labels_emitted_;
    }
    editText(t, o, c);
  } else if (type == kPartDone) {
    editText(j.member(j.member(root, "part"), "text"), o, c);
  } else if (type == kItemDone) {
    uint32_t content = j.member(j.member(root, "item"), "content");
    if (j.isArray(content)) {
      int k = 0;
      for (uint32_t part = j.node(content).first_child; part != JsonNode::kNone;
           part = j.node(part).next_sibling, ++k)
        editText(j.member(part, "text"), o, k);
    }
  } else if (isTerminalType(type)) {
    uint32_t response = j.member(root, "response");
    uint32_t output = j.member(response, "output");
    if (j.isArray(output)) {
      int oi = 0;
      for (uint32_t item = j.node(output).first_child; item != JsonNode::kNone;
           item = j.node(item).next_sibling, ++oi) {
        uint32_t content = j.member(item, "content");
        if (!j.isArray(content)) continue;
        int k = 0;
        for (uint32_t part = j.node(content).first_child; part != JsonNode::kNone;
             part = j.node(part).next_sibling, ++k)
          editText(j.member(part, "text"), oi, k);
      }
    }
    if (!provenance_json.empty() && j.isObject(response) &&
        j.member(response, "concord") == JsonNode::kNone) {
      const JsonNode& r = j.node(response);
      std::string ins = j.node(response).first_child == JsonNode::kNone ? "" : ",";
      ins += "\"concord\":{\"provenance\":";
      ins += provenance_json;
      ins += '}';
      edits.push_back({r.end - 1, r.end - 1, std::move(ins)});
    }
  }
  if (!edits.empty()) out.replacement = sseEvent(type, applyEdits(data, edits));
  return out;
}

}  // namespace concord::label
