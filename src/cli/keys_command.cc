// `concord keys create|list|revoke`: manage API keys in the SQLite key store.
// The logic and formats live in src/store (key_store, key_listing); this file parses flags.
// `create` prints the plain key alone on stdout (for scripts) and a note on stderr that it is
// shown only once. A running gateway sees a revocation within its refresh period (250 ms).
// Exit codes: 0 ok, 2 bad usage or bad input (unknown key id, bad tenant), 1 the store failed.
// Called once from main on the main thread.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "common/clock.h"
#include "store/key_listing.h"
#include "store/key_store.h"

namespace concord::cli {

namespace {

constexpr const char* kDefaultDb = "data/concord.db";

int fail(const Error& e) {
  std::fprintf(stderr, "concord keys: %s\n", e.message.c_str());
  const bool bad_input = e.code == "store.invalid_key_spec" || e.code == "store.invalid_key_id" ||
                         e.code == "store.key_not_found";
  return bad_input ? 2 : 1;
}

Result<std::unique_ptr<store::KeyStore>> openStore(const std::string& db) {
  return store::KeyStore::open(db, SystemClock::instance());
}

}  // namespace

int runKeys(int argc, char** argv) {
  CLI::App app{"Manage Concord API keys (stored hashed in SQLite)", "concord keys"};
  app.require_subcommand(1);

  std::string db = kDefaultDb;
  store::NewKey spec;
  std::string models, jurisdictions, roles;
  auto* create = app.add_subcommand("create", "create a key; prints it once on stdout");
  create->add_option("--tenant", spec.tenant, "tenant the key belongs to")->required();
  create->add_option("--models", models, "allowed models, comma-separated (default: all)");
  create->add_option("--jurisdictions", jurisdictions, "where the key's users are, e.g. EU,CN");
  create->add_option("--roles", roles, "roles, comma-separated, e.g. approver");
  create->add_option("--locale", spec.locale, "preferred label language, e.g. zh");
  create->add_option("--sector", spec.sector, "sector, e.g. finance");
  create->add_option("--budget-tokens", spec.budget_tokens, "token budget (0 = unlimited)");
  create->add_option("--db", db, "key database")->capture_default_str();

  bool json = false;
  auto* list = app.add_subcommand("list", "list keys (ids, never secrets)");
  list->add_flag("--json", json, "print JSON instead of a table");
  list->add_option("--db", db, "key database")->capture_default_str();

  std::string key_id;
  auto* revoke = app.add_subcommand("revoke", "revoke a key by its id");
  revoke->add_option("KEYID", key_id, "the key id shown by `keys list`")->required();
  revoke->add_option("--db", db, "key database")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "concord keys: %s (see concord keys --help)\n", e.what());
    return 2;
  }

  auto ks = openStore(db);
  if (!ks.ok()) {
    std::fprintf(stderr, "concord keys: cannot open %s: %s\n", db.c_str(),
                 ks.error().message.c_str());
    return 1;
  }

  if (create->parsed()) {
    spec.models = store::splitList(models);
    spec.jurisdictions = store::splitList(jurisdictions);
    spec.roles = store::splitList(roles);
    auto key = (*ks)->create(spec);
    if (!key.ok()) return fail(key.error());
    std::printf("%s\n", key->c_str());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "concord keys: created a key for tenant %s; it is shown only this once, "
                 "store it now\n",
                 spec.tenant.c_str());
    return 0;
  }
  if (list->parsed()) {
    auto keys = (*ks)->list();
    if (!keys.ok()) return fail(keys.error());
    if (json)
      std::cout << store::keysToJson(*keys).dump(2) << '\n';
    else
      std::cout << store::formatKeyTable(*keys);
    return 0;
  }
  auto s = (*ks)->revoke(key_id);
  if (!s.ok()) return fail(s.error());
  std::printf("revoked %s\n", key_id.c_str());
  return 0;
}

}  // namespace concord::cli
