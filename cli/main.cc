// cordon: finds, disrupts and measures propaganda distribution networks.
// This file only dispatches to the subcommands in cli/*.cc.
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "command.h"
#include "cordon/store/db_url.h"

namespace cordon::cli {

std::vector<CommandInfo>& Registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

int Fail(const std::string& message) {
  fmt::print(stderr, "cordon: {}\n", message);
  return 1;
}

}  // namespace cordon::cli

namespace {

// Subcommands not yet checked against PostgreSQL (docs/design.md, "PostgreSQL as the shared
// store"): with `--db postgresql://...` they stop here with a clear message.
constexpr const char* kNotOnPostgresYet[] = {
    "matrix sync",      "matrix enforce",  "matrix policy import", "telegram bot",
    "telegram enforce", "rocketchat sync", "rocketchat enforce",
};

// The message for a subcommand that does not run on PostgreSQL yet, "" when it does or when its
// --db is a file.
std::string NotOnPostgres(CLI::App& app) {
  std::string name;
  bool postgres = false;
  for (CLI::App* a = &app; a != nullptr;) {
    if (a != &app) name += (name.empty() ? "" : " ") + a->get_name();
    const CLI::Option* db = a->get_option_no_throw("--db");
    if (db != nullptr && db->count() > 0 && cordon::IsPostgresUrl(db->as<std::string>())) {
      postgres = true;
    }
    const auto subs = a->get_subcommands();
    a = subs.empty() ? nullptr : subs.front();
  }
  if (!postgres) return "";
  for (const char* n : kNotOnPostgresYet) {
    if (name == n) {
      return "`cordon " + name +
             "` is not supported on PostgreSQL yet; use a SQLite file for it (docs/design.md, "
             "\"PostgreSQL as the shared store\")";
    }
  }
  return "";
}

std::string SubcommandNames() {
  std::string names;
  for (const auto& c : cordon::cli::Registry()) names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cordon::cli;
  CLI::App app{"cordon: find, disrupt and measure propaganda distribution networks"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "cordon 0.1.0");
  auto& commands = Registry();
  std::sort(commands.begin(), commands.end(),
            [](const CommandInfo& a, const CommandInfo& b) { return a.name < b.name; });
  std::map<CLI::App*, std::function<int()>> runners;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runners[sub] = c.setup(*sub);
  }
  AddConfigOptions(app);
  // A first word that is no flag and no subcommand is a typo or a guess: say so and list them,
  // instead of CLI11's "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    const std::string first = argv[1];
    const bool known = std::any_of(commands.begin(), commands.end(),
                                   [&](const CommandInfo& c) { return c.name == first; });
    if (!known) {
      fmt::print(stderr, "cordon: unknown subcommand '{}'; the subcommands are: {}\n", first,
                 SubcommandNames());
      return 2;
    }
  }
  auto args = ExpandConfig(app, std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    fmt::print(stderr, "cordon: {}\n", args.status().ToString());
    return 2;
  }
  try {
    std::vector<std::string> reversed(args->rbegin(), args->rend());
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "cordon: {}\n", e.what());
    fmt::print(stderr, "cordon: see 'cordon{} --help'\n",
               app.get_subcommands().empty() ? std::string()
                                             : " " + app.get_subcommands().front()->get_name());
    return 2;
  }
  if (const std::string why = NotOnPostgres(app); !why.empty()) {
    fmt::print(stderr, "cordon: {}\n", why);
    return 2;
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  fmt::print(stderr,
             "cordon: a subcommand is required; the subcommands are: {}\n"
             "cordon: 'cordon --help' describes them; 'cordon demo' shows them at work\n",
             SubcommandNames());
  return 2;
}
