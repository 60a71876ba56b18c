// Value checks shared by the subcommands' flags.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "command.h"

namespace cordon::cli {
namespace {

// Empty when `text` is a finite number inside [lo, hi] (bounds left out when exclusive).
std::string CheckNumber(const std::string& text, double lo, bool lo_exclusive, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const bool parsed = !text.empty() && end == text.c_str() + text.size();
  std::string want = fmt::format("a number {} {}", lo_exclusive ? "above" : "of at least", lo);
  if (std::isfinite(hi)) want += fmt::format(" and at most {}", hi);
  if (!parsed || !std::isfinite(v) || v < lo || (lo_exclusive && v == lo) || v > hi) {
    return "expected " + want + ", got '" + text + "'";
  }
  return {};
}

}  // namespace

CLI::Validator NumberAtLeast(double lo, bool exclusive) {
  return CLI::Validator(
      [lo, exclusive](std::string& text) {
        return CheckNumber(text, lo, exclusive, std::numeric_limits<double>::infinity());
      },
      "NUMBER");
}

CLI::Validator NumberInRange(double lo, double hi) {
  return CLI::Validator([lo, hi](std::string& text) { return CheckNumber(text, lo, false, hi); },
                        "NUMBER");
}

}  // namespace cordon::cli
