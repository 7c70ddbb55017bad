#include "label/explicit_label.h"

#include <algorithm>
#include <vector>

#include "label/json_span.h"

namespace concord::label {
namespace {

bool rawIs(const JsonSpans& j, uint32_t n, std::string_view quoted) {
  return n != JsonNode::kNone && j.raw(n) == quoted;
}

// The string nodes that hold answer text, in document order.
std::vector<uint32_t> answerSlots(const JsonSpans& j, Endpoint endpoint) {
  std::vector<uint32_t> slots;
  if (endpoint == Endpoint::kResponses) {
    uint32_t output = j.member(j.root(), "output");
    if (!j.isArray(output)) return slots;
    for (uint32_t item = j.node(output).first_child; item != JsonNode::kNone;
         item = j.node(item).next_sibling) {
      if (!rawIs(j, j.member(item, "type"), "\"message\"")) continue;
      uint32_t content = j.member(item, "content");
      if (!j.isArray(content)) continue;
      for (uint32_t part = j.node(content).first_child; part != JsonNode::kNone;
           part = j.node(part).next_sibling) {
        if (!rawIs(j, j.member(part, "type"), "\"output_text\"")) continue;
        uint32_t text = j.member(part, "text");
        if (j.isString(text)) slots.push_back(text);
      }
    }
    return slots;
  }
  uint32_t choices = j.member(j.root(), "choices");
  if (!j.isArray(choices)) return slots;
  for (uint32_t c = j.node(choices).first_child; c != JsonNode::kNone; c = j.node(c).next_sibling) {
    uint32_t text = JsonNode::kNone;
    if (endpoint == Endpoint::kChatCompletions) text = j.member(j.member(c, "message"), "content");
    else text = j.member(c, "text");
    if (j.isString(text)) slots.push_back(text);
  }
  return slots;
}

std::string joinSlots(const JsonSpans& j, const std::vector<uint32_t>& slots) {
  std::string out;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (i) out += "\n\n";
    out += j.str(slots[i]);
  }
  return out;
}

Error badJson() { return makeError("label.bad_json", "response body is not a JSON object"); }

}  // namespace

bool placementApplies(Placement placement, int user_message_count) {
  return placement != Placement::kFirstTurn || user_message_count == 1;
}

bool parsePlacement(std::string_view s, Placement& out) {
  if (s == "start") out = Placement::kStart;
  else if (s == "end") out = Placement::kEnd;
  else if (s == "first_turn") out = Placement::kFirstTurn;
  else return false;
  return true;
}

std::vector<LabelApplied> appliedLabels(const std::vector<LabelApplied>& labels,
                                        int user_message_count) {
  std::vector<LabelApplied> out;
  for (const auto& l : labels) {
    Placement p;
    if (!parsePlacement(l.placement, p)) p = Placement::kStart;
    if (placementApplies(p, user_message_count)) out.push_back(l);
  }
  return out;
}

LabelTexts labelTexts(const std::vector<LabelApplied>& labels) {
  LabelTexts t;
  std::vector<std::string_view> starts;
  for (const auto& l : labels) {
    if (l.text.empty()) continue;
    if (l.placement == "end") {
      t.end += kLabelSeparator;
      t.end += l.text;
    } else {
      starts.push_back(l.text);
    }
  }
  // Each start label goes in front of what is there already: the last one ends up first
  // (the same order as composeLabeledText).
  for (auto it = starts.rbegin(); it != starts.rend(); ++it) {
    t.start += *it;
    t.start += kLabelSeparator;
  }
  return t;
}

Result<LabeledBody> labelResponse(std::string_view body, Endpoint endpoint,
                                  const std::vector<LabelApplied>& labels_in,
                                  int user_message_count) {
  JsonSpans j;
  if (!j.parse(body) || !j.isObject(j.root())) return badJson();
  std::vector<uint32_t> slots = answerSlots(j, endpoint);
  LabeledBody out;
  out.answer_text = joinSlots(j, slots);
  out.root_close = j.node(j.root()).end - 1;
  uint32_t concord = j.member(j.root(), "concord");
  if (concord != JsonNode::kNone) {
    out.concord_not_object = !j.isObject(concord);
    if (!out.concord_not_object) {
      out.concord_open = j.node(concord).begin + 1;
      out.concord_empty = j.node(concord).first_child == JsonNode::kNone;
      out.concord_has_provenance = j.member(concord, "provenance") != JsonNode::kNone;
    }
  }
  LabelTexts texts = labelTexts(appliedLabels(labels_in, user_message_count));
  if ((texts.start.empty() && texts.end.empty()) || slots.empty()) {
    out.body.assign(body);
    return out;
  }
  // An empty slot gets the labels alone, joined by one separator (no dangling separators).
  std::string alone = texts.start + texts.end.substr(texts.end.empty() ? 0 : kLabelSeparator.size());
  if (!texts.start.empty() && texts.end.empty()) alone.resize(alone.size() - kLabelSeparator.size());
  std::string esc_start, esc_end, esc_alone;
  appendJsonEscaped(esc_start, texts.start);
  appendJsonEscaped(esc_end, texts.end);
  appendJsonEscaped(esc_alone, alone);

  // Splice points in document order: (offset, text).
  std::vector<std::pair<size_t, const std::string*>> inserts;
  for (size_t k = 0; k < slots.size(); ++k) {
    const JsonNode& n = j.node(slots[k]);
    // /v1/responses: one answer in several parts gets start labels in its first part and end
    // labels in its last.
    bool want_start = endpoint != Endpoint::kResponses || k == 0;
    bool want_end = endpoint != Endpoint::kResponses || k + 1 == slots.size();
    if (n.end - n.begin == 2) {
      if (want_start && want_end) inserts.push_back({n.begin + 1, &esc_alone});
      else if (want_start && !esc_start.empty()) inserts.push_back({n.begin + 1, &esc_start});
      else if (want_end && !esc_end.empty()) inserts.push_back({n.begin + 1, &esc_end});
      else continue;
      ++out.labeled_slots;
      continue;
    }
    bool labeled = false;
    if (want_start && !esc_start.empty()) {
      inserts.push_back({n.begin + 1, &esc_start});
      labeled = true;
    }
    if (want_end && !esc_end.empty()) {
      inserts.push_back({n.end - 1, &esc_end});
      labeled = true;
    }
    out.labeled_slots += labeled;
  }
  size_t extra = 0;
  for (const auto& ins : inserts) extra += ins.second->size();
  out.body.reserve(body.size() + extra);
  size_t copied = 0;
  size_t concord_shift = 0;  // bytes inserted before the concord object
  for (const auto& [at, text] : inserts) {
    out.body.append(body.substr(copied, at - copied));
    out.body += *text;
    if (out.concord_open != std::string::npos && at < out.concord_open)
      concord_shift = out.body.size() - at;
    copied = at;
  }
  out.body.append(body.substr(copied));
  // Every insertion lies inside the root object, before its closing brace.
  out.root_close += out.body.size() - body.size();
  if (out.concord_open != std::string::npos) out.concord_open += concord_shift;
  return out;
}

Result<LabeledBody> labelResponse(std::string_view body, Endpoint endpoint, Placement placement,
                                  std::string_view text, int user_message_count) {
  static const char* kNames[] = {"start", "end", "first_turn"};
  std::vector<LabelApplied> one = {{"", kNames[static_cast<int>(placement)], std::string(text)}};
  return labelResponse(body, endpoint, one, user_message_count);
}

Result<std::string> applyExplicitLabel(std::string_view body, Endpoint endpoint,
                                       Placement placement, std::string_view text,
                                       int user_message_count) {
  auto r = labelResponse(body, endpoint, placement, text, user_message_count);
  if (!r.ok()) return r.error();
  return std::move(r.value().body);
}

Result<std::string> extractAnswerText(std::string_view body, Endpoint endpoint) {
  JsonSpans j;
  if (!j.parse(body) || !j.isObject(j.root())) return badJson();
  return joinSlots(j, answerSlots(j, endpoint));
}

Result<std::string> attachProvenance(const LabeledBody& lb, std::string_view provenance_json) {
  if (lb.concord_not_object)
    return makeError("label.concord_not_object", "response member \"concord\" is not an object");
  if (lb.concord_has_provenance)
    return makeError("label.provenance_present", "response already carries concord.provenance");
  const std::string& body = lb.body;
  std::string out;
  out.reserve(body.size() + provenance_json.size() + 32);
  if (lb.concord_open != std::string::npos) {
    out.append(body, 0, lb.concord_open);
    out += "\"provenance\":";
    out += provenance_json;
    if (!lb.concord_empty) out += ',';
    out.append(body, lb.concord_open);
    return out;
  }
  bool empty_root = body.find_first_not_of(" \t\r\n", body.find('{') + 1) == lb.root_close;
  out.append(body, 0, lb.root_close);
  out += empty_root ? "\"concord\":{\"provenance\":" : ",\"concord\":{\"provenance\":";
  out += provenance_json;
  out += "}";
  out.append(body, lb.root_close);
  return out;
}

Result<std::string> attachProvenance(std::string_view body, std::string_view provenance_json) {
  JsonSpans j;
  if (!j.parse(body) || !j.isObject(j.root())) return badJson();
  std::string out;
  out.reserve(body.size() + provenance_json.size() + 32);
  uint32_t concord = j.member(j.root(), "concord");
  if (concord != JsonNode::kNone) {
    if (!j.isObject(concord))
      return makeError("label.concord_not_object", "response member \"concord\" is not an object");
    if (j.member(concord, "provenance") != JsonNode::kNone)
      return makeError("label.provenance_present", "response already carries concord.provenance");
    const JsonNode& n = j.node(concord);
    size_t at = n.begin + 1;
    out.append(body.substr(0, at));
    out += "\"provenance\":";
    out += provenance_json;
    if (n.first_child != JsonNode::kNone) out += ',';
    out.append(body.substr(at));
    return out;
  }
  const JsonNode& root = j.node(j.root());
  size_t at = root.end - 1;  // the closing brace
  out.append(body.substr(0, at));
  out += root.first_child != JsonNode::kNone ? ",\"concord\":{\"provenance\":" : "\"concord\":{\"provenance\":";
  out += provenance_json;
  out += "}";
  out.append(body.substr(at));
  return out;
}

}  // namespace concord::label
