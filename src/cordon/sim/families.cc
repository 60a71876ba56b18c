#include "cordon/sim/families.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace cordon::sim {

namespace {

// The naming-tactic mix as --set overrides, in NamingMethod order.
std::vector<std::pair<std::string, double>> Mix(double numbering, double homoglyph,
                                                double separator, double emoji,
                                                double transliteration, double unrelated) {
  return {{"dyn.naming_numbering", numbering},
          {"dyn.naming_homoglyph", homoglyph},
          {"dyn.naming_separator", separator},
          {"dyn.naming_emoji", emoji},
          {"dyn.naming_transliteration", transliteration},
          {"dyn.naming_unrelated", unrelated}};
}

std::vector<std::pair<std::string, double>> Join(
    std::vector<std::pair<std::string, double>> a,
    const std::vector<std::pair<std::string, double>>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<SimFamily> Build() {
  std::vector<SimFamily> f;
  f.push_back({"default", "the calibrated world (no overrides)", {}});
  f.push_back({"numbering", "replacements mostly numbered; every signal present",
               Mix(0.7, 0.1, 0.1, 0.05, 0.05, 0)});
  f.push_back({"script",
               "homoglyphs and transliteration dominate; unrelated names share no brand word",
               Join(Mix(0.1, 0.4, 0.1, 0, 0.4, 0), {{"dyn.unrelated_fresh", 1}})});
  f.push_back({"unrelated",
               "unrelated names dominate (80%, no brand word), each with the parent's avatar "
               "copy, its admins, backlog and adverts",
               Join(Mix(0.05, 0.05, 0.05, 0.05, 0, 0.8),
                    {{"dyn.unrelated_fresh", 1}, {"dyn.avatar_new_unrelated", 0}})});
  f.push_back({"unrelated_sparse",
               "unrelated names dominate (70%, no brand word); new avatars, fresh creators, "
               "fewer backlogs and adverts",
               Join(Mix(0.1, 0.05, 0.1, 0.05, 0, 0.7), {{"dyn.unrelated_fresh", 1},
                                                        {"dyn.avatar_new_unrelated", 0.5},
                                                        {"dyn.fresh_creator", 0.3},
                                                        {"dyn.backlog_share", 0.6},
                                                        {"dyn.advertised", 0.7}})});
  f.push_back({"independent",
               "the mix of issue #14's independent generator (numbering 61, homoglyphs 39, "
               "transliteration 18, separators 35, unrelated 42 of 195), unrelated names with no "
               "brand word and the parent's avatar",
               Join(Mix(61, 39, 35, 0, 18, 42),
                    {{"dyn.unrelated_fresh", 1}, {"dyn.avatar_new_unrelated", 0}})});
  f.push_back({"fast",
               "replacements within about an hour, accounts within two",
               {{"dyn.regen_delay_hours", 1},
                {"dyn.account_delay_hours", 2},
                {"dyn.regen_delay_sigma", 0.5}}});
  f.push_back({"slow",
               "replacements after about two days (widely spread), accounts too",
               {{"dyn.regen_delay_hours", 48},
                {"dyn.account_delay_hours", 48},
                {"dyn.regen_delay_sigma", 1.2}}});
  f.push_back({"few_signals",
               "each signal often missing: new avatars, fresh creators, a third reposts its "
               "backlog, half advertised; a quarter unrelated names",
               Join(Mix(0.25, 0.15, 0.15, 0.1, 0.1, 0.25), {{"dyn.unrelated_fresh", 1},
                                                            {"dyn.avatar_new_unrelated", 1},
                                                            {"dyn.avatar_new_other", 0.5},
                                                            {"dyn.fresh_creator", 0.5},
                                                            {"dyn.backlog_share", 0.3},
                                                            {"dyn.advertised", 0.5}})});
  f.push_back({"bots",
               "four times the bots, half the supporters, more posts via bots, bots hunted harder",
               {{"dyn.bot_factor", 4},
                {"dyn.supporter_factor", 0.5},
                {"dyn.via_bot", 0.5},
                {"dyn.hazard_bot", 0.3}}});
  f.push_back(
      {"users",
       "a quarter of the bots, twice the supporters, supporters hunted harder",
       {{"dyn.bot_factor", 0.25}, {"dyn.supporter_factor", 2}, {"dyn.hazard_supporter", 0.08}}});
  return f;
}

}  // namespace

const std::vector<SimFamily>& SimFamilies() {
  static const std::vector<SimFamily> families = Build();
  return families;
}

StatusOr<const SimFamily*> FindSimFamily(std::string_view name) {
  std::string known;
  for (const SimFamily& f : SimFamilies()) {
    if (f.name == name) return &f;
    known += (known.empty() ? "" : ", ") + f.name;
  }
  return Status::InvalidArgument("unknown family '" + std::string(name) + "'; known: " + known);
}

StatusOr<std::pair<std::string, double>> ParseParamSetting(std::string_view kv) {
  const size_t eq = kv.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument("--set wants NAME=NUMBER, got '" + std::string(kv) + "'");
  }
  const std::string name(kv.substr(0, eq));
  const std::string value(kv.substr(eq + 1));
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || errno == ERANGE ||
      !std::isfinite(v)) {
    return Status::InvalidArgument("parameter " + name + " wants a number, got '" + value + "'");
  }
  return std::make_pair(name, v);
}

}  // namespace cordon::sim
