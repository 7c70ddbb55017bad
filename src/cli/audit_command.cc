// `concord audit verify|export|query|prune [-c concord.yaml] [--dir DIR] [...]`: the operator's
// view of the audit trail (docs/audit-format.md). Parsing only; the work is in src/audit/
// (verifier, exporter, audit_index, AuditLog::prune) and proxy::retentionFromConfig (the packs'
// retention for prune). Exit 0 ok, 1 verify found problems, 2 bad usage or input.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>

#include "audit/audit_index.h"
#include "audit/audit_log.h"
#include "audit/exporter.h"
#include "audit/segment_format.h"
#include "audit/signing_key.h"
#include "audit/verifier.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "config/config_loader.h"
#include "proxy/chain_audit.h"

namespace concord::cli {
namespace {

using namespace concord::audit;

int fail(const std::string& msg) {
  std::fprintf(stderr, "concord audit: %s\n", msg.c_str());
  return 2;
}

std::string isoTime(int64_t us) {
  std::time_t t = std::time_t(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct FilterFlags {
  std::string tenant, from, to, rule, decision, type;
  size_t limit = 0;
  void add(CLI::App* app) {
    app->add_option("--tenant", tenant, "only this tenant");
    app->add_option("--from", from, "from this time (RFC 3339 UTC, date, or µs), inclusive");
    app->add_option("--to", to, "up to this time, exclusive");
    app->add_option("--rule", rule, "only records whose decision cites this rule id");
    app->add_option("--decision", decision, "allow|deny|hold|redact|label");
    app->add_option("--type", type, "exchange|truncation|prune|key_rotation");
    app->add_option("--limit", limit, "at most this many records");
  }
  bool build(RecordFilter& f, std::string& err) const {
    f.tenant = tenant;
    f.rule_id = rule;
    f.decision = decision;
    f.type = type;
    f.limit = limit;
    if (!from.empty() && !parseTimeMicros(from, f.from_us)) return err = "--from: not a time: " + from, false;
    if (!to.empty() && !parseTimeMicros(to, f.to_us)) return err = "--to: not a time: " + to, false;
    return true;
  }
};

}  // namespace

int runAudit(int argc, char** argv) {
  CLI::App app{"concord audit: verify, export, query and prune the audit trail", "concord audit"};
  app.require_subcommand(1);
  std::string dir = "./data/audit", key = "./data/audit-signing.key", config_path;
  auto common = [&](CLI::App* sub) {
    sub->add_option("-c,--config", config_path,
                    "concord.yaml: its audit directory, signing key and (prune) the retention of its packs");
    sub->add_option("--dir", dir, "audit directory (default: the config's, else ./data/audit)");
    sub->add_option("--key", key, "signing key, its public key is <key>.pub (default: the config's data_dir/"
                                  "audit-signing.key, else ./data/audit-signing.key)");
  };
  auto* verify = app.add_subcommand("verify", "check CRCs, the hash chain, gaps, checkpoints and signatures");
  common(verify);
  std::vector<std::string> pubkeys;
  bool require_sealed = false;
  verify->add_option("--pubkey", pubkeys, "trusted public key PEM (repeatable; default <key>.pub)");
  verify->add_flag("--require-sealed", require_sealed, "an unsealed last segment is a problem too");
  std::string vfrom, vto;
  verify->add_option("--from", vfrom, "check records from this time on (older sealed segments: seal only)");
  verify->add_option("--to", vto, "check records before this time (newer sealed segments: seal only)");

  auto* exp = app.add_subcommand("export", "write records as JSON lines or CSV");
  common(exp);
  std::string format = "jsonl", out_path;
  FilterFlags ef;
  ef.add(exp);
  exp->add_option("--format", format, "jsonl|csv")->capture_default_str();
  exp->add_option("--out", out_path, "output file (default stdout)");

  auto* query = app.add_subcommand("query", "find records through the SQLite index");
  common(query);
  FilterFlags qf;
  qf.add(query);
  std::string index_path;
  query->add_option("--index", index_path, "index file (default DIR/index.sqlite)");

  auto* prune = app.add_subcommand("prune", "delete whole segments past every retention maximum");
  common(prune);
  std::vector<int64_t> min_days, max_days;
  prune->add_option("--min-days", min_days, "a minimum retention in days (repeatable; replaces the packs' minimums)");
  prune->add_option("--max-days", max_days, "a maximum retention in days (repeatable; replaces the packs' maximums)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e), 0;
    return fail(e.what());
  }
  CLI::App* sub = app.get_subcommands().front();
  std::shared_ptr<const config::Config> config;
  if (!config_path.empty()) {
    auto loaded = config::loadConfig(config_path);
    if (!loaded) return fail(loaded.error().message);
    config = loaded.value();
    if (sub->count("--dir") == 0) dir = config->audit.dir;
    if (sub->count("--key") == 0) key = config->data_dir + "/audit-signing.key";
  }
  auto& fs = PosixFileSystem::instance();
  if (!prune->parsed() && !fs.exists(dir)) return fail("no audit directory at " + dir);

  if (verify->parsed()) {
    VerifyOptions vo;
    vo.dir = dir;
    vo.require_sealed = require_sealed;
    if (!vfrom.empty() && !parseTimeMicros(vfrom, vo.from_us)) return fail("--from: not a time: " + vfrom);
    if (!vto.empty() && !parseTimeMicros(vto, vo.to_us)) return fail("--to: not a time: " + vto);
    if (pubkeys.empty()) pubkeys.push_back(key + ".pub");
    for (const auto& p : pubkeys) {
      auto raw = loadPublicKeyRaw(fs, p);
      if (!raw) return fail(raw.error().message);
      vo.trusted_keys.push_back(*raw);
    }
    auto rep = verifyLog(fs, vo);
    if (!rep) return fail(rep.error().message);
    std::fputs(rep->text().c_str(), stdout);
    return rep->ok() ? 0 : 1;
  }
  if (exp->parsed()) {
    RecordFilter f;
    std::string err;
    if (!ef.build(f, err)) return fail(err);
    if (format != "jsonl" && format != "csv") return fail("--format must be jsonl or csv");
    std::ofstream file;
    if (!out_path.empty()) {
      file.open(out_path);
      if (!file) return fail("cannot write " + out_path);
    }
    std::ostream& out = out_path.empty() ? std::cout : file;
    auto n = exportRecords(fs, dir, f, format == "csv" ? ExportFormat::kCsv : ExportFormat::kJsonl, out);
    if (!n) return fail(n.error().message);
    std::fprintf(stderr, "concord audit: exported %zu record(s)\n", *n);
    return 0;
  }
  if (query->parsed()) {
    RecordFilter f;
    std::string err;
    if (!qf.build(f, err)) return fail(err);
    auto idx = AuditIndex::open(index_path.empty() ? joinPath(dir, "index.sqlite") : index_path);
    if (!idx) return fail(idx.error().message);
    if (auto n = (*idx)->update(fs, dir); !n) return fail(n.error().message);
    auto rows = (*idx)->query(f);
    if (!rows) return fail(rows.error().message);
    std::printf("%-8s %-20s %-12s %-16s %-7s %-6s %-24s %s\n", "seq", "time", "type", "tenant", "action", "status",
                "exchange", "at");
    for (const auto& r : *rows)
      std::printf("%-8llu %-20s %-12s %-16s %-7s %-6d %-24s %s@%llu\n", static_cast<unsigned long long>(r.seq),
                  isoTime(r.ts).c_str(), r.type.c_str(), r.tenant.c_str(), r.action.c_str(), r.status,
                  r.exchange_id.c_str(), segmentName(r.segment).c_str(), static_cast<unsigned long long>(r.offset));
    std::fprintf(stderr, "concord audit: %zu record(s)\n", rows->size());
    return 0;
  }
  // prune: the packs' retention (most protective: kept until the highest minimum and every
  // maximum have passed), each side replaced by flags when given.
  RetentionPolicy policy;
  if (config) {
    auto from_packs = proxy::retentionFromConfig(*config);
    if (!from_packs) return fail(from_packs.error().message);
    policy = std::move(from_packs.value());
  }
  if (!min_days.empty()) {
    policy.min_days = min_days;
    policy.sources.push_back("flag:--min-days");
  }
  if (!max_days.empty()) {
    policy.max_days = max_days;
    policy.sources.push_back("flag:--max-days");
  }
  if (!min_days.empty() && !max_days.empty()) policy.sources = {"flag:--min-days", "flag:--max-days"};
  int64_t highest_min = 0, lowest_max = 0;
  for (int64_t d : policy.min_days) highest_min = std::max(highest_min, d);
  for (int64_t d : policy.max_days) lowest_max = lowest_max ? std::min(lowest_max, d) : d;
  std::fprintf(stderr, "concord audit: retention: minimum %lld day(s), maximum %lld day(s) (%zu source(s))\n",
               static_cast<long long>(highest_min), static_cast<long long>(lowest_max), policy.sources.size());
  if (lowest_max && highest_min > lowest_max)
    std::fprintf(stderr, "concord audit: the minimum (%lld days) is above a maximum (%lld days): records are kept "
                 "until the minimum has passed\n", static_cast<long long>(highest_min), static_cast<long long>(lowest_max));
  AuditOptions o;
  o.dir = dir;
  o.signing_key_path = key;
  auto log = AuditLog::open(o, fs, SystemClock::instance());
  if (!log) return fail(log.error().message);
  auto r = (*log)->prune(policy);
  (*log)->close();
  if (!r) return fail(r.error().message);
  if (policy.max_days.empty())
    std::fprintf(stderr, "concord audit: no maximum (no pack sets one, no --max-days): nothing is past a maximum\n");
  std::printf("pruned %zu segment(s) with no record newer than %s\n", r->deleted_segments.size(),
              r->cutoff_us ? isoTime(r->cutoff_us).c_str() : "-");
  return 0;
}

}  // namespace concord::cli
