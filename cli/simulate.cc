// cordon simulate --out DIR [--seed N] [--scale small|medium|large] [--start DATE] [--days N]
//                 [--action nov2019|oct2018|none] [--action-date DATE]
//                 [--media files|hashes|none] [--no-exports] [--overwrite] [--family NAME]
//                 [--set NAME=VALUE]...
#include <fmt/core.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "command.h"
#include "cordon/sim/families.h"
#include "cordon/sim/simulator.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    sim::SimOptions opt;
    std::string scale = "medium";
    std::string action = "nov2019";
    std::string media = "files";
    bool no_exports = false;
    bool quiet = false;
    std::vector<std::string> sets;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--out", a->opt.out_dir, "output directory")->required();
  app.add_option("--seed", a->opt.seed, "random seed (same seed, same bytes)")
      ->capture_default_str();
  app.add_option("--scale", a->scale, "small, medium or large")
      ->check(CLI::IsMember({"small", "medium", "large"}))
      ->capture_default_str();
  app.add_option("--start", a->opt.start, "first day, YYYY-MM-DD")->capture_default_str();
  app.add_option("--days", a->opt.days, "number of days (default: 90)");
  app.add_option("--action", a->action, "day of action: nov2019 (strong), oct2018 (weak), none")
      ->check(CLI::IsMember({"nov2019", "oct2018", "none"}))
      ->capture_default_str();
  app.add_option("--action-date", a->opt.action_date,
                 "first day of action (default 2019-11-22 when inside the window, else the "
                 "middle)");
  app.add_option("--media", a->media, "files, hashes (no files) or none")
      ->check(CLI::IsMember({"files", "hashes", "none"}))
      ->capture_default_str();
  app.add_flag("--no-exports", a->no_exports, "skip the Telegram Desktop exports");
  app.add_flag("--overwrite", a->opt.overwrite, "replace earlier simulator output in --out");
  app.add_flag("--quiet,-q", a->quiet, "no progress bar on stderr");
  app.add_option("--set", a->sets,
                 "override a parameter, NAME=VALUE (docs/simulation.md), e.g. action.activity=0.5");
  app.add_option("--family", a->opt.family,
                 "parameter family applied before --set (docs/simulation.md), e.g. unrelated");
  return [a]() -> int {
    for (const std::string& kv : a->sets) {
      auto setting = sim::ParseParamSetting(kv);
      if (!setting.ok()) return Fail(setting.status().ToString());
      a->opt.params.push_back(*std::move(setting));
    }
    a->opt.scale = *sim::ParseScale(a->scale);
    a->opt.action = *sim::ParseActionPreset(a->action);
    a->opt.media = *sim::ParseMediaMode(a->media);
    a->opt.telegram_exports = !a->no_exports;
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    a->opt.progress = progress.get();
    sim::SimSummary summary;
    Status s = sim::Simulate(a->opt, &summary);
    if (!s.ok()) return Fail(s.ToString());
    fmt::print("{}\n", sim::SummaryText(summary));
    return 0;
  };
}

CORDON_COMMAND(kSimulate, "simulate", "Write a synthetic platform: events, exports, media, truth",
               Setup);

}  // namespace
}  // namespace cordon::cli
