// Configuration files for the CLI's subcommands (`--config FILE`, docs/connectors.md): a YAML
// mapping whose keys are the subcommand's long flag names, read here into the flags they stand
// for, so that a file and a command line mean the same thing.
//
//   homeserver: https://matrix.example.org   ->  --homeserver=https://matrix.example.org
//   once: true                               ->  --once        (false: nothing)
//   room: [a, b]                             ->  --room=a --room=b   (flags that repeat)
//
// Flags given on the command line win: the file's value for them is left out. A key that is no
// flag of the subcommand, a list for a flag taken once, a mapping, or a non-boolean for a switch
// is an error naming the file, the line and the key. The file is read whole, up to 1 MiB.
//
// Errors: InvalidArgument (with the file and line) for what the file says; IoError when it
// cannot be read. Thread safety: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/util/status.h"

namespace cordon {

// One key of the file.
struct ConfigValue {
  std::string key;
  int64_t line = 0;                 // 1-based line of the key
  std::vector<std::string> values;  // the scalar, or each item of a list, as written
  bool list = false;
};

// Parses YAML text: a mapping of string keys to scalars or lists of scalars (an empty file or
// `{}` is no keys). `file` names it in errors. Keys keep their order; a key twice is an error.
StatusOr<std::vector<ConfigValue>> ParseFlagConfig(std::string_view yaml, std::string_view file);
// Reads the file at `path` and parses it.
StatusOr<std::vector<ConfigValue>> ReadFlagConfig(const std::string& path);

// YAML's booleans as yaml-cpp reads them: true/false, yes/no, on/off, y/n in lower, Title or
// UPPER case. Empty for anything else.
std::optional<bool> ConfigBool(std::string_view scalar);

// What the command knows of one of its flags.
struct ConfigFlag {
  std::string name;         // the long name without dashes: "token-file"
  bool takes_value = true;  // false: a switch (--once)
  bool repeatable = false;  // may be given more than once (a list in the file)
  bool given = false;       // on the command line already: the file's value is left out
};

// The command-line words for the file's values: "--name=value" per value, "--name" for a true
// switch. `command` names the subcommand in errors ("cordon matrix sync").
StatusOr<std::vector<std::string>> ConfigArgs(const std::vector<ConfigValue>& values,
                                              const std::vector<ConfigFlag>& flags,
                                              std::string_view file, std::string_view command);

}  // namespace cordon
