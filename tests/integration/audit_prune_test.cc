// `concord audit prune -c concord.yaml` (the real binary) takes its retention from the packs the
// config loads: segments written 800 days ago (fake clock) go under a pack that keeps logs at
// least 365 and at most 730 days, stay under one that adds a 1095-day minimum, and the prune
// record in the chain names the rules; verify passes afterwards.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <future>
#include <sys/wait.h>
#include <string>

#include "audit/audit_log.h"
#include "audit/file_system.h"
#include "common/clock.h"
#include "gateway_fixture.h"

namespace concord::testing {
namespace {

const std::string kRepo = CONCORD_SOURCE_DIR;

std::string retentionPack(const std::vector<std::pair<int, int>>& rules) {
  std::string pack =
      "pack: { id: org-retention, jurisdiction: ORG, instrument: 'Org retention', version: '1', severity: binding }\n"
      "rules:\n";
  int n = 0;
  for (const auto& [min, max] : rules) {
    ++n;
    pack += "  - id: ORG-RET-" + std::to_string(n) + "\n    cite: 'Org retention s. " + std::to_string(n) +
            "'\n    concept: logging.retention_min\n    effective: { from: 2020-01-01 }\n    confidence: V\n"
            "    status: in_force\n    enforced_by: gateway\n    mode: runtime\n"
            "    when: { request.endpoint: chat.completions }\n    then:\n      action: log\n      content: hash\n";
    if (min) pack += "      retention_min_days: " + std::to_string(min) + "\n";
    if (max) pack += "      retention_max_days: " + std::to_string(max) + "\n";
  }
  return pack;
}

// Runs a command; its exit status and stdout+stderr.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return {-1, out};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A config whose packs are `pack` and an audit log with five one-day segments, 800 days old.
std::string setUp(const TempDir& dir, const std::string& pack) {
  std::ofstream(dir.file("pack.yaml")) << pack;
  const std::string data = dir.file("data");
  std::ofstream(dir.file("concord.yaml"))
      << "upstreams:\n  - { name: u, base_url: 'http://127.0.0.1:1/v1', region: EU, model_origin: FR, models: [m] }\n"
      << "storage: { data_dir: " << data << " }\n"
      << "policy: { vocabulary: " << kRepo << "/packs/vocabulary.yaml, packs: [" << dir.file("pack.yaml") << "] }\n";
  FakeClock clock(SystemClock::instance().nowMicros() - 800 * 86'400'000'000LL);
  audit::AuditOptions o;
  o.dir = data + "/audit";
  o.signing_key_path = data + "/audit-signing.key";
  o.segment_max_age_s = 86400;
  o.group_commit_ms = 1;
  auto log = audit::AuditLog::open(o, audit::PosixFileSystem::instance(), clock);
  EXPECT_TRUE(log.ok()) << log.error().message;
  if (!log.ok()) return "";
  for (int day = 0; day < 5; ++day) {
    audit::AuditRecord r;
    r.exchange_id = "old-" + std::to_string(day);
    std::promise<Status> done;
    auto durable = done.get_future();
    EXPECT_TRUE((*log)->append(std::move(r), [&done](Status s) { done.set_value(s); }));
    EXPECT_TRUE(durable.get().ok());
    clock.advanceMicros(86'400'000'000LL);
  }
  (*log)->close();
  return dir.file("concord.yaml");
}

TEST(AuditPrune, RetentionComesFromTheConfigsPacks) {
  TempDir dir;
  const std::string config = setUp(dir, retentionPack({{365, 0}, {0, 730}}));
  ASSERT_FALSE(config.empty());
  const std::string concord = std::string(CONCORD_BINARY) + " audit ";
  const auto [rc, out] = run(concord + "prune -c " + config);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("minimum 365 day(s), maximum 730 day(s)"), std::string::npos) << out;
  EXPECT_EQ(out.find("pruned 0 segment(s)"), std::string::npos) << out;
  // Every old record was in a sealed segment past the maximum: none is left.
  const auto [xrc, left] = run(concord + "export -c " + config + " --type exchange");
  EXPECT_EQ(xrc, 0) << left;
  EXPECT_NE(left.find("exported 0 record(s)"), std::string::npos) << left;
  const auto [erc, exported] = run(concord + "export -c " + config + " --type prune");
  EXPECT_EQ(erc, 0) << exported;
  EXPECT_NE(exported.find(R"("sources":["rule:ORG-RET-1","rule:ORG-RET-2"])"), std::string::npos) << exported;
  EXPECT_NE(exported.find(R"("max_days":730)"), std::string::npos) << exported;
  const auto [vrc, report] = run(concord + "verify -c " + config);
  EXPECT_EQ(vrc, 0) << report;
  EXPECT_EQ(report.find(" 0 pruned"), std::string::npos) << report;
}

TEST(AuditPrune, TheHighestMinimumWinsOverEveryMaximum) {
  TempDir dir;
  const std::string config = setUp(dir, retentionPack({{365, 730}, {1095, 0}}));
  ASSERT_FALSE(config.empty());
  const std::string concord = std::string(CONCORD_BINARY) + " audit ";
  const auto [rc, out] = run(concord + "prune -c " + config);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("pruned 0 segment(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("above a maximum"), std::string::npos) << out;
  const auto [krc, kept] = run(concord + "export -c " + config + " --type exchange");
  EXPECT_NE(kept.find("exported 5 record(s)"), std::string::npos) << kept;
  // Flags replace the packs' days: a 30-day maximum and no minimum prune the old segments.
  const auto [frc, fout] = run(concord + "prune -c " + config + " --min-days 0 --max-days 30");
  EXPECT_EQ(frc, 0) << fout;
  EXPECT_EQ(fout.find("pruned 0 segment(s)"), std::string::npos) << fout;
  const auto [vrc, report] = run(concord + "verify -c " + config);
  EXPECT_EQ(vrc, 0) << report;
}

}  // namespace
}  // namespace concord::testing
