#include "label/stream_labeler.h"

#include <charconv>

#include "label/json_span.h"

namespace concord::label {

namespace {
std::vector<LabelApplied> single(Placement placement, std::string text) {
  static const char* kNames[] = {"start", "end", "first_turn"};
  return {{"", kNames[static_cast<int>(placement)], std::move(text)}};
}
}  // namespace

StreamLabeler::StreamLabeler(Endpoint endpoint, Placement placement, std::string text,
                             int user_message_count)
    : StreamLabeler(endpoint, single(placement, std::move(text)), user_message_count) {}

StreamLabeler::StreamLabeler(Endpoint endpoint, const std::vector<LabelApplied>& labels,
                             int user_message_count)
    : endpoint_(endpoint) {
  if (endpoint == Endpoint::kResponses) return;  // typed events: passed through unlabelled
  LabelTexts t = labelTexts(appliedLabels(labels, user_message_count));
  start_text_ = std::move(t.start);
  end_text_ = std::move(t.end);
}

StreamLabeler::Choice* StreamLabeler::choice(int index) {
  if (index < 0 || index >= kMaxChoices) return nullptr;
  if (static_cast<size_t>(index) >= choices_.size()) choices_.resize(index + 1);
  return &choices_[index];
}

std::string StreamLabeler::header() const {
  std::string h = "data: {";
  bool any = false;
  auto field = [&](std::string_view name, const std::string& raw) {
    if (raw.empty()) return;
    if (any) h += ',';
    h += '"';
    h += name;
    h += "\":";
    h += raw;
    any = true;
  };
  field("id", id_);
  field("object", object_.empty() ? std::string(endpoint_ == Endpoint::kCompletions
                                                    ? "\"text_completion\""
                                                    : "\"chat.completion.chunk\"")
                                  : object_);
  field("created", created_);
  field("model", model_);
  field("system_fingerprint", fingerprint_);
  h += ',';
  return h;
}

std::string StreamLabeler::labelEvent(int index, bool with_role, const std::string& text) const {
  std::string e = header();
  std::string content;
  appendJsonEscaped(content, text);
  std::string idx = std::to_string(index);
  if (endpoint_ == Endpoint::kCompletions) {
    e += "\"choices\":[{\"text\":\"" + content + "\",\"index\":" + idx +
         ",\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  } else {
    e += "\"choices\":[{\"index\":" + idx + ",\"delta\":{";
    if (with_role) e += "\"role\":\"assistant\",";
    e += "\"content\":\"" + content + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  }
  return e;
}

StreamEvents StreamLabeler::feed(std::string_view data) {
  StreamEvents out;
  JsonSpans j;
  if (!j.parse(data) || !j.isObject(j.root())) {
    ++unparsed_;
    return out;
  }
  uint32_t root = j.root();
  if (!meta_seen_) {
    auto grab = [&](std::string_view k, std::string& dst) {
      uint32_t n = j.member(root, k);
      if (n != JsonNode::kNone) dst.assign(j.raw(n));
    };
    grab("id", id_);
    grab("object", object_);
    grab("created", created_);
    grab("model", model_);
    grab("system_fingerprint", fingerprint_);
    if (fingerprint_ == "null") fingerprint_.clear();
    meta_seen_ = !id_.empty();
  }
  uint32_t choices = j.member(root, "choices");
  if (!j.isArray(choices)) return out;
  for (uint32_t c = j.node(choices).first_child; c != JsonNode::kNone; c = j.node(c).next_sibling) {
    int index = 0;
    uint32_t idx_node = j.member(c, "index");
    if (idx_node != JsonNode::kNone) {
      std::string_view raw = j.raw(idx_node);
      std::from_chars(raw.data(), raw.data() + raw.size(), index);
    }
    Choice* ch = choice(index);
    if (!ch) continue;
    uint32_t text_node;
    bool role_before = ch->role_seen;  // a label ahead of this chunk precedes its role too
    if (endpoint_ == Endpoint::kCompletions) {
      text_node = j.member(c, "text");
    } else {
      uint32_t delta = j.member(c, "delta");
      if (j.member(delta, "role") != JsonNode::kNone) ch->role_seen = true;
      text_node = j.member(delta, "content");
    }
    bool has_content = j.isString(text_node) && j.node(text_node).end - j.node(text_node).begin > 2;
    if (has_content) {
      if (index == 0) answer_ += j.str(text_node);
      if (!start_text_.empty() && !ch->start_done) {
        out.before += labelEvent(index, !role_before, start_text_);
        ch->start_done = true;
        ++labels_emitted_;
      }
      ch->content_seen = true;
    }
    uint32_t finish = j.member(c, "finish_reason");
    if (!end_text_.empty() && j.isString(finish) && ch->content_seen && !ch->end_done) {
      // The finish chunk itself may carry the last content: then the label follows it.
      (has_content ? out.after : out.before) += labelEvent(index, false, end_text_);
      ch->end_done = true;
      ++labels_emitted_;
    }
  }
  return out;
}

std::string StreamLabeler::finish(std::string_view provenance_json) {
  std::string out;
  if (!end_text_.empty()) {
    for (size_t i = 0; i < choices_.size(); ++i) {
      if (choices_[i].content_seen && !choices_[i].end_done) {
        out += labelEvent(static_cast<int>(i), false, end_text_);
        choices_[i].end_done = true;
        ++labels_emitted_;
      }
    }
  }
  if (!provenance_json.empty()) {
    out += header();
    out += "\"choices\":[],\"concord\":{\"provenance\":";
    out += provenance_json;
    out += "}}\n\n";
  }
  return out;
}

}  // namespace concord::label
