// The official `openai` npm client must parse labelled bodies and streams without complaint
// (issue 5). Writes them to a temporary directory and runs
// tests/data/label/openai_client_check.mjs with node against tests/e2e/node_modules/openai;
// skipped when node or that package is not installed (`npm ci` in tests/e2e).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "label/codec.h"
#include "label/explicit_label.h"
#include "label/provenance.h"
#include "label/stream_labeler.h"

namespace concord::label {
namespace {
namespace fs = std::filesystem;

const std::string kLabel = "【本内容由人工智能生成】 AI-generated";

std::string chunk(std::string_view delta, std::string_view finish = "null") {
  return std::string(R"({"id":"chatcmpl-7","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini","system_fingerprint":"fp_x","choices":[{"index":0,"delta":)") +
         std::string(delta) + R"(,"logprobs":null,"finish_reason":)" + std::string(finish) + "}]}";
}

std::string stream(Placement p, const std::vector<std::string>& upstream, const std::string& prov) {
  StreamLabeler l(Endpoint::kChatCompletions, p, kLabel);
  std::string sse;
  for (const auto& u : upstream) {
    auto e = l.feed(u);
    sse += e.before + "data: " + u + "\n\n" + e.after;
  }
  return sse + l.finish(prov) + "data: [DONE]\n\n";
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

TEST(OpenAiClient, ParsesLabelledBodiesAndStreams) {
  fs::path pkg = fs::path(CONCORD_SOURCE_DIR) / "tests/e2e/node_modules/openai";
  fs::path script = fs::path(CONCORD_SOURCE_DIR) / "tests/data/label/openai_client_check.mjs";
  if (!fs::exists(pkg / "index.mjs") || std::system("node --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "node or tests/e2e/node_modules/openai not installed";
  fs::path dir = fs::temp_directory_path() / ("concord-openai-" + randomContentId());
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& data) { std::ofstream(dir / name) << data; };

  auto ring = KeyRing::ephemeralForTest();
  SignedManifest s;
  s.manifest = makeManifest(ManifestContext{"Op", "gw", "0.1.0", "gpt-4o-mini", "u", "p", {{"CN-LBL-4", "start", kLabel}}},
                            "Hello there.", 0, ring->currentKid());
  s.canonical = canonicalBytes(s.manifest);
  s.signature = *Signer(ring).sign(s.canonical);
  std::string prov = provenanceJson(s);

  auto lb = labelResponse(R"({"id":"chatcmpl-7","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})",
                          Endpoint::kChatCompletions, Placement::kStart, kLabel);
  ASSERT_TRUE(lb.ok());
  write("chat.json", *attachProvenance(*lb, prov));
  std::vector<std::string> up = {chunk(R"({"role":"assistant","content":""})"), chunk(R"({"content":"Hello"})"),
                                 chunk(R"({"content":" there."})"), chunk("{}", R"("stop")")};
  write("stream_start.sse", stream(Placement::kStart, up, prov));
  write("stream_end.sse", stream(Placement::kEnd, up, prov));
  write("stream_role_in_first.sse",
        stream(Placement::kStart, {chunk(R"({"role":"assistant","content":"Hello"})"), chunk(R"({"content":" there."})", R"("stop")")}, prov));
  auto resp = labelResponse(R"({"id":"resp_1","object":"response","created_at":1767225600,"status":"completed","model":"gpt-4o-mini","output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello there.","annotations":[]}]}]})",
                            Endpoint::kResponses, Placement::kEnd, kLabel);
  ASSERT_TRUE(resp.ok());
  write("responses.json", resp->body);

  std::string out = run("node " + script.string() + " " + dir.string() + " " + pkg.string() + " 2>&1");
  fs::remove_all(dir);
  auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;
  std::string labelled_start = kLabel + "\n\nHello there.";
  EXPECT_EQ(j["chat"], labelled_start);
  EXPECT_EQ(j["chat_cid"], s.manifest.content_id);
  for (const char* name : {"stream_start.sse", "stream_role_in_first.sse"}) {
    EXPECT_EQ(j[name]["text"], labelled_start) << name;
    EXPECT_EQ(j[name]["helper"], labelled_start) << name;
    EXPECT_EQ(j[name]["role"], "assistant") << name;
    EXPECT_EQ(j[name]["cid"], s.manifest.content_id) << name;
  }
  EXPECT_EQ(j["stream_end.sse"]["text"], "Hello there.\n\n" + kLabel);
  EXPECT_EQ(j["stream_end.sse"]["helper"], "Hello there.\n\n" + kLabel);
  EXPECT_EQ(j["responses"], "Hello there.\n\n" + kLabel);
}

}  // namespace
}  // namespace concord::label
