// cordon token create --db FILE --role viewer|analyst|moderator|admin [--name NAME]
// cordon token list --db FILE [--json]
// cordon token revoke --db FILE ID|NAME
//
// API tokens for `cordon serve` (src/cordon/serve/auth.h). `create` prints the new token alone
// on stdout; only its hash is stored, so it cannot be shown again.
#include <fmt/core.h>

#include <chrono>

#include "command.h"
#include "cordon/serve/auth.h"
#include "cordon/store/serve_tables.h"
#include "cordon/store/store.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::string role;
    std::string name;
    std::string which;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  app.require_subcommand(1, 1);
  CLI::App* create = app.add_subcommand("create", "Make a token; prints it alone on stdout");
  create->add_option("--db", a->db, "database (created when missing)")->required();
  create->add_option("--role", a->role, "viewer, analyst, moderator or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "analyst", "moderator", "admin"}));
  create->add_option("--name", a->name, "who or what holds it (logged with each request)");
  CLI::App* list = app.add_subcommand("list", "List tokens (never the tokens themselves)");
  list->add_option("--db", a->db, "database")->required();
  list->add_flag("--json", a->json, "print JSON");
  CLI::App* revoke = app.add_subcommand("revoke", "Revoke tokens by id or name");
  revoke->add_option("--db", a->db, "database")->required();
  revoke->add_option("which", a->which, "token id or name")->required();
  return [a, create, list, revoke]() -> int {
    if (create->parsed()) {
      StoreOptions options;
      options.durable = true;
      auto store = Store::Open(a->db, options);
      if (!store.ok()) return Fail(store.status().ToString());
      const auto role = serve::ParseApiRole(a->role);
      const std::string name = a->name.empty() ? a->role : a->name;
      auto token = serve::CreateApiToken(**store, *role, name, NowMs());
      if (!token.ok()) return Fail(token.status().ToString());
      fmt::print("{}\n", *token);
      return 0;
    }
    StoreOptions options = RecordingOptions();
    auto store = Store::Open(a->db, options);
    if (!store.ok()) return Fail(store.status().ToString());
    if (list->parsed()) {
      auto rows = ReadApiTokens(**store);
      if (!rows.ok()) return Fail(rows.status().ToString());
      if (a->json) {
        std::string out;
        JsonWriter w(out);
        w.BeginArray();
        for (const ApiTokenRow& r : *rows) {
          w.BeginObject().Field("id", r.id).Field("name", r.name).Field("role", r.role);
          w.Field("created", FormatRfc3339Ms(r.created));
          if (r.revoked) {
            w.Field("revoked", FormatRfc3339Ms(*r.revoked));
          } else {
            w.Key("revoked").Null();
          }
          w.EndObject();
        }
        w.EndArray();
        fmt::print("{}\n", out);
        return 0;
      }
      for (const ApiTokenRow& r : *rows) {
        fmt::print("{}\t{}\t{}\tcreated {}{}\n", r.id, r.role, r.name, FormatRfc3339Ms(r.created),
                   r.revoked ? "\trevoked " + FormatRfc3339Ms(*r.revoked) : "");
      }
      return 0;
    }
    (void)revoke;
    auto n = RevokeApiTokens(**store, a->which, NowMs());
    if (!n.ok()) return Fail(n.status().ToString());
    if (*n == 0) return Fail("no active token with id or name '" + a->which + "'");
    fmt::print(stderr, "revoked {} token{}\n", *n, *n == 1 ? "" : "s");
    return 0;
  };
}

CORDON_COMMAND(kToken, "token", "API tokens for cordon serve: create, list, revoke", Setup);

}  // namespace
}  // namespace cordon::cli
