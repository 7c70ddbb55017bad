// Format round trip: CRC-32C vectors, headers, frames, payloads, redaction, Merkle, checkpoints.
#include <gtest/gtest.h>

#include "audit/checkpoint.h"
#include "audit/crc32c.h"
#include "audit/payload.h"
#include "audit/segment_format.h"

namespace concord::audit {
namespace {

TEST(AuditFormat, Crc32cKnownVector) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  std::string a(1000, 'x');
  EXPECT_EQ(crc32c(a.substr(500), crc32c(a.substr(0, 500))), crc32c(a));
}

TEST(AuditFormat, SegmentNames) {
  EXPECT_EQ(segmentName(7), "seg-0000000000000007.clog");
  EXPECT_EQ(parseSegmentName("seg-0000000000000007.clog"), 7u);
  EXPECT_EQ(parseCheckpointName("seg-0000000000000012.ckpt"), 12u);
  EXPECT_FALSE(parseSegmentName("seg-0000000000000007.clog.torn-40-1"));
  EXPECT_FALSE(parseSegmentName("seg-000000000000000x.clog"));
}

TEST(AuditFormat, HeaderRoundTripAndCorruption) {
  std::string h = encodeHeader({42, 1234567});
  ASSERT_EQ(h.size(), kHeaderSize);
  auto d = decodeHeader(h);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->segment, 42u);
  EXPECT_EQ(d->created_us, 1234567);
  h[10] ^= 1;
  EXPECT_FALSE(decodeHeader(h));
  EXPECT_FALSE(decodeHeader(h.substr(0, 20)));
}

TEST(AuditFormat, FramesScanAndStopAtDamage) {
  std::string seg = encodeHeader({0, 1});
  appendFrame(seg, "{\"a\":1}");
  appendFrame(seg, "{\"b\":2}");
  auto r = scanFrames(seg);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[1].payload, "{\"b\":2}");
  EXPECT_EQ(r.stop, ScanStop::kEnd);
  std::string torn = seg.substr(0, seg.size() - 3);
  r = scanFrames(torn);
  EXPECT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.stop, ScanStop::kShortFrame);
  EXPECT_EQ(r.stop_offset, kHeaderSize + 8 + 7);
  std::string flipped = seg;
  flipped[kHeaderSize + 9] ^= 0x20;
  r = scanFrames(flipped);
  EXPECT_EQ(r.frames.size(), 0u);
  EXPECT_EQ(r.stop, ScanStop::kCrc);
}

AuditRecord sample() {
  AuditRecord r;
  r.exchange_id = "ex-1";
  r.started_us = 10;
  r.finished_us = 20;
  r.tenant = "acme";
  r.key_id = "key-1";
  r.endpoint = "/v1/chat/completions";
  r.model = "gpt-x";
  r.upstream = "openai-eu";
  r.status = 200;
  r.action = "redact";
  r.rules = {{"eu.gdpr.minimise", "GDPR Art. 5(1)(c)", "redact"}};
  r.error_code = "none";
  r.stream = true;
  r.attempts = 2;
  r.findings = {{"pii.email", "prompt", 8, 25, 0.99}};
  r.labels = {"label.explicit"};
  r.approvals = {{"ap-1", "bob", "approved", 15}};
  r.prompt_tokens = 5;
  r.completion_tokens = 7;
  r.total_tokens = 12;
  r.overhead_us = 300;
  r.total_us = 9000;
  r.prompt = "mail to alice@example.com now";
  r.answer = "ok";
  return r;
}

TEST(AuditFormat, ExchangeRecordRoundTrip) {
  AuditRecord r = sample();
  r.content_mode = ContentMode::kFull;
  ChainFields c{5, sha256("x"), 99};
  std::string payload = serializeExchange(r, c);
  auto p = parsePayload(payload);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, "exchange");
  EXPECT_EQ(p->chain.seq, 5u);
  EXPECT_EQ(p->chain.prev, sha256("x"));
  EXPECT_EQ(p->chain.ts, 99);
  AuditRecord back = recordFromJson(p->json);
  EXPECT_EQ(back.exchange_id, "ex-1");
  EXPECT_EQ(back.tenant, "acme");
  EXPECT_EQ(back.status, 200);
  EXPECT_EQ(back.action, "redact");
  ASSERT_EQ(back.rules.size(), 1u);
  EXPECT_EQ(back.rules[0].citation, "GDPR Art. 5(1)(c)");
  EXPECT_EQ(back.rules[0].action, "redact");
  EXPECT_EQ(back.error_code, "none");
  EXPECT_TRUE(back.stream);
  EXPECT_EQ(back.attempts, 2u);
  ASSERT_EQ(back.findings.size(), 1u);
  EXPECT_EQ(back.findings[0].end, 25u);
  EXPECT_EQ(back.approvals[0].approver, "bob");
  EXPECT_EQ(back.total_tokens, 12);
  EXPECT_EQ(back.overhead_us, 300);
  EXPECT_EQ(back.prompt, r.prompt);
}

TEST(AuditFormat, ContentModesNeverLeakRawValues) {
  AuditRecord r = sample();
  for (ContentMode m : {ContentMode::kNone, ContentMode::kHash, ContentMode::kRedacted}) {
    r.content_mode = m;
    std::string payload = serializeExchange(r, ChainFields{});
    EXPECT_EQ(payload.find("alice@example.com"), std::string::npos) << contentModeName(m);
  }
  r.content_mode = ContentMode::kHash;
  auto p = parsePayload(serializeExchange(r, ChainFields{}));
  EXPECT_EQ(p->json["content"]["prompt_sha256"], toHex(sha256(r.prompt)));
  r.content_mode = ContentMode::kRedacted;
  p = parsePayload(serializeExchange(r, ChainFields{}));
  EXPECT_EQ(p->json["content"]["prompt"], "mail to [pii.email] now");
  r.content_mode = ContentMode::kFull;
  EXPECT_NE(serializeExchange(r, ChainFields{}).find("alice@example.com"), std::string::npos);
}

TEST(AuditFormat, RedactionMergesOverlapsAndClampsSpans) {
  std::vector<FindingRef> f = {{"a", "prompt", 0, 4, 1}, {"b", "prompt", 2, 6, 1}, {"c", "prompt", 8, 100, 1},
                               {"d", "answer", 0, 3, 1}};
  EXPECT_EQ(redact("0123456789", "prompt", f), "[a]67[c]");
  EXPECT_EQ(redact("xyz!", "answer", f), "[d]!");
}

TEST(AuditFormat, MerkleRootFollowsRfc6962Shape) {
  Digest a = sha256("a"), b = sha256("b"), c = sha256("c");
  EXPECT_EQ(merkleRoot({}), sha256(""));
  auto leaf = [](const Digest& d) { return sha256(std::string(1, '\0') + std::string(d.begin(), d.end())); };
  auto node = [](const Digest& l, const Digest& r) {
    return sha256(std::string(1, '\1') + std::string(l.begin(), l.end()) + std::string(r.begin(), r.end()));
  };
  EXPECT_EQ(merkleRoot({a}), leaf(a));
  EXPECT_EQ(merkleRoot({a, b, c}), node(node(leaf(a), leaf(b)), leaf(c)));
  EXPECT_NE(merkleRoot({a, b, c}), merkleRoot({b, a, c}));
}

TEST(AuditFormat, CheckpointSignAndParse) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  CheckpointBody b;
  b.segment = 3;
  b.first_seq = 10;
  b.count = 2;
  b.last_seq = 11;
  b.last_hash = sha256("last");
  b.merkle_root = sha256("root");
  std::string file = encodeCheckpoint(b, **key);
  auto c = parseCheckpoint(file);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->body.segment, 3u);
  EXPECT_EQ(c->body.last_hash, b.last_hash);
  EXPECT_EQ(c->body.key_hex, (*key)->publicKeyHex());
  EXPECT_TRUE(verifyEd25519((*key)->publicKeyRaw(), c->body_bytes, c->signature));
  std::string tampered = c->body_bytes;
  tampered[tampered.find("\"count\":2")+8] = '3';
  EXPECT_FALSE(verifyEd25519((*key)->publicKeyRaw(), tampered, c->signature));
}

}  // namespace
}  // namespace concord::audit
