// Named parameter families for the simulator: documented sets of `--set` overrides that change
// how replacements are made (naming-tactic mix, which regeneration signals they carry, delays,
// bot and user share), so a detector is measured on many worlds, not fitted to one
// (docs/simulation.md, "Parameter families"; issue #14). Which families are held out of
// fitting is the evaluation's business (bench/regen_bench.cc, docs/enforcement.md), not the
// simulator's.
//
// Thread safety: immutable tables.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cordon/util/status.h"

namespace cordon::sim {

struct SimFamily {
  std::string name;
  std::string about;  // one line, for the documentation and the CLI's error message
  std::vector<std::pair<std::string, double>> settings;  // applied in order, as with --set
};

// Every family, "default" (no settings) first.
const std::vector<SimFamily>& SimFamilies();

// The family called `name`; kInvalidArgument naming the known ones otherwise.
StatusOr<const SimFamily*> FindSimFamily(std::string_view name);

// Parses one `NAME=VALUE` override (VALUE a finite number); kInvalidArgument naming the text
// otherwise. Whether NAME exists is checked when the override is applied (SetParam).
StatusOr<std::pair<std::string, double>> ParseParamSetting(std::string_view kv);

}  // namespace cordon::sim
