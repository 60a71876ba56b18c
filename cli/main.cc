// cordon: finds, disrupts and measures propaganda distribution networks.
// This file only dispatches to the subcommands in cli/*.cc.
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "command.h"

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
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  fmt::print(stderr,
             "cordon: a subcommand is required; the subcommands are: {}\n"
             "cordon: 'cordon --help' describes them; 'cordon demo' shows them at work\n",
             SubcommandNames());
  return 2;
}
