#include "audit/payload.h"

#include "audit/json_writer.h"

namespace concord::audit {
namespace {

using nlohmann::json;

void addChain(json& j, std::string_view type, const ChainFields& c) {
  j["v"] = kFormatVersion;
  j["type"] = type;
  j["seq"] = c.seq;
  j["prev"] = toHex(c.prev);
  j["ts"] = c.ts;
}

}  // namespace

std::string serializeExchange(const AuditRecord& r, const ChainFields& c) {
  // Hand-written (not an nlohmann tree): this runs once per exchange on the writer thread.
  // Keys in sorted order, as the format document says.
  std::string out;
  out.reserve(768 + (r.content_mode == ContentMode::kNone || r.content_mode == ContentMode::kHash
                         ? 0 : r.prompt.size() + r.answer.size()));
  JsonWriter w(out);
  w.beginObject();
  w.key("approvals");
  w.beginArray();
  for (const auto& a : r.approvals) {
    w.beginObject();
    w.key("approver"), w.string(a.approver);
    w.key("at_us"), w.integer(a.at_us);
    w.key("id"), w.string(a.id);
    w.key("outcome"), w.string(a.outcome);
    w.endObject();
  }
  w.endArray();
  w.key("attempts"), w.unsignedInteger(r.attempts);
  w.key("content");
  w.beginObject();
  switch (r.content_mode) {
    case ContentMode::kNone:
      w.key("mode"), w.string("none");
      break;
    case ContentMode::kHash:
      w.key("answer_sha256"), w.string(toHex(sha256(r.answer)));
      w.key("mode"), w.string("hash");
      w.key("prompt_sha256"), w.string(toHex(sha256(r.prompt)));
      break;
    case ContentMode::kRedacted:
      w.key("answer"), w.string(redact(r.answer, "answer", r.findings));
      w.key("mode"), w.string("redacted");
      w.key("prompt"), w.string(redact(r.prompt, "prompt", r.findings));
      break;
    case ContentMode::kFull:
      w.key("answer"), w.string(r.answer);
      w.key("mode"), w.string("full");
      w.key("prompt"), w.string(r.prompt);
      break;
  }
  w.endObject();
  w.key("decision");
  w.beginObject();
  w.key("action"), w.string(r.action);
  w.key("rules");
  w.beginArray();
  for (const auto& rr : r.rules) {
    w.beginObject();
    w.key("action"), w.string(rr.action);
    w.key("citation"), w.string(rr.citation);
    w.key("id"), w.string(rr.id);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  w.key("endpoint"), w.string(r.endpoint);
  w.key("error_code"), w.string(r.error_code);
  w.key("exchange_id"), w.string(r.exchange_id);
  w.key("findings");
  w.beginArray();
  for (const auto& f : r.findings) {
    w.beginObject();
    w.key("begin"), w.unsignedInteger(f.begin);
    w.key("end"), w.unsignedInteger(f.end);
    w.key("field"), w.string(f.field);
    w.key("kind"), w.string(f.kind);
    w.key("score"), w.number(f.score);
    w.endObject();
  }
  w.endArray();
  w.key("finished_us"), w.integer(r.finished_us);
  w.key("key_id"), w.string(r.key_id);
  w.key("labels");
  w.beginArray();
  for (const auto& l : r.labels) w.string(l);
  w.endArray();
  w.key("latency");
  w.beginObject();
  w.key("overhead_us"), w.integer(r.overhead_us);
  w.key("total_us"), w.integer(r.total_us);
  w.endObject();
  w.key("model"), w.string(r.model);
  w.key("prev"), w.string(toHex(c.prev));
  w.key("seq"), w.unsignedInteger(c.seq);
  w.key("started_us"), w.integer(r.started_us);
  w.key("status"), w.integer(r.status);
  w.key("stream"), w.boolean(r.stream);
  w.key("tenant"), w.string(r.tenant);
  w.key("ts"), w.integer(c.ts);
  w.key("type"), w.string("exchange");
  w.key("upstream"), w.string(r.upstream);
  w.key("usage");
  w.beginObject();
  w.key("completion"), w.integer(r.completion_tokens);
  w.key("prompt"), w.integer(r.prompt_tokens);
  w.key("total"), w.integer(r.total_tokens);
  w.endObject();
  w.key("v"), w.integer(kFormatVersion);
  w.endObject();
  return out;
}

std::string serializeSpecial(std::string_view type, json body, const ChainFields& c) {
  if (!body.is_object()) body = json::object();
  addChain(body, type, c);
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<ParsedRecord> parsePayload(std::string_view payload) {
  json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto type = j.find("type");
  auto seq = j.find("seq");
  auto prev = j.find("prev");
  auto ts = j.find("ts");
  if (type == j.end() || !type->is_string() || seq == j.end() || !seq->is_number_unsigned() ||
      prev == j.end() || !prev->is_string() || ts == j.end() || !ts->is_number_integer())
    return std::nullopt;
  ParsedRecord p;
  p.type = type->get<std::string>();
  p.chain.seq = seq->get<uint64_t>();
  p.chain.ts = ts->get<int64_t>();
  if (!digestFromHex(prev->get<std::string>(), p.chain.prev)) return std::nullopt;
  p.json = std::move(j);
  return p;
}

AuditRecord recordFromJson(const json& j) {
  AuditRecord r;
  auto str = [&](const json& o, const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
  auto num = [&](const json& o, const char* k) -> int64_t { return o.contains(k) && o[k].is_number() ? o[k].get<int64_t>() : 0; };
  r.exchange_id = str(j, "exchange_id");
  r.started_us = num(j, "started_us");
  r.finished_us = num(j, "finished_us");
  r.tenant = str(j, "tenant");
  r.key_id = str(j, "key_id");
  r.endpoint = str(j, "endpoint");
  r.model = str(j, "model");
  r.upstream = str(j, "upstream");
  r.status = int(num(j, "status"));
  r.error_code = str(j, "error_code");
  r.stream = j.contains("stream") && j["stream"].is_boolean() && j["stream"].get<bool>();
  r.attempts = uint32_t(num(j, "attempts"));
  if (j.contains("decision") && j["decision"].is_object()) {
    const auto& d = j["decision"];
    r.action = str(d, "action");
    if (d.contains("rules") && d["rules"].is_array())
      for (const auto& rr : d["rules"]) r.rules.push_back({str(rr, "id"), str(rr, "citation"), str(rr, "action")});
  }
  if (j.contains("findings") && j["findings"].is_array())
    for (const auto& f : j["findings"])
      r.findings.push_back({str(f, "kind"), str(f, "field"), uint32_t(num(f, "begin")), uint32_t(num(f, "end")),
                            f.contains("score") && f["score"].is_number() ? f["score"].get<double>() : 0.0});
  if (j.contains("labels") && j["labels"].is_array())
    for (const auto& l : j["labels"]) if (l.is_string()) r.labels.push_back(l.get<std::string>());
  if (j.contains("approvals") && j["approvals"].is_array())
    for (const auto& a : j["approvals"])
      r.approvals.push_back({str(a, "id"), str(a, "approver"), str(a, "outcome"), num(a, "at_us")});
  if (j.contains("usage") && j["usage"].is_object()) {
    r.prompt_tokens = num(j["usage"], "prompt");
    r.completion_tokens = num(j["usage"], "completion");
    r.total_tokens = num(j["usage"], "total");
  }
  if (j.contains("latency") && j["latency"].is_object()) {
    r.overhead_us = num(j["latency"], "overhead_us");
    r.total_us = num(j["latency"], "total_us");
  }
  if (j.contains("content") && j["content"].is_object()) {
    const auto& c = j["content"];
    parseContentMode(str(c, "mode"), r.content_mode);
    r.prompt = str(c, "prompt");
    r.answer = str(c, "answer");
  }
  return r;
}

}  // namespace concord::audit
