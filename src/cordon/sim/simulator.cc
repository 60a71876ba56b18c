#include "cordon/sim/simulator.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cordon/sim/families.h"
#include "cordon/sim/manifest.h"
#include "cordon/sim/params.h"
#include "cordon/sim/world.h"
#include "cordon/util/time.h"

namespace cordon::sim {
namespace fs = std::filesystem;

namespace {

StatusOr<int64_t> ParseDay(const std::string& s, std::string_view what) {
  auto t = ParseRfc3339Ms(s + "T00:00:00Z");
  if (s.size() != 10 || !t) {
    return Status::InvalidArgument(std::string(what) + " must be a date YYYY-MM-DD, got '" + s +
                                   "'");
  }
  return *t;
}

Status PrepareDir(const SimOptions& o) {
  std::error_code ec;
  if (fs::exists(o.out_dir, ec)) {
    if (!fs::is_directory(o.out_dir, ec)) {
      return Status::InvalidArgument("output path exists and is not a directory",
                                     Location{o.out_dir});
    }
    if (!fs::is_empty(o.out_dir, ec)) {
      if (!o.overwrite) {
        return Status::InvalidArgument(
            "output directory is not empty (use --overwrite to replace earlier simulator output)",
            Location{o.out_dir});
      }
      RETURN_IF_ERROR(RemovePreviousOutput(o.out_dir));
    }
  } else {
    fs::create_directories(o.out_dir, ec);
    if (ec) return Status::IoError("cannot create directory: " + ec.message(), Location{o.out_dir});
  }
  return Status::Ok();
}

std::string Num(int64_t n) {
  // 1234567 -> "1,234,567": summaries are read by people.
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return n < 0 ? "-" + s : s;
}

}  // namespace

std::optional<Scale> ParseScale(std::string_view s) {
  if (s == "small") return Scale::kSmall;
  if (s == "medium") return Scale::kMedium;
  if (s == "large") return Scale::kLarge;
  return std::nullopt;
}
std::string_view ScaleName(Scale s) {
  switch (s) {
    case Scale::kSmall:
      return "small";
    case Scale::kMedium:
      return "medium";
    case Scale::kLarge:
      return "large";
  }
  return "unknown";
}
std::optional<ActionPreset> ParseActionPreset(std::string_view s) {
  if (s == "nov2019") return ActionPreset::kNov2019;
  if (s == "oct2018") return ActionPreset::kOct2018;
  if (s == "none") return ActionPreset::kNone;
  return std::nullopt;
}
std::string_view ActionPresetName(ActionPreset a) {
  switch (a) {
    case ActionPreset::kNov2019:
      return "nov2019";
    case ActionPreset::kOct2018:
      return "oct2018";
    case ActionPreset::kNone:
      return "none";
  }
  return "unknown";
}
std::optional<MediaMode> ParseMediaMode(std::string_view s) {
  if (s == "files") return MediaMode::kFiles;
  if (s == "hashes") return MediaMode::kHashes;
  if (s == "none") return MediaMode::kNone;
  return std::nullopt;
}
std::string_view MediaModeName(MediaMode m) {
  switch (m) {
    case MediaMode::kFiles:
      return "files";
    case MediaMode::kHashes:
      return "hashes";
    case MediaMode::kNone:
      return "none";
  }
  return "unknown";
}

Status Simulate(const SimOptions& options, SimSummary* summary) {
  if (options.out_dir.empty()) return Status::InvalidArgument("no output directory given");
  WorldConfig cfg;
  cfg.options = options;
  cfg.scale = ScaleDefaults(options.scale);
  cfg.action = ActionDefaults(options.action);
  if (!options.family.empty()) {
    ASSIGN_OR_RETURN(const SimFamily* family, FindSimFamily(options.family));
    for (const auto& [name, value] : family->settings) {
      RETURN_IF_ERROR(SetParam(cfg.scale, cfg.dyn, cfg.action, name, value));
    }
  }
  for (const auto& [name, value] : options.params) {
    RETURN_IF_ERROR(SetParam(cfg.scale, cfg.dyn, cfg.action, name, value));
  }
  const DynamicsParams& dp = cfg.dyn;
  if (dp.naming_numbering + dp.naming_homoglyph + dp.naming_separator + dp.naming_emoji +
          dp.naming_transliteration + dp.naming_unrelated <=
      0) {
    return Status::InvalidArgument("parameters dyn.naming_*: at least one must be above 0");
  }
  // Factors of 1 leave the counts alone (no rounding).
  if (dp.bot_factor != 1) {
    cfg.scale.bots = static_cast<int>(std::lround(cfg.scale.bots * dp.bot_factor));
  }
  if (dp.supporter_factor != 1) {
    cfg.scale.supporters =
        static_cast<int>(std::lround(cfg.scale.supporters * dp.supporter_factor));
  }
  ASSIGN_OR_RETURN(cfg.start_ms, ParseDay(options.start, "--start"));
  cfg.days = options.days > 0 ? options.days : cfg.scale.days;
  if (options.days < 0 || cfg.days > 3660) {
    return Status::InvalidArgument("--days must be between 1 and 3660");
  }
  // The day of action: as asked, else 22 Nov 2019 when the window holds both days, else the
  // middle of the window.
  if (cfg.action.enabled) {
    int64_t day_ms;
    if (!options.action_date.empty()) {
      ASSIGN_OR_RETURN(day_ms, ParseDay(options.action_date, "--action-date"));
    } else {
      day_ms = *ParseRfc3339Ms("2019-11-22T00:00:00Z");
      if (day_ms < cfg.start_ms || day_ms + kDayMs >= cfg.start_ms + cfg.days * kDayMs) {
        day_ms = cfg.start_ms + (cfg.days / 2) * kDayMs;
      }
    }
    if (day_ms < cfg.start_ms || day_ms >= cfg.start_ms + cfg.days * kDayMs) {
      return Status::InvalidArgument("the day of action " + FormatDate(day_ms) +
                                     " is outside the simulated window");
    }
    cfg.action_day = static_cast<int>((day_ms - cfg.start_ms) / kDayMs);
  }
  RETURN_IF_ERROR(PrepareDir(options));

  SimSummary local;
  SimSummary& s = summary ? *summary : local;
  s = SimSummary{};
  s.out_dir = options.out_dir;
  s.scale = std::string(ScaleName(options.scale));
  s.seed = options.seed;
  s.start = FormatDate(cfg.start_ms);
  s.end = FormatDate(cfg.start_ms + (cfg.days - 1) * kDayMs);
  s.days = cfg.days;
  s.action = std::string(ActionPresetName(options.action));
  if (cfg.action_day >= 0) {
    for (int k = 0; k < 2 && cfg.action_day + k < cfg.days; ++k) {
      s.action_days.push_back(FormatDate(cfg.start_ms + (cfg.action_day + k) * kDayMs));
    }
  }
  // The manifest records what the run wrote even when it failed part way, so that a later
  // --overwrite can clear it.
  Status run = RunWorld(cfg, s);
  Status manifest = WriteManifest(options.out_dir);
  return run.ok() ? manifest : run;
}

std::string SummaryText(const SimSummary& s) {
  std::string t = "Simulated " + std::to_string(s.days) + " days (" + s.start + " to " + s.end +
                  ", scale " + s.scale + ", seed " + std::to_string(s.seed) + ")";
  if (!s.action_days.empty()) {
    t += " with a " + s.action + " day of action on " + s.action_days.front();
    if (s.action_days.size() > 1) t += " and " + s.action_days.back();
  }
  t += ". " + s.out_dir + "/events.ndjson holds " + Num(s.events) + " events (" +
       Num(s.events_bytes >> 20) + " MiB): " + Num(s.entities) + " entities (" +
       Num(s.network_entities) + " in the network), " + Num(s.messages) + " messages (" +
       Num(s.forwarded) + " forwarded), " + Num(s.members) + " memberships, " + Num(s.invites) +
       " invite links, " + Num(s.takedowns) + " takedowns and " + Num(s.reinstatements) +
       " reinstatements; " + Num(s.regenerations) + " regenerations and " + Num(s.migration_links) +
       " migration destinations are recorded in truth.json. ";
  if (s.media_files > 0) {
    t += Num(s.media_files) + " media files (" + Num(s.media_bytes >> 10) + " KiB";
    if (s.video_files > 0) t += ", " + Num(s.video_files) + " of them short videos";
    t += ") are in media/. ";
  }
  if (s.videos_unsupported) {
    t += "This build of cordon has no video support (FFmpeg), so the releases that would be "
         "videos are images. ";
  }
  if (s.exports > 0) {
    t += Num(s.exports) + " Telegram Desktop exports (" + Num(s.export_messages) +
         " messages) are in telegram/.";
  }
  return t;
}

}  // namespace cordon::sim
