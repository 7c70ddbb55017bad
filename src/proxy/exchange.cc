// The story of one exchange, top to bottom (DESIGN.md steps 1-9). Every step is a call into a
// module; only this file and exchange_holds.cc (keep-alives while a person decides) write to
// the client (through the ResponseSink). Errors from clients, upstreams and policy are values,
// answered in OpenAI's error shape and counted; nothing here throws.
#include "proxy/exchange.h"
#include "proxy/exchange_impl.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>

#include "api/endpoint.h"
#include "api/errors.h"
#include "api/sse.h"
#include "api/usage.h"
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include "label/provenance_service.h"
#include "oversight/approval_queue.h"
#include "oversight/stop_switch.h"
#include "proxy/audit_content.h"
#include "proxy/forwarder.h"
#include "proxy/redaction_apply.h"
#include "proxy/stop_watch.h"
#include "proxy/stream_edit.h"
#include "store/key_store.h"

namespace concord::proxy {
namespace exchange_detail {

int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}
int64_t wallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// A well-formed SSE error event that ends a stream the upstream broke.
std::string streamErrorEvent(std::string_view code, std::string_view message) {
  // The type a non-streaming answer would carry: the upstream's fault, or the gateway's own.
  const bool upstream = code.starts_with("upstream_");
  std::string event = "data: ";
  event += api::errorBody({upstream ? 502 : 503, upstream ? "upstream_error" : "server_error", code, std::string(message)});
  event += "\n\ndata: [DONE]\n\n";
  return event;
}

const std::vector<std::pair<std::string, std::string>> kNoHeaders;
const std::vector<RouteCandidate> kNoCandidates;

}  // namespace exchange_detail
namespace {

namespace asio = boost::asio;
using api::Endpoint;
using namespace exchange_detail;

std::string_view bearerToken(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      (authorization.starts_with(kBearer) || authorization.starts_with("bearer ")))
    return authorization.substr(kBearer.size());
  return {};
}

bool isJson(std::string_view content_type) {
  return content_type.empty() || content_type.starts_with("application/json") ||
         content_type.find("json") != std::string_view::npos;
}

}  // namespace

asio::awaitable<void> Exchange::steps() {
  // 1. accept: the listener has read a well-formed request within its limits; route it.
  const auto route = api::routeFor(req_.method, req_.target);
  endpoint_ = route.endpoint;
  record_.endpoint = std::string(api::endpointName(endpoint_));
  if (endpoint_ == Endpoint::kUnknown)
    co_return reject(api::notFound("no route for " + req_.method + " " + req_.target,
                                          "unknown_route"));
  if (!route.method_allowed)
    co_return reject({405, "invalid_request_error", "method_not_allowed",
                             req_.method + " is not allowed on " + req_.target});
  if (endpoint_ == Endpoint::kHealthz) co_return co_await respondJson(200, R"({"status":"ok"})");
  if (endpoint_ == Endpoint::kReadyz) co_return co_await readiness();
  if (endpoint_ == Endpoint::kMetrics) co_return co_await metricsPage();
  if (endpoint_ == Endpoint::kProvenanceKeys) {
    if (!gw_.provenance()) co_return reject(api::notFound("provenance is not enabled", "provenance_disabled"));
    const std::string jwks = gw_.provenance()->jwks();
    co_return co_await respondJson(200, jwks);
  }
  if (!snapshot_->steps.audit->healthy()) {
    if (!snapshot_->config->audit.fail_open) co_return reject(auditUnavailable());
    gw_.metrics().count("concord_audit_fail_open_total", "");  // serving unaudited, loudly
  }

  // 2. authenticate: the bearer key becomes a Principal.
  auto principal = gw_.keys().authenticate(bearerToken(req_.authorization));
  if (!principal) {
    const auto& e = principal.error();
    co_return reject({401, "invalid_request_error", e.code,
                             e.code == store::kRevokedApiKey ? "this API key has been revoked"
                                                             : "invalid or missing API key"});
  }
  principal_ = std::move(principal.value());
  record_.tenant = principal_.tenant;
  record_.key_id = principal_.key_id;
  if (endpoint_ == Endpoint::kModels) co_return co_await respondJson(200, snapshot_->router->modelsJson());
  if (endpoint_ == Endpoint::kVerify) {
    // Does this text come from this gateway? Signature and hash, or a look-up by sketch.
    if (!gw_.provenance()) co_return reject(api::notFound("provenance is not enabled", "provenance_disabled"));
    const auto answer = gw_.provenance()->verify(req_.body);
    co_return co_await respondJson(answer.status, answer.body);
  }

  // 3. parse: a read-only view of the OpenAI body.
  if (!isJson(req_.content_type))
    co_return reject({415, "invalid_request_error", "unsupported_media_type",
                             "Content-Type must be application/json"});
  parser_ = worker_.takeParser();  // this exchange's own: the view points into it
  auto view = parser_->parse(endpoint_, req_.body);
  if (!view) co_return reject(api::badRequest(view.error().message, view.error().code));
  view_ = std::move(view.value());
  record_.model = std::string(view_.model);
  record_.stream = view_.stream;
  if (!principal_.mayUseModel(record_.model))
    co_return reject({403, "invalid_request_error", "model_not_allowed",
                             "this key may not use model '" + record_.model + "'"});
  candidates_ = &snapshot_->router->candidatesFor(view_.model);  // looked up once
  const auto& candidates = *candidates_;
  if (candidates.empty())
    co_return reject(api::notFound("model '" + record_.model + "' is not served here",
                                          "model_not_found"));
  // The stop switch: an operator has halted everything, this tenant or this model.
  if (std::string why; gw_.stops() && gw_.stops()->stopped(principal_.tenant, view_.model, "", &why))
    co_return reject(stoppedByOperator(why));
  // 4. detect: findings over every text segment, and the language of the user's turns.
  auto& detector = *snapshot_->steps.detect;
  if (auto st = detector.detect(input(), record_.findings); !st)
    co_return reject({503, "server_error", "detector_failed",
                             "a detector failed and the policy fails closed: " + st.error().message});
  language_ = detector.language(view_);

  // 5. decide: the policy program turns facts into a verdict.
  verdict_ = snapshot_->steps.decide->decide(input(), record_.findings);
  record_.rules = verdict_.rules;
  captureRequestContent(record_, verdict_, view_, detector);  // only when the policy logs content

  // 6. enforce: deny, hold, route constraints.
  if (verdict_.action == Verdict::Action::kDeny) {
    record_.verdict = "deny";
    co_return reject({403, "invalid_request_error", "policy_denied", verdict_.message},
                            rulesJson());
  }
  if (verdict_.action == Verdict::Action::kHold) {
    record_.verdict = "hold";
    if (!gw_.approvals())
      co_return reject({403, "invalid_request_error", "approval_required", verdict_.message},
                       rulesJson());
    // A person decides; the client waits (streams get keep-alive comments).
    hold_ = holdRequest(verdict_, "request");
    hold_.digest = oversight::sha256Hex(req_.body);
    hold_.preview = approvalPreview();
    const auto resolution = co_await awaitApproval();
    if (rejection_) co_return;
    if (resolution.outcome == oversight::Outcome::kDenied)
      co_return reject({403, "invalid_request_error", "approval_denied",
                        "a reviewer denied this request: " + resolution.reason},
                       rulesJson());
    if (resolution.outcome == oversight::Outcome::kExpired)
      co_return reject({403, "invalid_request_error", "approval_timeout",
                        "no reviewer decided within the allowed time"},
                       rulesJson());
    // An operator may have stopped this tenant or model while a person was deciding.
    if (std::string why; gw_.stops() && gw_.stops()->stopped(principal_.tenant, view_.model, "", &why))
      co_return reject(stoppedByOperator(why));
  }
  std::vector<const RouteCandidate*> routes;
  bool upstream_stopped = false;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!verdict_.route_allowed.empty() && !verdict_.route_allowed[i]) continue;
    if (gw_.stops() && gw_.stops()->stopped("", "", candidates[i].upstream->name)) {
      upstream_stopped = true;
      continue;
    }
    routes.push_back(&candidates[i]);
  }
  if (routes.empty() && upstream_stopped)
    co_return reject(stoppedByOperator("every compliant upstream for this model is stopped"));
  if (routes.empty())
    co_return reject({403, "invalid_request_error", "no_compliant_route",
                             "no upstream serving '" + record_.model + "' satisfies the policy"},
                            rulesJson());

  // Redactions: the values the policy withholds never reach the upstream.
  if (!verdict_.redactions.empty()) {
    auto redaction = applyRedactions(verdict_.redactions, view_, record_.findings, principal_.tenant, req_.body);
    if (redaction.redacted > 0) {
      vault_ = std::move(redaction.vault);
      if (record_.verdict == "allow") record_.verdict = "redact";
      gw_.metrics().count("concord_redactions_total", "", redaction.redacted);
      auto reparsed = parser_->parse(endpoint_, req_.body);  // spans moved
      if (!reparsed) co_return reject({500, "server_error", "redaction_failed", reparsed.error().message});
      view_ = std::move(reparsed.value());
    }
  }

  // 7. forward and relay (8. label happens on the way out, inside the relay).
  ForwardRequest forward_request{api::upstreamPath(endpoint_), "POST", req_.body, view_.model,
                                 view_.model_raw_begin, view_.model_raw_end,
                                 UpstreamDeadline::create(worker_.io.get_executor())};
  // A client that leaves cancels the upstream request (no tokens spent on nobody).
  sink_.watchClientGone([deadline = forward_request.deadline] { deadline->cancelNow(); });
  upstream_ = co_await forward(worker_, *snapshot_, routes, forward_request, gw_.health(), gw_.metrics());
  upstream_nanos_ += upstream_.upstream_nanos;
  record_.attempts = upstream_.attempts;
  if (forward_request.deadline->cancelled()) {
    record_.error_code = "client_disconnected";
    gw_.metrics().count("concord_client_disconnects_total", "");
    if (upstream_.connection) upstream_.connection->close();
    releaseConnection(upstream_);
    account(499);  // nginx's "client closed request"
    co_await commit();
    co_return;
  }
  if (!upstream_.connection) {
    const int status = upstream_.error_code == "upstream_timeout" ? 504 : 502;
    co_return reject({status, "upstream_error", upstream_.error_code, upstream_.error_message});
  }
  record_.upstream = upstream_.route->upstream->name;
  upstream_name_ = record_.upstream;
  const std::string content_type(upstream_.connection->header("Content-Type"));
  if (content_type.starts_with("text/event-stream")) co_await relayStream(content_type);
  else co_await relayWhole(content_type);
}

// Non-streaming: the whole answer is read, labelled, then written in one go.
asio::awaitable<void> Exchange::relayWhole(const std::string& content_type) {
  auto& conn = *upstream_.connection;
  const auto& u = *upstream_.route->upstream;
  std::string body;
  if (const auto len = conn.header("Content-Length"); !len.empty()) body.reserve(std::stoull(std::string(len)));
  upstream_.deadline->arm(&conn, std::min(u.total_timeout_ms, snapshot_->config->limits.total_timeout_ms));
  const int64_t t0 = nowNanos();
  std::string_view piece;
  boost::beast::error_code ec;
  while (!conn.bodyDone()) {
    ec = co_await conn.readBody(piece);
    if (ec) break;
    if (piece.empty()) break;
    body.append(piece);
  }
  upstream_nanos_ += nowNanos() - t0;
  if (ec || !conn.bodyDone()) {
    const bool timeout = upstream_.deadline->expired();
    releaseConnection(upstream_);
    co_return reject({timeout ? 504 : 502, "upstream_error",
                             timeout ? "upstream_timeout" : "upstream_truncated",
                             "upstream '" + u.name + "' " +
                                 (timeout ? "did not finish its answer in time"
                                          : "closed the connection mid-answer")});
  }
  releaseConnection(upstream_);
  const auto usage = api::extractUsage(body);
  setUsage(usage);
  // 8a. scan the answer: what the operator and the policy withhold does not reach the user.
  auto scan = answerScanner();
  if (scan) {
    if (auto st = scan->scanBody(body); !st && !answerScanFailsOpen())
      co_return reject({503, "server_error", "detector_failed",
                        "a detector failed on the answer and the policy fails closed: " + st.error().message});
  }
  if (vault_) body = restoreInJson(body, *vault_);  // the user gets their own values back
  if (upstream_.status < 300 && endpoint_ == Endpoint::kChatCompletions &&
      snapshot_->steps.decide->decidesAnswers() && body.find("\"tool_calls\"") != std::string::npos) {
    tool_calls_ = toolCallsInBody(body);
    if (!tool_calls_.empty() && co_await decideToolCalls()) body = refuseToolCallsInBody(body, refusal_);
    if (rejection_) co_return;
  }
  captureAnswerBody(record_, endpoint_, body, *snapshot_->steps.detect, input());
  if (scan) noteAnswerScan(*scan);
  // 8. label
  LabelResult labels;
  if (upstream_.status < 300) labels = co_await snapshot_->steps.label->labelBody(input(), verdict_, upstream_name_, body);
  record_.labels = labels.rule_ids;
  // 9. audit and account, before the answer leaves (strict audit waits for durability).
  account(upstream_.status);
  if (!co_await commit()) co_return reject(auditUnavailable());
  co_await respond(upstream_.status, body, content_type, labels.headers);
}

// Streaming: each upstream piece is cut into whole SSE events and forwarded at once.
asio::awaitable<void> Exchange::relayStream(const std::string& content_type) {
  auto& conn = *upstream_.connection;
  const auto& u = *upstream_.route->upstream;
  upstream_.deadline->arm(&conn, std::min(u.total_timeout_ms, snapshot_->config->limits.total_timeout_ms));
  // 8. label: a labeller sees every event; without one, events pass as they came.
  auto labeller = upstream_.status < 300 ? snapshot_->steps.label->labelStream(input(), verdict_, u.name) : nullptr;
  const auto overhead = std::to_string(overheadMicros());
  std::vector<http::Header> headers{{"Content-Type", content_type},
                                    {"Cache-Control", "no-cache"},
                                    {"x-concord-request-id", id_},
                                    {"x-concord-upstream", upstream_name_},
                                    {"x-concord-overhead-us", overhead}};
  const auto label_headers = labeller ? labeller->headHeaders() : decltype(labeller->headHeaders()){};
  for (const auto& [name, value] : label_headers) headers.push_back({name, value});
  if (!stream_begun_) co_await sink_.beginStream(upstream_.status, headers);
  stream_begun_ = true;
  // An operator's stop ends this stream within 100 ms.
  std::shared_ptr<StopWatch> stop_watch;
  if (gw_.stops())
    stop_watch = StopWatch::start(worker_.io.get_executor(), *gw_.stops(), principal_.tenant,
                                  std::string(view_.model), u.name, &conn);
  // 8a. scan, restore, label and hold tool calls, event by event (StreamEdit); without any of
  // them, events pass as they came.
  std::unique_ptr<StreamRestorer> restorer;
  if (vault_) restorer = std::make_unique<StreamRestorer>(*vault_);
  std::unique_ptr<ToolCallCollector> tools;  // tool calls the policy decides on are held back
  if (upstream_.status < 300 && endpoint_ == Endpoint::kChatCompletions && snapshot_->steps.decide->decidesAnswers())
    tools = std::make_unique<ToolCallCollector>();
  StreamEdit edit(answerScanner(), std::move(restorer), labeller.get(), std::move(tools));
  std::string edited;
  bool scan_failed = false;
  api::SseSplitter splitter;
  bool saw_done = false, client_gone = false;
  std::string_view piece;
  boost::beast::error_code ec;
  while (!conn.bodyDone()) {
    const int64_t t0 = nowNanos();
    ec = co_await conn.readBody(piece);
    upstream_nanos_ += nowNanos() - t0;
    if (ec || piece.empty()) break;
    bool ok = true;
    const auto events = splitter.feed(piece, ok);
    if (!ok) {
      ec = boost::asio::error::message_size;
      break;
    }
    if (events.empty()) continue;
    captureStreamEvents(record_, endpoint_, events);  // returns at once unless content is logged
    std::string_view out = events;
    if (edit.active()) {
      edited.clear();
      for (size_t pos = 0; pos < events.size() && !scan_failed;) {
        const auto event = api::nextEvent(events, pos);
        if (event.data == "[DONE]") {
          if (edit.holding()) co_await releaseToolCalls(edit, edited);  // delivered or refused
          if (auto st = edit.flushTails(edited); !st && !answerScanFailsOpen()) scan_failed = true;
          if (labeller) {
            const std::string closing = co_await labeller->finish();  // owed labels, provenance
            edited += closing;
          }
          edited += event.raw;
          continue;
        }
        if (labeller && labeller->closes(event.data)) {  // a stream without [DONE] ends here
          const std::string closing = co_await labeller->finish();
          edited += closing;
        }
        if (auto st = edit.event(event.raw, event.data, edited); !st) {
          if (!answerScanFailsOpen()) {
            scan_failed = true;
            break;
          }
          edit.dropScan();  // fail open: counted, the rest of the answer passes unscanned
          (void)edit.event(event.raw, event.data, edited);
        }
      }
      if (scan_failed) break;
      out = edited;
    }
    // Only the tail can hold [DONE]; only a chunk naming "usage" needs a closer look. A
    // /v1/responses stream has no [DONE]: its terminal event says it is complete.
    saw_done = saw_done || events.substr(events.size() > 32 ? events.size() - 32 : 0).find("[DONE]") !=
                               std::string_view::npos;
    if (endpoint_ == Endpoint::kResponses && !saw_done)
      for (std::string_view terminal : {"\"response.completed\"", "\"response.incomplete\"", "\"response.failed\""})
        if (memmem(events.data(), events.size(), terminal.data(), terminal.size()) != nullptr) saw_done = true;
    if (memmem(events.data(), events.size(), "\"usage\"", 7) != nullptr) {
      api::forEachEventData(events, [&](std::string_view data) {
        if (data.find("\"usage\"") != std::string_view::npos) setUsage(api::extractUsage(data));
      });
    }
    if (out.empty()) continue;  // everything in this piece is held back
    if (!co_await sink_.sendChunk(out)) {
      client_gone = true;  // the client left: stop the upstream too
      break;
    }
  }
  if (stop_watch) stop_watch->cancel();
  if (upstream_.deadline->cancelled()) client_gone = true;  // the connection saw the client leave
  const bool stopped = stop_watch && stop_watch->stopped();
  const bool broken = ec || scan_failed || !conn.bodyDone() || (!saw_done && upstream_.status < 300 && !client_gone);
  if (client_gone || broken) {
    upstream_.connection->close();
  }
  releaseConnection(upstream_);
  if (labeller) record_.labels = labeller->result().rule_ids;
  finishAnswerContent(record_, *snapshot_->steps.detect, input());
  if (edit.scan()) noteAnswerScan(*edit.scan());
  if (client_gone) {
    record_.error_code = "client_disconnected";
    gw_.metrics().count("concord_client_disconnects_total", "");
    account(upstream_.status);
    co_await commit();
    co_return;
  }
  if (stopped) {
    record_.error_code = "stopped_by_operator";
    gw_.metrics().count("concord_stopped_streams_total", "");
    const std::string event = streamErrorEvent("stopped_by_operator", "stopped by an operator: " + stop_watch->reason());
    co_await sink_.sendChunk(event);
  } else if (scan_failed) {
    record_.error_code = "detector_failed";
    const std::string event = streamErrorEvent("detector_failed", "a detector failed on the answer and the policy fails closed");
    co_await sink_.sendChunk(event);
  } else if (broken) {
    const bool timeout = upstream_.deadline->expired();
    record_.error_code = timeout ? "upstream_timeout" : "upstream_truncated";
    gw_.metrics().count("concord_upstream_errors_total",
                        "upstream=\"" + u.name + "\",reason=\"truncated_stream\"");
    const std::string event =
        streamErrorEvent(record_.error_code, "upstream '" + u.name + "' ended the stream early");
    co_await sink_.sendChunk(event);
  }
  // 9. audit and account; a strict audit holds the end of the stream until it is durable.
  account(upstream_.status);
  if (!co_await commit()) {
    const std::string event = streamErrorEvent("audit_unavailable", "the audit log could not record this answer");
    co_await sink_.sendChunk(event);
  }
  co_await sink_.endStream();
}

// A scanner for this answer: the operator's answer kinds plus what the policy redacted in the
// request. Null without detectors or for answers that are not text (errors, embeddings).
std::unique_ptr<AnswerScan> Exchange::answerScanner() {
  if (upstream_.status >= 300) return nullptr;
  if (endpoint_ != Endpoint::kChatCompletions && endpoint_ != Endpoint::kCompletions &&
      endpoint_ != Endpoint::kResponses)
    return nullptr;
  const auto& cfg = snapshot_->config->detect;
  std::vector<std::string> kinds = cfg.answer_redact;
  for (const auto& plan : verdict_.redactions) kinds.insert(kinds.end(), plan.kinds.begin(), plan.kinds.end());
  return snapshot_->steps.detect->scanAnswer(endpoint_, kinds, cfg.answer_mode);
}

// A failing answer scan: true when the policy lets the answer through unscanned (counted).
bool Exchange::answerScanFailsOpen() {
  if (!snapshot_->steps.detect->failsOpen()) return false;
  gw_.metrics().count("concord_detector_fail_open_total", "");
  return true;
}

// The answer's findings (without values) go into the record, unless the audit's redacted
// content mode scanned the whole answer itself; redactions are counted.
void Exchange::noteAnswerScan(const AnswerScan& scan) {
  if (record_.log_content != "redacted") scan.findingsInto(record_.answer_findings);
  if (scan.redacted() > 0) gw_.metrics().count("concord_answer_redactions_total", "", scan.redacted());
}

asio::awaitable<void> Exchange::readiness() {
  bool all_up = false;
  const auto json = gw_.health().readyJson(*snapshot_->config, all_up);
  co_await respondJson(all_up ? 200 : 503, json);
}

asio::awaitable<void> Exchange::metricsPage() {
  const auto text = gw_.metrics().render();
  const http::Header headers[] = {{"Content-Type", "text/plain; version=0.0.4"}};
  account(200);
  co_await sink_.send(200, headers, text);
}

asio::awaitable<void> Exchange::respondJson(int status, std::string_view body) {
  account(status);
  co_await commit();
  co_await respond(status, body, "application/json");
}

// The one place a whole answer leaves: with Concord's own headers.
asio::awaitable<void> Exchange::respond(int status, std::string_view body, std::string_view content_type,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
  const auto overhead = std::to_string(overheadMicros());
  std::vector<http::Header> headers{{"Content-Type", content_type},
                                    {"x-concord-request-id", id_},
                                    {"x-concord-overhead-us", overhead}};
  if (!upstream_name_.empty()) headers.push_back({"x-concord-upstream", upstream_name_});
  for (const auto& [name, value] : extra) headers.push_back({name, value});
  co_await sink_.send(status, headers, body);
}

// Steps refuse by recording the error; run() answers it once the steps have returned.
// (No temporaries inside co_await expressions: GCC 12 may destroy them twice.)
void Exchange::reject(api::ApiError error, std::string extra) {
  rejection_code_ = std::string(error.code);  // the code may point into a step's local
  rejection_ = std::move(error);
  rejection_->code = rejection_code_;
  rejection_extra_ = std::move(extra);
}

asio::awaitable<void> Exchange::sendRejection() {
  record_.error_code = std::string(rejection_->code);
  const std::string body = api::errorBody(*rejection_, rejection_extra_);
  account(rejection_->status);
  if (!record_.exchange_id.empty()) co_await commit();  // not yet committed by a relay
  if (stream_begun_) {  // a held stream already answered 200: end it with an error event
    const std::string event = "data: " + body + "\n\ndata: [DONE]\n\n";
    co_await sink_.sendChunk(event);
    co_await sink_.endStream();
    co_return;
  }
  co_await respond(rejection_->status, body, "application/json");
}

api::ApiError Exchange::stoppedByOperator(const std::string& why) {
  return {503, "server_error", "stopped_by_operator", "stopped by an operator: " + why};
}

api::ApiError Exchange::auditUnavailable() {
  return {503, "server_error", "audit_unavailable",
          "the audit log cannot record exchanges; refusing to serve unaudited"};
}

std::string Exchange::rulesJson() const {
  std::string json = "\"rules\":[";
  for (size_t i = 0; i < verdict_.rules.size(); ++i) {
    if (i) json += ',';
    json += "{\"id\":\"";
    api::appendJsonEscaped(json, verdict_.rules[i].id);
    json += "\",\"cite\":\"";
    api::appendJsonEscaped(json, verdict_.rules[i].cite);
    json += "\"}";
  }
  return json + "]";
}

void Exchange::setUsage(const api::Usage& usage) {
  if (!usage.present) return;
  record_.prompt_tokens = usage.prompt_tokens;
  record_.completion_tokens = usage.completion_tokens;
  record_.total_tokens = usage.total_tokens;
}

StepInput Exchange::input() const {
  return {principal_, view_, *candidates_, record_.time_micros,
          language_, snapshot_->generation};
}

int64_t Exchange::overheadMicros() const {
  return (nowNanos() - start_nanos_ - upstream_nanos_) / 1000;
}

// 9. account: the record's final figures and the metrics, for every exchange.
void Exchange::account(int status) {
  if (accounted_) return;  // once per exchange, even if a late failure changes the answer
  accounted_ = true;
  const int64_t total = (nowNanos() - start_nanos_) / 1000;
  record_.status = status;
  record_.total_us = total;
  record_.overhead_us = overheadMicros();
  auto& m = gw_.metrics();
  m.countRequest(record_.endpoint, status, record_.upstream, record_.tenant);
  m.total_latency.observe(total);
  m.overhead_latency.observe(record_.overhead_us);
  if (endpoint_ == Endpoint::kMetrics || endpoint_ == Endpoint::kHealthz || endpoint_ == Endpoint::kReadyz)
    return;
  m.count("concord_decisions_total", "decision=\"" + record_.verdict + "\"");
  for (const auto& rule : record_.rules) m.count("concord_rule_hits_total", "rule=\"" + rule.id + "\"");
}

// 9. audit: hands the record over (once); with a strict audit, waits until it is durable.
// False when the record could not be kept.
asio::awaitable<bool> Exchange::commit() {
  if (record_.exchange_id.empty()) co_return true;  // already committed
  auto& audit = *snapshot_->steps.audit;
  auto& m = gw_.metrics();
  if (!audit.strict()) {
    if (audit.record(std::move(record_), nullptr)) co_return true;
    m.count("concord_audit_dropped_total", "");
    co_return snapshot_->config->audit.fail_open;
  }
  struct Wait {
    explicit Wait(asio::any_io_executor ex) : timer(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    bool done = false, ok = false;
  };
  auto wait = std::make_shared<Wait>(worker_.io.get_executor());
  auto ex = worker_.io.get_executor();
  const bool accepted = audit.record(std::move(record_), [wait, ex](bool ok) {
    asio::post(ex, [wait, ok] {
      wait->ok = ok;
      wait->done = true;
      wait->timer.cancel();
    });
  });
  if (!accepted) {
    m.count("concord_audit_dropped_total", "");
    co_return snapshot_->config->audit.fail_open;
  }
  boost::system::error_code ec;
  while (!wait->done) co_await wait->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (!wait->ok) m.count("concord_audit_dropped_total", "");
  co_return wait->ok || snapshot_->config->audit.fail_open;
}
asio::awaitable<void> runExchange(Gateway& gateway, http::Request& request, http::ResponseSink& sink) {
  Exchange exchange(gateway, request, sink);
  co_await exchange.run();
}

}  // namespace concord::proxy
