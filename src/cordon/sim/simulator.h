// The platform simulator behind `cordon simulate` and `cordon demo`.
//
// Simulate() writes a synthetic world to an output directory (docs/simulation.md):
//   events.ndjson            the platform's complete view, cordon events v1, in time order
//   telegram/<id>/result.json Telegram Desktop exports of the chats a researcher joined
//   media/                   the images messages carry (originals and edited copies)
//   truth.json               roles, mirror relations, regenerations, key actors, migration
//                            links and the parameters used; detectors never read it
//   cordon-sim-manifest.json every file and directory the run wrote (sim/manifest.h)
//
// The output is a pure function of the options: the same options give byte-identical files.
// Memory stays bounded whatever the number of days: events are generated, sorted and written
// one day at a time; only per-entity state is kept.
//
// Thread safety: Simulate() may run concurrently on different output directories.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cordon/util/status.h"

namespace cordon {
class Progress;
}

namespace cordon::sim {

enum class Scale { kSmall, kMedium, kLarge };
std::optional<Scale> ParseScale(std::string_view s);
std::string_view ScaleName(Scale s);

// Which day of action to stage: the strong one of Nov 2019 (the default), a weak one shaped
// like Oct 2018, or none (only the everyday takedowns).
enum class ActionPreset { kNov2019, kOct2018, kNone };
std::optional<ActionPreset> ParseActionPreset(std::string_view s);
std::string_view ActionPresetName(ActionPreset a);

// kFiles: write every image to DIR/media and the exports' photos; kHashes: encode and hash
// images in memory only (messages carry hashes, no paths); kNone: no image work at all (media
// carry kind and digests of a stand-in, no PDQ). kNone is for quick statistical runs.
enum class MediaMode { kFiles, kHashes, kNone };
std::optional<MediaMode> ParseMediaMode(std::string_view s);
std::string_view MediaModeName(MediaMode m);

struct SimOptions {
  std::string out_dir;
  uint64_t seed = 1;
  Scale scale = Scale::kMedium;
  std::string start = "2019-10-01";  // first simulated day (UTC)
  int days = 0;                      // 0: the scale's default (90)
  // First day of action (it lasts two days). Empty: 2019-11-22 when the window holds it with
  // two days to spare, else the middle of the window.
  std::string action_date;
  ActionPreset action = ActionPreset::kNov2019;
  MediaMode media = MediaMode::kFiles;
  bool telegram_exports = true;
  // Replace earlier simulator output in out_dir: removes what its manifest lists, and refuses
  // (removing nothing) when anything under events.ndjson, truth.json, media/ or telegram/ is
  // not listed there. Without it a non-empty out_dir is refused.
  bool overwrite = false;
  // Parameter overrides by name, applied in order after the scale's and the action's defaults
  // (docs/simulation.md lists them): {"action.activity", 0.5}, {"dyn.hazard_bot", 0.2} ...
  std::vector<std::pair<std::string, double>> params;
  // A named parameter family (sim/families.h), applied before `params`; empty: none.
  std::string family;
  // Reports the days simulated (util/progress.h); borrowed, null: silent. Changes no output.
  Progress* progress = nullptr;
};

// What a run wrote, for the CLI's summary and for `cordon demo`.
struct SimSummary {
  std::string out_dir;
  std::string scale;
  uint64_t seed = 0;
  std::string start;  // first day, YYYY-MM-DD
  std::string end;    // last day
  int days = 0;
  std::vector<std::string> action_days;
  std::string action;
  int64_t events = 0;
  int64_t entities = 0;  // entity events (first sightings)
  int64_t network_entities = 0;
  int64_t messages = 0;
  int64_t forwarded = 0;
  int64_t members = 0;
  int64_t invites = 0;
  int64_t takedowns = 0;
  int64_t reinstatements = 0;
  int64_t regenerations = 0;
  int64_t migration_links = 0;
  int64_t media_files = 0;
  int64_t media_bytes = 0;
  int64_t video_files = 0;  // of media_files (or kept in memory with --media hashes): videos
  // True when the build cannot encode videos (content/video.h): video releases were images.
  bool videos_unsupported = false;
  int64_t exports = 0;  // Telegram export files
  int64_t export_messages = 0;
  int64_t events_bytes = 0;  // size of events.ndjson
};

Status Simulate(const SimOptions& options, SimSummary* summary = nullptr);

// One paragraph describing what was written.
std::string SummaryText(const SimSummary& s);

}  // namespace cordon::sim
