// Human control inside an exchange (DESIGN.md step 6, EU AI Act Art. 14): a held request or an
// answer's held tool calls wait for a person through the approval queue, bound to the digest
// of exactly what was held; the client that leaves withdraws it, an operator's stop ends it.
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "oversight/approval_queue.h"
#include "oversight/stop_switch.h"
#include "proxy/exchange_impl.h"

namespace concord::proxy {
namespace {

namespace asio = boost::asio;
using namespace exchange_detail;

}  // namespace

// The streamed answer is complete and its tool calls were held back: the policy (or a person)
// decides; approved, the held events go out, refused, an explanation that Concord labels and
// covers with the provenance like the upstream's own text.
asio::awaitable<void> Exchange::releaseToolCalls(StreamEdit& edit, std::string& out) {
  tool_calls_ = edit.tools()->calls();
  const bool refused = co_await decideToolCalls();
  const std::string held = edit.takeHeld();
  if (refused) {
    const std::string refusal = refusalEvents(*edit.tools(), refusal_);
    edit.append(refusal, out);
  } else {
    out += held;
  }
  rejection_.reset();  // decideToolCalls turned any hold failure into the refusal
}

// What a reviewer is asked to decide on, but the digest and preview of the held thing.
oversight::ApprovalRequest Exchange::holdRequest(const Verdict& verdict, const char* kind) const {
  oversight::ApprovalRequest request;
  request.kind = kind;
  request.tenant = principal_.tenant;
  request.key_id = principal_.key_id;
  request.endpoint = record_.endpoint;
  request.model = record_.model;
  for (const auto& r : verdict.rules)
    if (r.action == "hold" || r.action == "deny") request.rules.emplace_back(r.id, r.cite);
  request.policy_version = std::to_string(snapshot_->generation);
  request.expires_us = wallMicros() + int64_t{snapshot_->config->oversight.hold_max_wait_ms} * 1000;
  return request;
}

// Parks the exchange until a person approves or denies hold_, or the hold expires. The
// approval is bound to the digest of exactly what was held and used once.
asio::awaitable<oversight::Resolution> Exchange::awaitApproval() {
  const auto& cfg = snapshot_->config->oversight;
  const oversight::ApprovalRequest& request = hold_;
  struct Wait {
    explicit Wait(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    bool done = false, client_gone = false;
    oversight::Resolution resolution;
  };
  auto wait = std::make_shared<Wait>(worker_.io.get_executor());
  auto ex = worker_.io.get_executor();
  auto id = gw_.approvals()->submit(request, [wait, ex](oversight::Resolution r) {
    asio::post(ex, [wait, r = std::move(r)]() mutable {
      wait->resolution = std::move(r);
      wait->done = true;
      wait->timer.cancel();
    });
  });
  if (!id) {
    reject({503, "server_error", "approval_unavailable", "cannot queue for approval: " + id.error().message});
    co_return oversight::Resolution{};
  }
  gw_.metrics().count("concord_holds_total", "");
  // A client that leaves withdraws its request: nobody should be asked to decide for no one.
  sink_.watchClientGone([wait] {
    wait->client_gone = true;
    wait->timer.cancel();
  });
  const int64_t hold_started = nowNanos();
  int64_t next_keepalive = hold_started + int64_t{cfg.keepalive_ms} * 1'000'000;
  std::string why;
  bool stopped = false;
  boost::system::error_code ec;
  while (!wait->done && !wait->client_gone) {
    // Short ticks: an operator's stop ends a held exchange within ~50 ms, like a live stream.
    wait->timer.expires_after(std::chrono::milliseconds(std::min<uint32_t>(cfg.keepalive_ms, 50)));
    co_await wait->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (wait->done || wait->client_gone) continue;
    if (gw_.stopping()) break;  // shutting down: the hold stays pending for after the restart
    if (gw_.stops() && gw_.stops()->stopped(principal_.tenant, view_.model, "", &why)) {
      stopped = true;
      break;
    }
    if (!view_.stream || nowNanos() < next_keepalive) continue;
    next_keepalive = nowNanos() + int64_t{cfg.keepalive_ms} * 1'000'000;
    if (!stream_begun_) {
      const http::Header headers[] = {{"Content-Type", "text/event-stream"},
                                      {"Cache-Control", "no-cache"},
                                      {"x-concord-request-id", id_},
                                      {"x-concord-approval-id", id.value()}};
      co_await sink_.beginStream(200, headers);
      stream_begun_ = true;
    }
    static constexpr std::string_view kKeepAlive = ": waiting for human approval\n\n";
    if (!co_await sink_.sendChunk(kKeepAlive)) wait->client_gone = true;
  }
  upstream_nanos_ += nowNanos() - hold_started;  // waiting for a person is not Concord's cost
  if (!wait->done && gw_.stopping() && !wait->client_gone) {
    record_.approvals.push_back({id.value(), "", "pending", wallMicros()});
    reject({503, "server_error", "shutting_down", "the gateway is restarting; the request stays held"});
    co_return oversight::Resolution{};
  }
  if (!wait->done) {  // nobody decided: the client left or an operator stopped it
    const std::string reason = stopped ? "stopped by an operator: " + why : std::string("the client left");
    (void)gw_.approvals()->withdraw(id.value(), reason);
    record_.approvals.push_back({id.value(), "", "withdrawn", wallMicros()});
    if (stopped) {
      reject(stoppedByOperator(why));
    } else {
      gw_.metrics().count("concord_client_disconnects_total", "");
      reject({499, "invalid_request_error", "client_disconnected", "the client left while its request was held"});
    }
    co_return oversight::Resolution{};
  }
  const auto outcome = std::string(oversight::outcomeName(wait->resolution.outcome));
  record_.approvals.push_back({id.value(), wait->resolution.approver, outcome, wallMicros()});
  if (wait->resolution.outcome == oversight::Outcome::kApproved) {
    if (auto st = gw_.approvals()->consume(id.value(), request.digest); !st) {
      reject({403, "invalid_request_error", "approval_invalid", st.error().message});
    }
  }
  co_return wait->resolution;
}

// 7b. An answer's tool calls: an agent acts on them, so the policy decides (and maybe a person)
// before the client sees them. True when they are refused; refusal_ then says why.
asio::awaitable<bool> Exchange::decideToolCalls() {
  const Verdict answer_verdict = snapshot_->steps.decide->decideAnswer(input(), tool_calls_);
  for (const auto& r : answer_verdict.rules) record_.rules.push_back(r);
  if (answer_verdict.action == Verdict::Action::kAllow) co_return false;
  gw_.metrics().count("concord_tool_call_decisions_total",
                      answer_verdict.action == Verdict::Action::kDeny ? "decision=\"deny\"" : "decision=\"hold\"");
  if (answer_verdict.action == Verdict::Action::kDeny) {
    record_.verdict = "deny";
    refusal_ = "The gateway refused this tool call: " + answer_verdict.message;
    co_return true;
  }
  record_.verdict = "hold";
  if (!gw_.approvals()) {
    refusal_ = "This tool call needs a reviewer's approval and none can be asked: " + answer_verdict.message;
    co_return true;
  }
  hold_ = holdRequest(answer_verdict, "tool_call");
  hold_.preview = describeToolCalls(tool_calls_);
  hold_.digest = oversight::sha256Hex(hold_.preview);
  const auto resolution = co_await awaitApproval();
  if (resolution.outcome == oversight::Outcome::kApproved && !rejection_) co_return false;
  if (rejection_) {  // stopped, the client left, or an unusable approval: not delivered
    refusal_ = "This tool call was not delivered: " + rejection_->message;
    rejection_.reset();
    co_return true;
  }
  refusal_ = resolution.outcome == oversight::Outcome::kDenied
                 ? "A reviewer refused this tool call: " + resolution.reason
                 : "No reviewer approved this tool call in time; it was not delivered.";
  co_return true;
}

// What a reviewer sees of the request: the users' and tools' text with every finding masked.
std::string Exchange::approvalPreview() const {
  std::string preview;
  for (size_t i = 0; i < view_.segments.size() && preview.size() < 4096; ++i) {
    std::string text(view_.segments[i].text);
    for (auto it = record_.findings.rbegin(); it != record_.findings.rend(); ++it) {
      if (it->segment != i || it->end > text.size() || it->begin >= it->end) continue;
      text.replace(it->begin, it->end - it->begin, "[" + it->kind + "]");
    }
    if (!preview.empty()) preview += "\n---\n";
    preview += text;
  }
  return preview;
}
}  // namespace concord::proxy
