// Subcommand registration: each cli/<name>.cc registers itself; main.cc only dispatches.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cordon/util/status.h"

namespace cordon {
class Progress;
class Store;
}  // namespace cordon

namespace cordon::cli {

// Builds the subcommand's flags on `app` and returns the function that runs it (exit code).
using CommandSetup = std::function<std::function<int()>(CLI::App& app)>;

struct CommandInfo {
  std::string name;
  std::string description;
  CommandSetup setup;
};

std::vector<CommandInfo>& Registry();

struct Registrar {
  Registrar(std::string name, std::string description, CommandSetup setup) {
    Registry().push_back({std::move(name), std::move(description), std::move(setup)});
  }
};

// `--config FILE` (cli/config.cc, util/flag_config.h): AddConfigOptions gives it to every
// subcommand without subcommands of its own, once all are set up; ExpandConfig puts the file's
// values into the command-line words (`args`, without the program name) as the flags they
// name, after --config, leaving out flags the words already give. Errors name file and line.
void AddConfigOptions(CLI::App& app);
StatusOr<std::vector<std::string>> ExpandConfig(CLI::App& app, std::vector<std::string> args);

// Prints "cordon: <message>" to stderr and returns exit code 1.
int Fail(const std::string& message);

// Flag checks that reject nan, inf and out-of-range values with a message quoting the value
// ("--budget: expected a number of at least 0, got 'nan'").
CLI::Validator NumberAtLeast(double lo, bool exclusive = false);
CLI::Validator NumberInRange(double lo, double hi);

// For commands that read the stored regeneration detections: makes this connection read
// current ones (enforce::UseCurrentDetections, a replay when the stored ones are stale) and
// prints its note on stderr. Returns the note, "" when the stored ones were current.
StatusOr<std::string> UseCurrentDetections(Store& store, Progress* progress = nullptr);

}  // namespace cordon::cli

#define CORDON_COMMAND(var, name, description, setup) \
  static ::cordon::cli::Registrar var(name, description, setup)
