// /v1/responses streams: labels as extra delta events and in every full-text event, provenance
// in the terminal event's response; the official openai client must agree on the text in every
// view it keeps (skipped without node / tests/e2e/node_modules/openai).
#include "label/responses_stream_labeler.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "label/codec.h"
#include "label/provenance.h"
#include "label/verifier.h"

namespace concord::label {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const std::string kKo = "이 서비스는 인공지능(AI)으로 운영됩니다.";
const std::string kZh = "【本内容由人工智能生成】";

std::string responseObj(std::string_view status, std::string_view output) {
  return R"({"id":"resp_1","object":"response","created_at":1767225600,"status":")" + std::string(status) +
         R"(","model":"gpt-4o-mini","output":)" + std::string(output) + R"(,"usage":null})";
}

std::string messageItem(std::string_view status, std::string_view text_json) {
  return R"({"id":"msg_1","type":"message","status":")" + std::string(status) +
         R"(","role":"assistant","content":[{"type":"output_text","text":)" + std::string(text_json) +
         R"(,"annotations":[]}]})";
}

// What OpenAI sends for the answer `pieces` (one message, one output_text part).
std::vector<std::string> upstreamEvents(const std::vector<std::string>& pieces) {
  std::string full;
  for (const auto& p : pieces) full += p;
  auto q = [](const std::string& s) { return json(s).dump(); };
  std::vector<std::string> ev;
  int seq = 0;
  auto n = [&] { return std::to_string(seq++); };
  ev.push_back(R"({"type":"response.created","sequence_number":)" + n() + R"(,"response":)" + responseObj("in_progress", "[]") + "}");
  ev.push_back(R"({"type":"response.in_progress","sequence_number":)" + n() + R"(,"response":)" + responseObj("in_progress", "[]") + "}");
  ev.push_back(R"({"type":"response.output_item.added","sequence_number":)" + n() +
               R"(,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}})");
  ev.push_back(R"({"type":"response.content_part.added","sequence_number":)" + n() +
               R"(,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}})");
  for (const auto& p : pieces)
    ev.push_back(R"({"type":"response.output_text.delta","sequence_number":)" + n() +
                 R"(,"item_id":"msg_1","output_index":0,"content_index":0,"delta":)" + q(p) + R"(,"logprobs":[]})");
  ev.push_back(R"({"type":"response.output_text.done","sequence_number":)" + n() +
               R"(,"item_id":"msg_1","output_index":0,"content_index":0,"text":)" + q(full) + R"(,"logprobs":[]})");
  ev.push_back(R"({"type":"response.content_part.done","sequence_number":)" + n() +
               R"(,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":)" + q(full) +
               R"(,"annotations":[]}})");
  ev.push_back(R"({"type":"response.output_item.done","sequence_number":)" + n() + R"(,"output_index":0,"item":)" +
               messageItem("completed", q(full)) + "}");
  ev.push_back(R"({"type":"response.completed","sequence_number":)" + n() + R"(,"response":)" +
               responseObj("completed", "[" + messageItem("completed", q(full)) + "]") + "}");
  return ev;
}

// The relay as the exchange runs it: before, then the replacement or the upstream event.
std::string relay(ResponsesStreamLabeler& l, const std::vector<std::string>& upstream, const std::string& prov) {
  std::string sse;
  for (const auto& u : upstream) {
    auto e = l.feed(u, ResponsesStreamLabeler::isTerminal(u) ? prov : "");
    sse += e.before;
    sse += e.replacement.empty() ? "event: x\ndata: " + u + "\n\n" : e.replacement;
  }
  return sse;
}

std::vector<json> dataOf(const std::string& sse) {
  std::vector<json> out;
  size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    size_t end = sse.find("\n\n", pos);
    json j = json::parse(sse.substr(pos + 6, end - pos - 6), nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << sse.substr(pos, end - pos);
    out.push_back(j);
    pos = end;
  }
  return out;
}

struct Views {
  std::string deltas, done, part_done, item_done, completed;
  json provenance;
};

Views views(const std::string& sse) {
  Views v;
  for (const json& e : dataOf(sse)) {
    std::string t = e.value("type", "");
    if (t == "response.output_text.delta") v.deltas += e["delta"].get<std::string>();
    if (t == "response.output_text.done") v.done = e["text"];
    if (t == "response.content_part.done") v.part_done = e["part"]["text"];
    if (t == "response.output_item.done") v.item_done = e["item"]["content"][0]["text"];
    if (t == "response.completed") {
      v.completed = e["response"]["output"][0]["content"][0]["text"];
      if (e["response"].contains("concord")) v.provenance = e["response"]["concord"]["provenance"];
    }
  }
  return v;
}

SignedManifest signedFor(const std::string& answer, const std::vector<LabelApplied>& labels,
                         const std::shared_ptr<const KeyRing>& ring) {
  SignedManifest s;
  s.manifest = makeManifest(ManifestContext{"Op", "gw", "0.1.0", "gpt-4o-mini", "u", "p", labels}, answer, 0,
                            ring->currentKid());
  s.canonical = canonicalBytes(s.manifest);
  s.signature = *Signer(ring).sign(s.canonical);
  return s;
}

TEST(ResponsesStreamLabeler, StartAndEndLabelsInEveryViewProvenanceInCompleted) {
  const std::vector<LabelApplied> labels = {{"CN-LBL-4", "start", kZh}, {"KR-AIBA-31.1", "end", kKo}};
  auto ring = KeyRing::ephemeralForTest();
  ResponsesStreamLabeler l(labels);
  auto up = upstreamEvents({"Hello", " there."});
  SignedManifest s = signedFor("Hello there.", labels, ring);
  std::string sse = relay(l, up, provenanceJson(s));
  const std::string expected = kZh + "\n\nHello there.\n\n" + kKo;
  Views v = views(sse);
  EXPECT_EQ(v.deltas, expected);
  EXPECT_EQ(v.done, expected);
  EXPECT_EQ(v.part_done, expected);
  EXPECT_EQ(v.item_done, expected);
  EXPECT_EQ(v.completed, expected);
  EXPECT_EQ(l.answerText(), "Hello there.");
  EXPECT_EQ(l.labelsEmitted(), 2);
  ASSERT_TRUE(v.provenance.is_object()) << sse;
  EXPECT_EQ(v.provenance["manifest"]["cid"], s.manifest.content_id);
  // The delivered text verifies against the manifest; a flipped byte does not.
  auto ok = verifyWithManifest(*ring, expected, v.provenance.dump());
  EXPECT_EQ(ok.outcome, VerifyOutcome::kVerified) << ok.reason;
  std::string flipped = expected;
  flipped[flipped.size() / 2] ^= 1;
  EXPECT_NE(verifyWithManifest(*ring, flipped, v.provenance.dump()).outcome, VerifyOutcome::kVerified);
  // Inserted events are well-formed and copy the part's coordinates.
  auto events = dataOf(sse);
  ASSERT_GT(events.size(), up.size());
  int inserted = 0;
  for (const json& e : events)
    if (e.value("type", "") == "response.output_text.delta" && (e["delta"] == kZh + "\n\n" || e["delta"] == "\n\n" + kKo)) {
      ++inserted;
      EXPECT_EQ(e["item_id"], "msg_1");
      EXPECT_EQ(e["output_index"], 0);
      EXPECT_EQ(e["content_index"], 0);
    }
  EXPECT_EQ(inserted, 2);
  EXPECT_EQ(sse.find("[DONE]"), std::string::npos);
}

TEST(ResponsesStreamLabeler, ProvenanceOnlyWithoutVisibleLabels) {
  ResponsesStreamLabeler l({});
  auto up = upstreamEvents({"Hi"});
  std::string sse = relay(l, up, R"({"manifest":{"cid":"c-1"}})");
  Views v = views(sse);
  EXPECT_EQ(v.deltas, "Hi");
  EXPECT_EQ(v.completed, "Hi");
  EXPECT_EQ(v.provenance["manifest"]["cid"], "c-1");
  EXPECT_EQ(l.labelsEmitted(), 0);
  // Only the terminal event changed.
  EXPECT_EQ(dataOf(sse).size(), up.size());
}

TEST(ResponsesStreamLabeler, FirstTurnOnlyOnTheFirstTurnAndTerminalDetection) {
  ResponsesStreamLabeler later({{"EU-AIA-50.1", "first_turn", "You are talking to an AI."}}, 2);
  std::string sse = relay(later, upstreamEvents({"Hi"}), "");
  EXPECT_EQ(views(sse).completed, "Hi");
  EXPECT_TRUE(ResponsesStreamLabeler::isTerminal(R"({"type":"response.completed","response":{}})"));
  EXPECT_TRUE(ResponsesStreamLabeler::isTerminal(R"({"sequence_number":3,"type":"response.incomplete"})"));
  EXPECT_FALSE(ResponsesStreamLabeler::isTerminal(R"({"type":"response.output_text.delta","delta":"response.completed"})"));
  EXPECT_FALSE(ResponsesStreamLabeler::isTerminal("[DONE]"));
  ResponsesStreamLabeler l({{"r", "start", "AI"}});
  EXPECT_TRUE(l.feed("not json").replacement.empty());
  EXPECT_EQ(l.unparsed(), 1);
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(ResponsesStreamLabeler, OfficialOpenAiClientSeesTheLabelledTextEverywhere) {
  fs::path pkg = fs::path(CONCORD_SOURCE_DIR) / "tests/e2e/node_modules/openai";
  fs::path script = fs::path(CONCORD_SOURCE_DIR) / "tests/unit/label/openai_responses_check.mjs";
  if (!fs::exists(pkg / "index.mjs") || std::system("node --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "node or tests/e2e/node_modules/openai not installed";
  fs::path dir = fs::temp_directory_path() / ("concord-openai-resp-" + randomContentId());
  fs::create_directories(dir);
  auto ring = KeyRing::ephemeralForTest();
  struct Case {
    const char* name;
    std::vector<LabelApplied> labels;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"start_ko.sse", {{"KR-AIBA-31.1", "first_turn", kKo}}, kKo + "\n\n안녕하세요. 무엇을 도와드릴까요?"},
      {"end_zh.sse", {{"CN-LBL-4", "end", kZh}}, "안녕하세요. 무엇을 도와드릴까요?\n\n" + kZh},
  };
  std::string names;
  std::vector<std::string> cids;
  for (const auto& c : cases) {
    ResponsesStreamLabeler l(c.labels);
    SignedManifest s = signedFor("안녕하세요. 무엇을 도와드릴까요?", c.labels, ring);
    cids.push_back(s.manifest.content_id);
    std::ofstream(dir / c.name) << relay(l, upstreamEvents({"안녕하세요.", " 무엇을", " 도와드릴까요?"}), provenanceJson(s));
    names += std::string(" ") + c.name;
  }
  std::string out = run("node " + script.string() + " " + dir.string() + " " + pkg.string() + names + " 2>&1");
  fs::remove_all(dir);
  auto j = json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& r = j[cases[i].name];
    for (const char* view : {"deltas", "done", "part_done", "item_done", "completed", "helper", "helper_snapshot"})
      EXPECT_EQ(r[view], cases[i].expected) << cases[i].name << " " << view;
    EXPECT_EQ(r["cid"], cids[i]) << cases[i].name;
    EXPECT_EQ(r["helper_cid"], cids[i]) << cases[i].name;
  }
}

}  // namespace
}  // namespace concord::label
