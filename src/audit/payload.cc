#include "audit/payload.h"

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

json contentJson(const AuditRecord& r) {
  json c;
  c["mode"] = contentModeName(r.content_mode);
  switch (r.content_mode) {
    case ContentMode::kNone: break;
    case ContentMode::kHash:
      c["prompt_sha256"] = toHex(sha256(r.prompt));
      c["answer_sha256"] = toHex(sha256(r.answer));
      break;
    case ContentMode::kRedacted:
      c["prompt"] = redact(r.prompt, "prompt", r.findings);
      c["answer"] = redact(r.answer, "answer", r.findings);
      break;
    case ContentMode::kFull:
      c["prompt"] = r.prompt;
      c["answer"] = r.answer;
      break;
  }
  return c;
}

}  // namespace

std::string serializeExchange(const AuditRecord& r, const ChainFields& c) {
  json j;
  addChain(j, "exchange", c);
  j["exchange_id"] = r.exchange_id;
  j["started_us"] = r.started_us;
  j["finished_us"] = r.finished_us;
  j["tenant"] = r.tenant;
  j["key_id"] = r.key_id;
  j["endpoint"] = r.endpoint;
  j["model"] = r.model;
  j["upstream"] = r.upstream;
  j["status"] = r.status;
  j["error_code"] = r.error_code;
  j["stream"] = r.stream;
  j["attempts"] = r.attempts;
  json rules = json::array();
  for (const auto& rr : r.rules) rules.push_back({{"id", rr.id}, {"citation", rr.citation}, {"action", rr.action}});
  j["decision"] = {{"action", r.action}, {"rules", rules}};
  json findings = json::array();
  for (const auto& f : r.findings)
    findings.push_back({{"kind", f.kind}, {"field", f.field}, {"begin", f.begin}, {"end", f.end}, {"score", f.score}});
  j["findings"] = findings;
  j["labels"] = r.labels;
  json approvals = json::array();
  for (const auto& a : r.approvals)
    approvals.push_back({{"id", a.id}, {"approver", a.approver}, {"outcome", a.outcome}, {"at_us", a.at_us}});
  j["approvals"] = approvals;
  j["usage"] = {{"prompt", r.prompt_tokens}, {"completion", r.completion_tokens}, {"total", r.total_tokens}};
  j["latency"] = {{"overhead_us", r.overhead_us}, {"total_us", r.total_us}};
  j["content"] = contentJson(r);
  // Invalid UTF-8 from a client must not make the record unwritable: replace, don't throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
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
