// `--config FILE` on every subcommand that has no subcommands of its own: the file's keys are the
// subcommand's long flag names (util/flag_config.h). main.cc calls AddConfigOptions once every
// subcommand is set up, and ExpandConfig before parsing, so a new subcommand gets it unchanged.
#include <string>
#include <vector>

#include "command.h"
#include "cordon/util/flag_config.h"

namespace cordon::cli {
namespace {

constexpr const char* kConfig = "--config";

void Leaves(CLI::App* app, std::vector<CLI::App*>& out) {
  const auto subs = app->get_subcommands([](CLI::App*) { return true; });
  if (subs.empty()) out.push_back(app);
  for (CLI::App* sub : subs) Leaves(sub, out);
}

void AllOptions(CLI::App* app, std::vector<CLI::Option*>& out) {
  for (CLI::Option* o : app->get_options()) out.push_back(o);
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) AllOptions(sub, out);
}

// "cordon matrix sync" for the subcommand `app`.
std::string CommandName(CLI::App* app) {
  std::string name;
  for (CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    name = a->get_parent() == nullptr ? "cordon" + name : " " + a->get_name() + name;
  }
  return name;
}

}  // namespace

void AddConfigOptions(CLI::App& app) {
  std::vector<CLI::App*> leaves;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) Leaves(sub, leaves);
  for (CLI::App* leaf : leaves) {
    if (leaf->get_option_no_throw(kConfig) != nullptr) continue;
    leaf->add_option(kConfig, "YAML file: a value per long flag name (flags given win)")
        ->check(CLI::ExistingFile);
  }
}

StatusOr<std::vector<std::string>> ExpandConfig(CLI::App& app, std::vector<std::string> args) {
  // Where --config FILE (or --config=FILE) ends; nothing to do without one.
  size_t after = 0;
  for (size_t i = 0; i < args.size() && after == 0; ++i) {
    if (args[i] == "--") break;
    if (args[i] == kConfig && i + 1 < args.size()) after = i + 2;
    if (args[i].rfind(std::string(kConfig) + "=", 0) == 0) after = i + 1;
  }
  if (after == 0) return args;
  // A first parse with no flag required tells the subcommand and the flags given; a parse that
  // fails even so leaves the words as they are, for the real parse to report.
  std::vector<CLI::Option*> options;
  AllOptions(&app, options);
  std::vector<CLI::Option*> required;
  for (CLI::Option* o : options) {
    if (o->get_required()) {
      required.push_back(o);
      o->required(false);
    }
  }
  const auto restore = [&] {
    for (CLI::Option* o : required) o->required(true);
    app.clear();
  };
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::Error&) {
    restore();
    return args;
  }
  CLI::App* leaf = &app;
  for (;;) {
    const auto parsed = leaf->get_subcommands();
    if (parsed.empty()) break;
    leaf = parsed.front();
  }
  CLI::Option* config = leaf->get_option_no_throw(kConfig);
  if (config == nullptr || config->count() == 0) {
    restore();
    return args;
  }
  const std::string file = config->as<std::string>();
  std::vector<ConfigFlag> flags;
  for (CLI::Option* o : leaf->get_options()) {
    for (const std::string& name : o->get_lnames()) {
      if (name == "help" || name == "config") continue;
      ConfigFlag f;
      f.name = name;
      f.takes_value = o->get_type_size_max() > 0;
      f.repeatable = o->get_expected_max() > 1;
      f.given = o->count() > 0;
      flags.push_back(std::move(f));
    }
  }
  const std::string command = CommandName(leaf);
  restore();
  ASSIGN_OR_RETURN(std::vector<ConfigValue> values, ReadFlagConfig(file));
  ASSIGN_OR_RETURN(std::vector<std::string> extra, ConfigArgs(values, flags, file, command));
  args.insert(args.begin() + static_cast<std::ptrdiff_t>(after), extra.begin(), extra.end());
  return args;
}

}  // namespace cordon::cli
