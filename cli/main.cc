// cordon: finds, disrupts and measures propaganda distribution networks.
// This file only dispatches to the subcommands in cli/*.cc.
#include <algorithm>
#include <cstdio>
#include <map>

#include "command.h"

namespace cordon::cli {

std::vector<CommandInfo>& Registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "cordon: %s\n", message.c_str());
  return 1;
}

}  // namespace cordon::cli

int main(int argc, char** argv) {
  using namespace cordon::cli;
  CLI::App app{"cordon: find, disrupt and measure propaganda distribution networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cordon 0.1.0");
  auto& commands = Registry();
  std::sort(commands.begin(), commands.end(),
            [](const CommandInfo& a, const CommandInfo& b) { return a.name < b.name; });
  std::map<CLI::App*, std::function<int()>> runners;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runners[sub] = c.setup(*sub);
  }
  CLI11_PARSE(app, argc, argv);
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return 1;
}
