// Audit content: what of the prompt and the answer an exchange's audit record carries, as the
// policy's log obligation says (Verdict::log_content, docs/audit-format.md section 3.1):
//   none      nothing (the default; every function here returns at once, the request path
//             pays one string compare)
//   hash      SHA-256 of the prompt and of the answer (computed by the audit writer thread)
//   redacted  the text with every detected PII/secret span replaced by "[kind]"; the answer is
//             scanned by the detect step too, so no detected value reaches the log. Without a
//             detector (pass-through detect step) redacted degrades to hash: nothing could be
//             redacted, so nothing is written in clear.
//   full      the raw text; only when a fired rule asks for `full` by name (PolicyDecide).
// The exchange calls captureRequestContent after the decide step, then captureAnswerBody (a
// whole answer) or captureStreamEvents per relayed SSE piece and finishAnswerContent at the
// end of a stream. The record keeps raw text plus findings; toAuditRecord (chain_audit.cc)
// maps per-segment findings to spans of the joined prompt. Plain functions on the exchange's
// own record; the thread of that exchange.
#pragma once

#include <string>
#include <string_view>

#include "api/endpoint.h"
#include "api/request_view.h"
#include "proxy/exchange_record.h"
#include "proxy/steps.h"

namespace concord::proxy {

// Between two request segments in ExchangeRecord::prompt_text.
inline constexpr std::string_view kSegmentSeparator = "\n\n";

inline bool capturesContent(const ExchangeRecord& record) { return record.log_content != "none"; }

// Sets the record's content mode from the verdict and, unless it is none, copies the request's
// text segments (joined) and where each starts. Call while `view` is valid and before the
// body is redacted for the upstream (findings point into these segments).
void captureRequestContent(ExchangeRecord& record, const Verdict& verdict, const api::RequestView& view,
                           const DetectStep& detect);

// A whole (non-streaming) answer body: its text is taken from the answer slots
// (answerTextFromBody) and, in redacted mode, scanned.
void captureAnswerBody(ExchangeRecord& record, api::Endpoint endpoint, std::string_view body,
                       DetectStep& detect, const StepInput& in);

// Complete SSE events as relayed: the content deltas are appended to record.answer_text.
void captureStreamEvents(ExchangeRecord& record, api::Endpoint endpoint, std::string_view events);

// At the end of a stream (or after captureAnswerBody's extraction): in redacted mode, scans
// record.answer_text and keeps the findings. A scan that fails drops the answer text.
void finishAnswerContent(ExchangeRecord& record, DetectStep& detect, const StepInput& in);

// The answer's text slots joined by kSegmentSeparator, in order: chat choices[].message.content,
// completions choices[].text, responses output[].content[type=output_text].text. "" when the
// body is not JSON or has no text.
std::string answerTextFromBody(api::Endpoint endpoint, std::string_view body);

// Appends the text an SSE event's data adds to the answer: chat choices[].delta.content,
// completions choices[].text, responses `response.output_text.delta` events' delta.
void appendStreamDelta(api::Endpoint endpoint, std::string_view event_data, std::string& out);

}  // namespace concord::proxy
