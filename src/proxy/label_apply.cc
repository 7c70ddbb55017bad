#include "proxy/label_apply.h"

#include <boost/asio/this_coro.hpp>
#include <optional>

#include "label/explicit_label.h"
#include "label/responses_stream_labeler.h"
#include "label/stream_labeler.h"
#include "proxy/handoff.h"

namespace concord::proxy {
namespace {

namespace asio = boost::asio;

struct Notices {
  std::string start, end;
  std::vector<std::string> rule_ids;
  std::vector<label::LabelApplied> applied;  // for the manifest
};

void addText(std::string& notice, const std::string& text) {
  if (text.empty() || notice.find(text) != std::string::npos) return;
  if (!notice.empty()) notice += '\n';
  notice += text;
}

Notices noticesFor(const StepInput& in, const Verdict& verdict) {
  Notices n;
  for (const auto& plan : verdict.labels) {
    if (plan.placement == "first_turn" && in.view.user_turns != 1) continue;
    if (plan.text.empty()) continue;
    addText(plan.placement == "end" ? n.end : n.start, plan.text);
    n.rule_ids.push_back(plan.rule_id);
    n.applied.push_back({plan.rule_id, plan.placement, plan.text});
  }
  return n;
}

std::optional<label::Endpoint> labelEndpoint(api::Endpoint e) {
  switch (e) {
    case api::Endpoint::kChatCompletions: return label::Endpoint::kChatCompletions;
    case api::Endpoint::kCompletions: return label::Endpoint::kCompletions;
    case api::Endpoint::kResponses: return label::Endpoint::kResponses;
    default: return std::nullopt;
  }
}

using Sealed = Result<label::SealedProvenance>;

// Signs on the service's thread; the exchange's worker waits without blocking.
asio::awaitable<std::optional<Sealed>> seal(label::ProvenanceService& service,
                                            const label::ManifestContext& ctx,
                                            std::string_view answer, std::string_view content_id) {
  Handoff<Sealed> handoff(co_await asio::this_coro::executor);
  service.seal(ctx, answer, std::string(content_id), handoff.callback());
  co_return co_await handoff.wait();
}

class StreamNotices final : public StreamLabel {
 public:
  StreamNotices(label::Endpoint endpoint, Notices notices, label::ManifestContext ctx,
                label::ProvenanceService* provenance)
      : rule_ids_(std::move(notices.rule_ids)),
        start_(endpoint, label::Placement::kStart, std::move(notices.start)),
        end_(endpoint, label::Placement::kEnd, std::move(notices.end)),
        ctx_(std::move(ctx)),
        provenance_(provenance),
        content_id_(provenance ? label::randomContentId() : std::string()) {
    ctx_.labels = std::move(notices.applied);
  }

  std::vector<std::pair<std::string, std::string>> headHeaders() const override {
    if (content_id_.empty()) return {};
    return {{std::string(label::kContentIdHeader), content_id_}};
  }

  void event(std::string_view data, std::string& before, std::string& after) override {
    auto s = start_.feed(data);
    auto e = end_.feed(data);
    before = std::move(s.before);
    before += e.before;
    after = std::move(e.after);
    after += s.after;
  }

  asio::awaitable<std::string> finish() override {
    std::string provenance_json;
    if (provenance_) {
      auto sealed = co_await seal(*provenance_, ctx_, start_.answerText(), content_id_);
      if (sealed && sealed->ok()) provenance_json = sealed->value().json;
      sealed_ = sealed && sealed->ok();
    }
    std::string events = start_.finish(provenance_json);
    events += end_.finish();
    co_return events;
  }

  LabelResult result() const override {
    LabelResult r;
    if (start_.labelsEmitted() + end_.labelsEmitted() > 0) r.rule_ids = rule_ids_;
    if (sealed_) r.rule_ids.push_back("provenance");
    return r;
  }

 private:
  std::vector<std::string> rule_ids_;
  label::StreamLabeler start_, end_;
  label::ManifestContext ctx_;
  label::ProvenanceService* provenance_;
  std::string content_id_;
  bool sealed_ = false;
};

// /v1/responses streams (label::ResponsesStreamLabeler): typed events, no [DONE]; the closing
// events repeat the whole text, so some events are rewritten, and the provenance goes into the
// terminal response.completed. Needs two hooks of the relay (see kRelayRewritesEvents):
// closes(data) — await finish() before passing this event — and rewrite(data, out) — write
// `out` instead of the event just passed to event().
class ResponsesStreamNotices final : public StreamLabel {
 public:
  ResponsesStreamNotices(Notices notices, label::ManifestContext ctx, int user_turns,
                         label::ProvenanceService* provenance)
      : rule_ids_(std::move(notices.rule_ids)),
        labeler_(notices.applied, user_turns),
        ctx_(std::move(ctx)),
        provenance_(provenance),
        content_id_(provenance ? label::randomContentId() : std::string()) {
    ctx_.labels = std::move(notices.applied);
  }

  std::vector<std::pair<std::string, std::string>> headHeaders() const override {
    if (content_id_.empty()) return {};
    return {{std::string(label::kContentIdHeader), content_id_}};
  }

  void event(std::string_view data, std::string& before, std::string& after) override {
    auto out = labeler_.feed(data, provenance_json_);
    before = std::move(out.before);
    after.clear();
    replacement_ = std::move(out.replacement);
  }

  // Called before the terminal event is passed to event(): seals the answer so that the
  // terminal event can carry the provenance. Writes nothing itself.
  asio::awaitable<std::string> finish() override {
    if (provenance_ && !finished_) {
      auto sealed = co_await seal(*provenance_, ctx_, labeler_.answerText(), content_id_);
      sealed_ = sealed && sealed->ok();
      if (sealed_) provenance_json_ = sealed->value().json;
    }
    finished_ = true;
    co_return std::string();
  }

  // StreamLabel::closes / rewrite once the relay has them (see kRelayRewritesEvents).
  bool closes(std::string_view data) const { return label::ResponsesStreamLabeler::isTerminal(data); }
  bool rewrite(std::string_view /*data*/, std::string& out) {
    if (replacement_.empty()) return false;
    out = std::move(replacement_);
    replacement_.clear();
    return true;
  }

  LabelResult result() const override {
    LabelResult r;
    if (labeler_.labelsEmitted() > 0) r.rule_ids = rule_ids_;
    if (sealed_) r.rule_ids.push_back("provenance");
    return r;
  }

 private:
  std::vector<std::string> rule_ids_;
  label::ResponsesStreamLabeler labeler_;
  label::ManifestContext ctx_;
  label::ProvenanceService* provenance_;
  std::string content_id_;
  std::string provenance_json_;
  std::string replacement_;
  bool finished_ = false;
  bool sealed_ = false;
};

// The relay (exchange.cc relayStream) must let the labeller close a stream without [DONE] and
// replace events: StreamLabel::closes/rewrite (steps.h) and their two calls in the relay. Until
// StreamLabel has them, responses streams pass unlabelled: half of the labelling (extra deltas
// without the rewritten closing events and the provenance) would leave the client's views of
// the text disagreeing. When they appear, ResponsesStreamNotices overrides them (same
// signatures) and this turns on by itself.
template <typename S>
constexpr bool kRelayCanRewrite = requires(S& s, std::string_view d, std::string& o) {
  s.rewrite(d, o);
  s.closes(d);
};
constexpr bool kRelayRewritesEvents = kRelayCanRewrite<StreamLabel>;

}  // namespace

LabelApply::LabelApply(const config::Config& config,
                       std::shared_ptr<label::ProvenanceService> provenance)
    : producer_(config.operator_name), gateway_id_(config.gateway_id), provenance_(std::move(provenance)) {}

label::ManifestContext LabelApply::manifestContext(const StepInput& in, std::string_view upstream) const {
  label::ManifestContext ctx;
  ctx.producer = producer_;
  ctx.gateway_id = gateway_id_;
  ctx.gateway_version = "0.1.0";
  ctx.model = std::string(in.view.model);
  ctx.upstream = std::string(upstream);
  ctx.policy_version = std::to_string(in.policy_generation);
  return ctx;
}

asio::awaitable<LabelResult> LabelApply::labelBody(const StepInput& in, const Verdict& verdict,
                                                   std::string_view upstream, std::string& body) {
  LabelResult result;
  const auto endpoint = labelEndpoint(in.view.endpoint);
  if (!endpoint || (verdict.labels.empty() && !provenance_)) co_return result;
  Notices n = noticesFor(in, verdict);
  std::optional<std::string> answer;  // the text before any label, for the manifest
  int slots = 0;
  for (const auto& [placement, text] : {std::pair{label::Placement::kStart, &n.start},
                                        std::pair{label::Placement::kEnd, &n.end}}) {
    if (text->empty()) continue;
    auto labelled = label::labelResponse(body, *endpoint, placement, *text);
    if (!labelled) continue;  // not a JSON object answer: left as the upstream sent it
    if (!answer) answer = std::move(labelled->answer_text);
    slots += labelled->labeled_slots;
    body = std::move(labelled->body);
  }
  if (slots > 0) result.rule_ids = std::move(n.rule_ids);
  if (!provenance_) co_return result;
  if (!answer) {
    auto text = label::extractAnswerText(body, *endpoint);
    if (!text) co_return result;  // nothing to vouch for
    answer = std::move(text.value());
  }
  auto ctx = manifestContext(in, upstream);
  ctx.labels = std::move(n.applied);
  const std::string_view new_content_id;  // empty: the service makes one
  auto sealed = co_await seal(*provenance_, ctx, *answer, new_content_id);
  if (!sealed || !sealed->ok()) co_return result;
  if (auto attached = label::attachProvenance(body, sealed->value().json); attached) {
    body = std::move(attached.value());
    result.headers = std::move(sealed->value().headers);
    result.rule_ids.push_back("provenance");
  }
  co_return result;
}

std::unique_ptr<StreamLabel> LabelApply::labelStream(const StepInput& in, const Verdict& verdict,
                                                     std::string_view upstream) {
  const auto endpoint = labelEndpoint(in.view.endpoint);
  if (!endpoint) return nullptr;
  Notices n = noticesFor(in, verdict);
  if (n.start.empty() && n.end.empty() && !provenance_) return nullptr;
  if (in.view.endpoint == api::Endpoint::kResponses) {
    if (!kRelayRewritesEvents) return nullptr;
    return std::make_unique<ResponsesStreamNotices>(std::move(n), manifestContext(in, upstream),
                                                    in.view.user_turns, provenance_.get());
  }
  return std::make_unique<StreamNotices>(*endpoint, std::move(n), manifestContext(in, upstream),
                                         provenance_.get());
}

}  // namespace concord::proxy
