// Exchange: the story of one client request, as one object whose steps are told by two files:
// exchange.cc (the request path, DESIGN.md steps 1-9, top to bottom) and exchange_holds.cc
// (a person's approval of a held request or of an answer's tool calls, and the stop switch while
// waiting). Internal to src/proxy: runExchange (exchange.h) is the only way in. One per request,
// used by its coroutine on the connection's worker thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/errors.h"
#include "api/request_view.h"
#include "api/usage.h"
#include "detect/redaction.h"
#include "http/request.h"
#include "http/response_sink.h"
#include "oversight/approval.h"
#include "proxy/answer_scan.h"
#include "proxy/exchange_record.h"
#include "proxy/forwarder.h"
#include "proxy/gateway.h"
#include "proxy/steps.h"
#include "proxy/stream_edit.h"
#include "proxy/tool_calls.h"

namespace concord::proxy {
namespace exchange_detail {

int64_t nowNanos();    // steady clock
int64_t wallMicros();  // system clock
// A well-formed SSE error event (then [DONE]) that ends a stream.
std::string streamErrorEvent(std::string_view code, std::string_view message);
// Defaults that are not temporaries (GCC 12 mishandles temporaries in co_await).
extern const std::vector<std::pair<std::string, std::string>> kNoHeaders;
extern const std::vector<RouteCandidate> kNoCandidates;

}  // namespace exchange_detail

class Exchange {
  using Endpoint = api::Endpoint;
  template <typename T>
  using awaitable = boost::asio::awaitable<T>;

 public:
  Exchange(Gateway& gateway, http::Request& request, http::ResponseSink& sink)
      : gw_(gateway), req_(request), sink_(sink), snapshot_(gateway.snapshot()),
        worker_(gateway.worker(request.worker)), start_nanos_(request.received_nanos) {
    record_.time_micros = exchange_detail::wallMicros();
    char id[48];
    std::snprintf(id, sizeof id, "cx-%llx-%x-%llx",
                  static_cast<unsigned long long>(record_.time_micros), request.worker,
                  static_cast<unsigned long long>(++worker_.exchanges));
    record_.exchange_id = id;
    id_ = id;
  }

  ~Exchange() { worker_.returnParser(std::move(parser_)); }

  awaitable<void> run() {
    gw_.metrics().in_flight.fetch_add(1, std::memory_order_relaxed);
    co_await steps();
    if (rejection_) co_await sendRejection();
    gw_.metrics().in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  awaitable<void> steps();

  // Non-streaming: the whole answer is read, labelled, then written in one go.
  awaitable<void> relayWhole(const std::string& content_type);

  // Streaming: each upstream piece is cut into whole SSE events and forwarded at once.
  awaitable<void> relayStream(const std::string& content_type);

  // A scanner for this answer: the operator's answer kinds plus what the policy redacted in the
  // request. Null without detectors or for answers that are not text (errors, embeddings).
  std::unique_ptr<AnswerScan> answerScanner();

  // A failing answer scan: true when the policy lets the answer through unscanned (counted).
  bool answerScanFailsOpen();

  // The answer's findings (without values) go into the record, unless the audit's redacted
  // content mode scanned the whole answer itself; redactions are counted.
  void noteAnswerScan(const AnswerScan& scan);

  // The streamed answer is complete and its tool calls were held back: the policy (or a person)
  // decides; approved, the held events go out, refused, an explanation that Concord labels and
  // covers with the provenance like the upstream's own text.
  awaitable<void> releaseToolCalls(StreamEdit& edit, std::string& out);

  awaitable<void> readiness();

  awaitable<void> metricsPage();

  awaitable<void> respondJson(int status, std::string_view body);

  // The one place a whole answer leaves: with Concord's own headers.
  awaitable<void> respond(int status, std::string_view body, std::string_view content_type,
                                const std::vector<std::pair<std::string, std::string>>& extra = exchange_detail::kNoHeaders);

  // Steps refuse by recording the error; run() answers it once the steps have returned.
  // (No temporaries inside co_await expressions: GCC 12 may destroy them twice.)
  void reject(api::ApiError error, std::string extra = {});

  awaitable<void> sendRejection();

  static api::ApiError stoppedByOperator(const std::string& why);

  // What a reviewer is asked to decide on, but the digest and preview of the held thing.
  oversight::ApprovalRequest holdRequest(const Verdict& verdict, const char* kind) const;

  // Parks the exchange until a person approves or denies hold_, or the hold expires. The
  // approval is bound to the digest of exactly what was held and used once.
  awaitable<oversight::Resolution> awaitApproval();

  // 7b. An answer's tool calls: an agent acts on them, so the policy decides (and maybe a person)
  // before the client sees them. True when they are refused; refusal_ then says why.
  awaitable<bool> decideToolCalls();

  // What a reviewer sees of the request: the users' and tools' text with every finding masked.
  std::string approvalPreview() const;

  static api::ApiError auditUnavailable();

  std::string rulesJson() const;

  void setUsage(const api::Usage& usage);

  StepInput input() const;

  int64_t overheadMicros() const;

  // 9. account: the record's final figures and the metrics, for every exchange.
  void account(int status);

  // 9. audit: hands the record over (once); with a strict audit, waits until it is durable.
  // False when the record could not be kept.
  awaitable<bool> commit();

  Gateway& gw_;
  http::Request& req_;
  http::ResponseSink& sink_;
  std::shared_ptr<const Snapshot> snapshot_;  // the config this exchange started with
  WorkerContext& worker_;
  int64_t start_nanos_;
  int64_t upstream_nanos_ = 0;
  Endpoint endpoint_ = Endpoint::kUnknown;
  Principal principal_;
  std::unique_ptr<api::RequestParser> parser_;  // lent by the worker; holds view_'s bytes
  api::RequestView view_;
  std::string language_;
  const std::vector<RouteCandidate>* candidates_ = &exchange_detail::kNoCandidates;  // of the requested model
  Verdict verdict_;
  std::unique_ptr<detect::PseudonymVault> vault_;  // pseudonyms given to the upstream, if any
  ForwardOutcome upstream_;
  ExchangeRecord record_;   // moved into the audit by commit()
  std::string id_;          // exchange id, kept for headers after the record is committed
  std::string upstream_name_;
  bool accounted_ = false;
  bool stream_begun_ = false;  // a held stream answered 200 with keep-alives already
  oversight::ApprovalRequest hold_;  // what a person is asked to approve, while held
  std::vector<ToolCall> tool_calls_;  // of the answer, when the policy decides on them
  std::string refusal_;               // why they were refused
  std::optional<api::ApiError> rejection_;
  std::string rejection_extra_;
  std::string rejection_code_;
};

}  // namespace concord::proxy
