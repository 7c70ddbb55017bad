#include "label/manifest.h"

#include <nlohmann/json.hpp>

#include "label/json_span.h"

namespace concord::label {
namespace {

void str(std::string& out, std::string_view name, std::string_view value, bool comma = true) {
  out += '"';
  out += name;
  out += "\":\"";
  appendJsonEscaped(out, value);
  out += '"';
  if (comma) out += ',';
}

}  // namespace

Manifest makeManifest(const ManifestContext& ctx, std::string_view answer, int64_t now_micros,
                      std::string key_id, std::string content_id) {
  Manifest m;
  m.content_id = content_id.empty() ? randomContentId() : std::move(content_id);
  m.producer = ctx.producer;
  m.gateway_id = ctx.gateway_id;
  m.gateway_version = ctx.gateway_version;
  m.model = ctx.model;
  m.upstream = ctx.upstream;
  m.created = rfc3339Micros(now_micros);
  m.policy_version = ctx.policy_version;
  m.labels = ctx.labels;
  m.text_hash = answerHash(answer, m.labels);
  m.key_id = std::move(key_id);
  return m;
}

std::string canonicalBytes(const Manifest& m) {
  std::string out;
  out.reserve(512);
  out += '{';
  // Member order is the byte order of the names: keep this list sorted.
  str(out, "cid", m.content_id);
  str(out, "created", m.created);
  str(out, "gateway_id", m.gateway_id);
  str(out, "gateway_version", m.gateway_version);
  str(out, "hash", m.text_hash);
  str(out, "kid", m.key_id);
  out += "\"labels\":[";
  for (size_t i = 0; i < m.labels.size(); ++i) {
    if (i) out += ',';
    out += '{';
    str(out, "placement", m.labels[i].placement);
    str(out, "rule", m.labels[i].rule_id);
    str(out, "text", m.labels[i].text, false);
    out += '}';
  }
  out += "],";
  str(out, "model", m.model);
  str(out, "norm", kNormalisationId);
  str(out, "policy_version", m.policy_version);
  str(out, "producer", m.producer);
  str(out, "upstream", m.upstream);
  out += "\"v\":" + std::to_string(m.version);
  out += '}';
  return out;
}

Result<Manifest> parseManifest(std::string_view text) {
  auto bad = [](std::string why) { return makeError("label.bad_manifest", "manifest: " + why); };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  Manifest m;
  std::string norm;
  struct Field { const char* name; std::string* dst; };
  Field fields[] = {{"cid", &m.content_id},        {"created", &m.created},
                    {"gateway_id", &m.gateway_id}, {"gateway_version", &m.gateway_version},
                    {"hash", &m.text_hash},        {"kid", &m.key_id},
                    {"model", &m.model},           {"norm", &norm},
                    {"policy_version", &m.policy_version}, {"producer", &m.producer},
                    {"upstream", &m.upstream}};
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    bool known = false;
    for (auto& f : fields) {
      if (k == f.name) {
        if (!it->is_string()) return bad("\"" + k + "\" must be a string");
        *f.dst = it->get<std::string>();
        known = true;
      }
    }
    if (known) continue;
    if (k == "v") {
      if (!it->is_number_integer() || it->get<int64_t>() != 1) return bad("unsupported version");
      m.version = 1;
    } else if (k == "labels") {
      if (!it->is_array()) return bad("\"labels\" must be an array");
      for (const auto& l : *it) {
        if (!l.is_object() || l.size() != 3 || !l.contains("rule") || !l.contains("placement") ||
            !l.contains("text") || !l["rule"].is_string() || !l["placement"].is_string() ||
            !l["text"].is_string())
          return bad("a label needs string members rule, placement, text and nothing else");
        m.labels.push_back({l["rule"].get<std::string>(), l["placement"].get<std::string>(),
                            l["text"].get<std::string>()});
      }
    } else {
      return bad("unknown member \"" + k + "\"");
    }
  }
  if (!j.contains("v")) return bad("missing \"v\"");
  for (auto& f : fields)
    if (!j.contains(f.name)) return bad(std::string("missing \"") + f.name + "\"");
  if (norm != kNormalisationId) return bad("unknown normalisation \"" + norm + "\"");
  return m;
}

std::string aigcBlock(const Manifest& m, std::string_view propagator) {
  std::string out = "{";
  str(out, "Label", "1");
  str(out, "ContentProducer", m.producer);
  str(out, "ProduceID", m.content_id);
  str(out, "ReservedCode1", m.text_hash);
  str(out, "ContentPropagator", propagator.empty() ? std::string_view(m.producer) : propagator);
  str(out, "PropagateID", m.content_id);
  str(out, "ReservedCode2", "", false);
  out += '}';
  return out;
}

std::string latentDisclosure(const Manifest& m) {
  std::string out = "{";
  str(out, "provider", m.producer);
  str(out, "system_name", m.model);
  str(out, "system_version", "concord " + m.gateway_version);
  str(out, "created", m.created);
  str(out, "content_id", m.content_id, false);
  out += '}';
  return out;
}

}  // namespace concord::label
