#include "proxy/audit_content.h"

#include "api/sse.h"
#include "label/json_span.h"

namespace concord::proxy {
namespace {

using label::JsonNode;
using label::JsonSpans;

// Calls f(node) for each element of array node `arr`.
template <typename F>
void forEachElement(const JsonSpans& j, uint32_t arr, F&& f) {
  if (!j.isArray(arr)) return;
  for (uint32_t c = j.node(arr).first_child; c != JsonNode::kNone; c = j.node(c).next_sibling) f(c);
}

void appendSlot(std::string& out, const std::string& text) {
  if (!out.empty()) out += kSegmentSeparator;
  out += text;
}

bool isText(const JsonSpans& j, uint32_t obj, std::string_view type) {
  const uint32_t t = j.member(obj, "type");
  return j.isString(t) && j.raw(t) == "\"" + std::string(type) + "\"";
}

}  // namespace

void captureRequestContent(ExchangeRecord& record, const Verdict& verdict, const api::RequestView& view,
                           const DetectStep& detect) {
  record.log_content = verdict.log_content;
  if (!capturesContent(record)) return;
  // Nothing can be redacted without a detector: write the hash rather than clear text.
  if (record.log_content == "redacted" && dynamic_cast<const PassThroughDetect*>(&detect) != nullptr)
    record.log_content = "hash";
  size_t size = 0;
  for (const auto& s : view.segments) size += s.text.size() + kSegmentSeparator.size();
  record.prompt_text.clear();
  record.prompt_text.reserve(size);
  record.segment_offsets.clear();
  record.segment_offsets.reserve(view.segments.size());
  for (size_t i = 0; i < view.segments.size(); ++i) {
    if (i) record.prompt_text += kSegmentSeparator;
    record.segment_offsets.push_back(static_cast<uint32_t>(record.prompt_text.size()));
    record.prompt_text += view.segments[i].text;
  }
}

void captureAnswerBody(ExchangeRecord& record, api::Endpoint endpoint, std::string_view body,
                       DetectStep& detect, const StepInput& in) {
  if (!capturesContent(record)) return;
  record.answer_text = answerTextFromBody(endpoint, body);
  finishAnswerContent(record, detect, in);
}

void captureStreamEvents(ExchangeRecord& record, api::Endpoint endpoint, std::string_view events) {
  if (!capturesContent(record)) return;
  api::forEachEventData(events, [&](std::string_view data) {
    if (!data.empty() && data != "[DONE]") appendStreamDelta(endpoint, data, record.answer_text);
  });
}

void finishAnswerContent(ExchangeRecord& record, DetectStep& detect, const StepInput& in) {
  if (record.log_content != "redacted" || record.answer_text.empty()) return;
  // The answer as one assistant segment, scanned by the same detectors as the request.
  api::RequestView answer;
  answer.endpoint = in.view.endpoint;
  answer.model = in.view.model;
  answer.segments.push_back({record.answer_text, 0, 0, api::SegmentRole::kAssistant, 0});
  const StepInput scan{in.principal, answer, in.candidates, in.now_micros, in.language, in.policy_generation};
  record.answer_findings.clear();
  if (auto st = detect.detect(scan, record.answer_findings); !st) {
    // Fail closed: an unscanned answer might hold a value the mode must not write.
    record.answer_findings.clear();
    record.answer_text = "[answer not logged: the detector failed]";
  }
}

std::string answerTextFromBody(api::Endpoint endpoint, std::string_view body) {
  std::string out;
  JsonSpans j;
  if (!j.parse(body) || !j.isObject(j.root())) return out;
  if (endpoint == api::Endpoint::kResponses) {
    forEachElement(j, j.member(j.root(), "output"), [&](uint32_t item) {
      if (!j.isObject(item) || !isText(j, item, "message")) return;
      forEachElement(j, j.member(item, "content"), [&](uint32_t part) {
        if (!j.isObject(part) || !isText(j, part, "output_text")) return;
        if (const uint32_t t = j.member(part, "text"); j.isString(t)) appendSlot(out, j.str(t));
      });
    });
    return out;
  }
  forEachElement(j, j.member(j.root(), "choices"), [&](uint32_t choice) {
    if (!j.isObject(choice)) return;
    uint32_t text = JsonNode::kNone;
    if (endpoint == api::Endpoint::kCompletions) {
      text = j.member(choice, "text");
    } else if (const uint32_t message = j.member(choice, "message"); j.isObject(message)) {
      text = j.member(message, "content");
    }
    if (j.isString(text)) appendSlot(out, j.str(text));
  });
  return out;
}

void appendStreamDelta(api::Endpoint endpoint, std::string_view event_data, std::string& out) {
  JsonSpans j;
  if (!j.parse(event_data) || !j.isObject(j.root())) return;
  if (endpoint == api::Endpoint::kResponses) {
    if (!isText(j, j.root(), "response.output_text.delta")) return;
    if (const uint32_t d = j.member(j.root(), "delta"); j.isString(d)) out += j.str(d);
    return;
  }
  forEachElement(j, j.member(j.root(), "choices"), [&](uint32_t choice) {
    if (!j.isObject(choice)) return;
    uint32_t text = JsonNode::kNone;
    if (endpoint == api::Endpoint::kCompletions) {
      text = j.member(choice, "text");
    } else if (const uint32_t delta = j.member(choice, "delta"); j.isObject(delta)) {
      text = j.member(delta, "content");
    }
    if (j.isString(text)) out += j.str(text);
  });
}

}  // namespace concord::proxy
