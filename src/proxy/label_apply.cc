#include "proxy/label_apply.h"

#include <optional>

#include "label/explicit_label.h"
#include "label/stream_labeler.h"

namespace concord::proxy {
namespace {

struct Notices {
  std::string start, end;
  std::vector<std::string> rule_ids;
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

class StreamNotices final : public StreamLabel {
 public:
  StreamNotices(label::Endpoint endpoint, Notices notices)
      : rule_ids_(std::move(notices.rule_ids)),
        start_(endpoint, label::Placement::kStart, std::move(notices.start)),
        end_(endpoint, label::Placement::kEnd, std::move(notices.end)) {}

  void event(std::string_view data, std::string& before, std::string& after) override {
    auto s = start_.feed(data);
    auto e = end_.feed(data);
    before = std::move(s.before);
    before += e.before;
    after = std::move(e.after);
    after += s.after;
  }
  std::string finish() override { return start_.finish() + end_.finish(); }
  LabelResult result() const override {
    LabelResult r;
    if (start_.labelsEmitted() + end_.labelsEmitted() > 0) r.rule_ids = rule_ids_;
    return r;
  }

 private:
  std::vector<std::string> rule_ids_;
  label::StreamLabeler start_, end_;
};

}  // namespace

LabelResult LabelApply::labelBody(const StepInput& in, const Verdict& verdict, std::string& body) {
  LabelResult result;
  const auto endpoint = labelEndpoint(in.view.endpoint);
  if (!endpoint || verdict.labels.empty()) return result;
  Notices n = noticesFor(in, verdict);
  int slots = 0;
  for (const auto& [placement, text] : {std::pair{label::Placement::kStart, &n.start},
                                        std::pair{label::Placement::kEnd, &n.end}}) {
    if (text->empty()) continue;
    auto labelled = label::labelResponse(body, *endpoint, placement, *text);
    if (!labelled) continue;  // not a JSON object answer: left as the upstream sent it
    slots += labelled->labeled_slots;
    body = std::move(labelled->body);
  }
  if (slots > 0) result.rule_ids = std::move(n.rule_ids);
  return result;
}

std::unique_ptr<StreamLabel> LabelApply::labelStream(const StepInput& in, const Verdict& verdict) {
  const auto endpoint = labelEndpoint(in.view.endpoint);
  if (!endpoint || verdict.labels.empty()) return nullptr;
  Notices n = noticesFor(in, verdict);
  if (n.start.empty() && n.end.empty()) return nullptr;
  return std::make_unique<StreamNotices>(*endpoint, std::move(n));
}

}  // namespace concord::proxy
