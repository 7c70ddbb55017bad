// `concord admin token create|list|revoke --db PATH` (admin tokens, stored hashed) and
// `concord admin stop|resume --scope S [--value V] [--reason R] --url URL --token T` (the stop
// switch of a running gateway, through its admin API). Parsing only: tokens live in
// src/admin/admin_tokens, the HTTP call in src/admin/admin_client.
// Exit 0 ok, 1 the gateway refused, 2 bad usage or cannot reach it.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "admin/admin_client.h"
#include "admin/admin_tokens.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "store/key_listing.h"

namespace concord::cli {
namespace {

int fail(const std::string& msg, int code = 2) {
  std::fprintf(stderr, "concord admin: %s\n", msg.c_str());
  return code;
}

}  // namespace

int runAdmin(int argc, char** argv) {
  CLI::App app{"concord admin: admin tokens, and the stop switch of a running gateway", "concord admin"};
  app.require_subcommand(1);

  auto* token = app.add_subcommand("token", "admin tokens for the admin API and console");
  token->require_subcommand(1);
  std::string db = "./data/concord.db", role = "viewer", label, revoke_id;
  auto* create = token->add_subcommand("create", "create a token and print it (shown once)");
  create->add_option("--role", role, "viewer | approver | admin")->capture_default_str();
  create->add_option("--label", label, "who it is for (shown in decisions and audit records)");
  create->add_option("--db", db, "SQLite database (the key store's)")->capture_default_str();
  auto* list = token->add_subcommand("list", "list tokens (no secrets)");
  list->add_option("--db", db, "SQLite database")->capture_default_str();
  auto* revoke = token->add_subcommand("revoke", "revoke a token by id");
  revoke->add_option("id", revoke_id, "token id")->required();
  revoke->add_option("--db", db, "SQLite database")->capture_default_str();

  std::string scope = "global", value, reason, url, tok;
  auto remote = [&](CLI::App* sub, bool with_reason) {
    sub->add_option("--scope", scope, "global | tenant | model | upstream")->capture_default_str();
    sub->add_option("--value", value, "the tenant, model or upstream name (not for global)");
    if (with_reason) sub->add_option("--reason", reason, "why (recorded in the audit trail)")->required();
    sub->add_option("--url", url, "admin listener, e.g. http://127.0.0.1:9090")->required();
    sub->add_option("--token", tok, "admin token (default: $CONCORD_ADMIN_TOKEN)");
  };
  auto* stop = app.add_subcommand("stop", "stop traffic now: new requests get 503, streams end");
  remote(stop, true);
  auto* resume = app.add_subcommand("resume", "lift a stop");
  remote(resume, false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e), 0;
    return fail(e.what());
  }

  if (token->parsed()) {
    auto tokens = admin::AdminTokens::open(db, SystemClock::instance());
    if (!tokens) return fail(tokens.error().message);
    if (create->parsed()) {
      const auto r = admin::parseRole(role);
      if (!r) return fail("--role must be viewer, approver or admin");
      auto plain = (*tokens)->create(*r, label);
      if (!plain) return fail(plain.error().message);
      std::printf("%s\n", plain->c_str());
      std::fprintf(stderr, "concord admin: %s token created; it is shown only now\n", role.c_str());
      return 0;
    }
    if (list->parsed()) {
      auto all = (*tokens)->list();
      if (!all) return fail(all.error().message);
      std::printf("%-14s %-9s %-20s %-6s %-21s %s\n", "id", "role", "label", "last4", "created", "status");
      for (const auto& t : *all)
        std::printf("%-14s %-9s %-20s %-6s %-21s %s\n", t.id.c_str(), std::string(admin::roleName(t.role)).c_str(),
                    t.label.empty() ? "-" : t.label.c_str(), t.last4.c_str(),
                    store::formatTime(t.created_at).c_str(), t.revoked_at ? "revoked" : "active");
      return 0;
    }
    if (auto s = (*tokens)->revoke(revoke_id); !s) return fail(s.error().message);
    return 0;
  }

  if (tok.empty())
    if (const char* env = std::getenv("CONCORD_ADMIN_TOKEN")) tok = env;
  if (tok.empty()) return fail("no admin token: pass --token or set CONCORD_ADMIN_TOKEN");
  auto target = admin::parseAdminUrl(url);
  if (!target) return fail(target.error().message);
  nlohmann::json body = {{"scope", scope}, {"value", value}};
  if (stop->parsed()) body["reason"] = reason;
  auto reply = admin::adminRequest(*target, "POST", stop->parsed() ? "/admin/stop" : "/admin/resume", tok,
                                   body.dump());
  if (!reply) return fail(reply.error().message);
  if (reply->status != 200)
    return fail("the gateway answered " + std::to_string(reply->status) + ": " + admin::errorMessage(*reply), 1);
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  const auto stops = j.is_object() && j.contains("stops") ? j["stops"] : nlohmann::json::array();
  std::printf("%s %s%s; %zu stop(s) active\n", stop->parsed() ? "stopped" : "resumed", scope.c_str(),
              value.empty() ? "" : (" " + value).c_str(), stops.size());
  for (const auto& s : stops)
    std::printf("  %s %s: %s (by %s)\n", s.value("scope", "").c_str(), s.value("value", "").c_str(),
                s.value("reason", "").c_str(), s.value("who", "").c_str());
  return 0;
}

}  // namespace concord::cli
