#include "proxy/answer_scan.h"

#include <nlohmann/json.hpp>

#include "common/json_escape.h"

namespace concord::proxy {
namespace {

using nlohmann::json;

// Hyperscan scratch is per thread: exchanges of one worker run on its one thread, and no scan
// is in progress across a co_await.
detect::ScanScratch& threadScratch() {
  thread_local detect::ScanScratch scratch;
  return scratch;
}

// The string at `field` of `object`, when it is one.
json* textAt(json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? &*it : nullptr;
}

// Where a JSON string value of `key` starts and ends in `data` (the quotes excluded), from
// `from`; npos when there is none. Chunks are small JSON objects written by machines: the key is
// found as text, not inside another string (its quote is not escaped).
struct StringSpan {
  size_t key = std::string_view::npos, begin = 0, end = 0;
  bool escaped = false;
};
StringSpan findStringValue(std::string_view data, std::string_view quoted_key, size_t from) {
  for (size_t at = data.find(quoted_key, from); at != std::string_view::npos; at = data.find(quoted_key, at + 1)) {
    if (at > 0 && data[at - 1] == '\\') continue;
    size_t p = at + quoted_key.size();
    while (p < data.size() && (data[p] == ' ' || data[p] == ':')) ++p;
    if (p >= data.size() || data[p] != '"') continue;  // null, a number or an object: no text
    StringSpan s{at, p + 1, p + 1, false};
    while (s.end < data.size() && data[s.end] != '"') {
      if (data[s.end] == '\\') s.escaped = true, ++s.end;
      ++s.end;
    }
    if (s.end >= data.size()) return {};
    return s;
  }
  return {};
}

// The choice index a value at `at` belongs to: the nearest "index": before it (0 if none).
size_t choiceIndexBefore(std::string_view data, size_t at) {
  const size_t i = data.rfind("\"index\":", at);
  if (i == std::string_view::npos) return 0;
  size_t p = i + 8, n = 0;
  while (p < data.size() && data[p] == ' ') ++p;
  while (p < data.size() && data[p] >= '0' && data[p] <= '9' && n < 1000) n = n * 10 + (data[p++] - '0');
  return n;
}

}  // namespace

AnswerScan::AnswerScan(std::shared_ptr<const detect::Scanner> scanner, api::Endpoint endpoint,
                       detect::AnswerRedaction redaction)
    : scanner_(std::move(scanner)), endpoint_(endpoint), redaction_(std::move(redaction)) {}

AnswerScan::~AnswerScan() = default;

Result<std::string> AnswerScan::redactText(std::string_view text) {
  auto scanned = detect::scanAnswer(*scanner_, threadScratch(), text, redaction_);
  if (!scanned) return scanned.error();
  findings_.insert(findings_.end(), scanned.value().findings.begin(), scanned.value().findings.end());
  if (scanned.value().text != text) ++redacted_;
  return std::move(scanned.value().text);
}

Status AnswerScan::redactSlot(nlohmann::json* text, bool& changed) {
  if (!text) return Status();
  const std::string original = text->get<std::string>();
  auto redacted = redactText(original);
  if (!redacted) return redacted.error();
  if (redacted.value() != original) {
    *text = std::move(redacted.value());
    changed = true;
  }
  return Status();
}

Status AnswerScan::scanBody(std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return Status();  // not a JSON answer: nothing we can read as text
  bool changed = false;
  auto slot = [&](json* text) { return redactSlot(text, changed); };
  if (auto choices = doc.find("choices"); choices != doc.end() && choices->is_array()) {
    for (auto& c : *choices) {
      if (!c.is_object()) continue;
      if (auto m = c.find("message"); m != c.end() && m->is_object())
        if (auto st = slot(textAt(*m, "content")); !st) return st;
      if (auto st = slot(textAt(c, "text")); !st) return st;
    }
  }
  if (auto output = doc.find("output"); output != doc.end() && output->is_array()) {
    for (auto& item : *output) {
      if (!item.is_object() || !item.contains("content") || !item["content"].is_array()) continue;
      for (auto& part : item["content"])
        if (part.is_object())
          if (auto st = slot(textAt(part, "text")); !st) return st;
    }
  }
  if (changed) body = doc.dump();
  return Status();
}

detect::AnswerScanner& AnswerScan::choice(size_t index) {
  if (per_choice_.size() <= index) per_choice_.resize(index + 1);
  if (!per_choice_[index])
    per_choice_[index] = std::make_unique<detect::AnswerScanner>(scanner_, threadScratch(), redaction_);
  return *per_choice_[index];
}

Result<std::string> AnswerScan::event(std::string_view data) {
  if (endpoint_ != api::Endpoint::kResponses) return chunkEvent(data);
  json doc = json::parse(data, nullptr, false);
  if (!doc.is_object()) return std::string(data);
  // /v1/responses typed events: deltas and the closing events' full texts, each on its own.
  bool changed = false;
  auto slot = [&](json* text) { return redactSlot(text, changed); };
  if (auto st = slot(textAt(doc, "delta")); !st) return st.error();
  if (auto st = slot(textAt(doc, "text")); !st) return st.error();
  for (const char* holder : {"part", "item", "response"}) {
    auto h = doc.find(holder);
    if (h == doc.end() || !h->is_object()) continue;
    if (auto st = slot(textAt(*h, "text")); !st) return st.error();
    std::vector<json*> parts;
    auto collect = [&](json& item) {
      if (item.is_object() && item.contains("content") && item["content"].is_array())
        for (auto& p : item["content"]) parts.push_back(&p);
    };
    collect(*h);
    if (h->contains("output") && (*h)["output"].is_array())
      for (auto& item : (*h)["output"]) collect(item);
    for (auto* p : parts)
      if (p->is_object())
        if (auto st = slot(textAt(*p, "text")); !st) return st.error();
  }
  return changed ? doc.dump() : std::string(data);
}

// Chat and completions chunks, on the hot path of every streamed answer: the delta's text is
// found and, only when the scan changed it, spliced back; no JSON tree is built.
Result<std::string> AnswerScan::chunkEvent(std::string_view data) {
  const std::string_view key = endpoint_ == api::Endpoint::kChatCompletions ? "\"content\"" : "\"text\"";
  if (last_event_.empty()) last_event_ = std::string(data);  // id, model for a flush event
  std::string out;
  size_t copied = 0;
  for (auto span = findStringValue(data, key, 0); span.key != std::string_view::npos;
       span = findStringValue(data, key, span.end + 1)) {
    std::string text;
    if (span.escaped) {
      const auto literal = json::parse(data.substr(span.begin - 1, span.end - span.begin + 2), nullptr, false);
      if (!literal.is_string()) continue;
      text = literal.get<std::string>();
    } else {
      text.assign(data.substr(span.begin, span.end - span.begin));
    }
    const size_t index = choiceIndexBefore(data, span.key);
    if (index > 64) continue;
    auto& scanner = choice(index);
    const size_t before = scanner.redactedCount();
    auto released = scanner.feed(text);
    if (!released) return released.error();
    redacted_ += scanner.redactedCount() - before;
    if (released.value() == text) continue;
    out.append(data.substr(copied, span.begin - copied));
    appendJsonEscaped(out, released.value());
    copied = span.end;
  }
  if (copied == 0) return std::string(data);
  out.append(data.substr(copied));
  return out;
}

Result<std::string> AnswerScan::finish() {
  std::string events;
  for (size_t i = 0; i < per_choice_.size(); ++i) {
    if (!per_choice_[i]) continue;
    const size_t before = per_choice_[i]->redactedCount();
    auto rest = per_choice_[i]->finish();
    if (!rest) return rest.error();
    redacted_ += per_choice_[i]->redactedCount() - before;
    if (rest.value().empty()) continue;
    json doc = json::parse(last_event_, nullptr, false);
    if (!doc.is_object()) doc = json::object();
    const bool chat = endpoint_ == api::Endpoint::kChatCompletions;
    json choice = {{"index", i}, {"finish_reason", nullptr}};
    if (chat) choice["delta"] = {{"content", rest.value()}};
    else choice["text"] = rest.value();
    doc["choices"] = json::array({choice});
    doc.erase("usage");
    events += "data: " + doc.dump() + "\n\n";
  }
  return events;
}

void AnswerScan::findingsInto(std::vector<FindingRef>& out) const {
  for (const auto& f : findings_) out.push_back({std::string(f.kind), 0, f.begin, f.end, f.score});
  for (const auto& s : per_choice_)
    if (s)
      for (const auto& f : s->findings()) out.push_back({std::string(f.kind), 0, f.begin, f.end, f.score});
}

}  // namespace concord::proxy
