#include "proxy/answer_scan.h"

#include <nlohmann/json.hpp>

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

Status AnswerScan::scanBody(std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return Status();  // not a JSON answer: nothing we can read as text
  bool changed = false;
  auto slot = [&](json* text) -> Status {
    if (!text) return Status();
    const std::string original = text->get<std::string>();
    auto redacted = redactText(original);
    if (!redacted) return redacted.error();
    if (redacted.value() != original) {
      *text = std::move(redacted.value());
      changed = true;
    }
    return Status();
  };
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
  json doc = json::parse(data, nullptr, false);
  if (!doc.is_object()) return std::string(data);
  bool changed = false;
  if (endpoint_ == api::Endpoint::kResponses) {
    // Typed events: deltas and the closing events' full texts, each scanned on its own.
    auto slot = [&](json* text) -> Status {
      if (!text) return Status();
      const std::string original = text->get<std::string>();
      auto redacted = redactText(original);
      if (!redacted) return redacted.error();
      if (redacted.value() != original) *text = std::move(redacted.value()), changed = true;
      return Status();
    };
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
  auto choices = doc.find("choices");
  if (choices == doc.end() || !choices->is_array()) return std::string(data);
  last_event_ = std::string(data);
  for (auto& c : *choices) {
    if (!c.is_object()) continue;
    const size_t index = c.value("index", 0);
    if (index > 64) continue;
    json* text = nullptr;
    if (auto d = c.find("delta"); d != c.end() && d->is_object()) text = textAt(*d, "content");
    if (!text) text = textAt(c, "text");
    if (!text) continue;
    const std::string original = text->get<std::string>();
    auto& scanner = choice(index);
    const size_t before = scanner.redactedCount();
    auto released = scanner.feed(original);
    if (!released) return released.error();
    redacted_ += scanner.redactedCount() - before;
    if (released.value() != original) {
      *text = std::move(released.value());
      changed = true;
    }
  }
  return changed ? doc.dump() : std::string(data);
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
