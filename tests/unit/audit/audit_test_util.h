// Helpers shared by the audit tests: a sample record, a log opened on a simulated disk, and
// reading back which exchange ids are in a directory.
#pragma once

#include <set>
#include <string>

#include "audit/audit_log.h"
#include "audit/payload.h"
#include "audit/segment_format.h"
#include "audit/simulated_file_system.h"
#include "audit/verifier.h"

namespace concord::audit::testing {

inline AuditRecord makeRecord(const std::string& id, const std::string& tenant = "acme") {
  AuditRecord r;
  r.exchange_id = id;
  r.tenant = tenant;
  r.key_id = "key-1";
  r.endpoint = "/v1/chat/completions";
  r.model = "gpt-x";
  r.upstream = "up-1";
  r.status = 200;
  r.action = "allow";
  r.rules = {{"eu.art12.logging", "EU AI Act Art. 12", "log"}};
  r.content_mode = ContentMode::kHash;
  r.prompt = "hello " + id;
  r.answer = "world";
  return r;
}

inline AuditOptions simOptions(Durability d = Durability::kStrict) {
  AuditOptions o;
  o.dir = "/sim/audit";
  o.durability = d;
  o.group_commit_ms = 1;
  o.retry_ms = 5;
  o.signing_key_path = "/sim/key/audit-signing.key";
  return o;
}

// Exchange ids present in the directory's readable records.
inline std::set<std::string> idsIn(FileSystem& fs, const std::string& dir) {
  std::set<std::string> ids;
  auto names = fs.list(dir);
  if (!names) return ids;
  for (const auto& n : *names) {
    if (!parseSegmentName(n)) continue;
    auto bytes = fs.readFile(joinPath(dir, n));
    if (!bytes) continue;
    for (const auto& f : scanFrames(*bytes).frames)
      if (auto p = parsePayload(f.payload); p && p->type == "exchange")
        ids.insert(p->json["exchange_id"].get<std::string>());
  }
  return ids;
}

inline VerifyReport verifyDir(FileSystem& fs, const std::string& dir, const std::string& pub_path,
                              bool require_sealed = false) {
  VerifyOptions vo;
  vo.dir = dir;
  auto pub = loadPublicKeyRaw(fs, pub_path);
  if (pub) vo.trusted_keys = {*pub};
  vo.require_sealed = require_sealed;
  auto r = verifyLog(fs, vo);
  return r ? *r : VerifyReport{{{"-", -1, "verify_failed", r.error().message}}};
}

}  // namespace concord::audit::testing
