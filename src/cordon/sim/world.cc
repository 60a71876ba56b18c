// The simulated world: who exists, who posts what, who is taken down and who comes back.
//
// Day by day: (1) structure - scheduled creations, everyday takedowns drawn from daily hazards,
// the day of action, regenerations and top-ups, all processed in time order; (2) content -
// releases and their spread through the mirror network, group chatter, adverts for
// replacements, backlog reposts, migration links, the benign population's posts and forwards;
// (3) flush - the day's events sorted by time, message ids assigned, written to events.ndjson
// and to the researcher's Telegram exports. Only per-entity state outlives a day.
//
// The generator is World (world_impl.h), its data WorldState (world_state.h); this file holds
// the day loop, the other world_*.cc files one concern each.
#include "cordon/sim/world.h"

#include "cordon/content/video.h"

#include <cstdio>
#include <memory>
#include <string>

#include "cordon/sim/world_impl.h"
#include "cordon/sim/world_truth.h"
#include "cordon/util/progress.h"

namespace cordon::sim {
namespace world {

Status World::Run() {
  const std::string events_path = cfg_.options.out_dir + "/events.ndjson";
  events_ = std::fopen(events_path.c_str(), "wb");
  if (events_ == nullptr) return Status::IoError("cannot create file", Location{events_path});
  Status s = Init();
  ProgressStep step(cfg_.options.progress, "simulate", cfg_.days, "days");
  for (int day = 0; s.ok() && day < cfg_.days; ++day) {
    const TimeMs day_start = cfg_.start_ms + day * kDay;
    StructurePass(day);
    ContentPass(day, day_start, day_start + kDay);
    s = Flush(day);
    if (s.ok()) s = error_;
    step.Advance();
  }
  if (std::fclose(events_) != 0 && s.ok())
    s = Status::IoError("cannot close", Location{events_path});
  events_ = nullptr;
  RETURN_IF_ERROR(s);
  for (auto& w : exports_) {
    summary_.export_messages += w->messages();
    RETURN_IF_ERROR(w->Close());
  }
  summary_.exports = static_cast<int64_t>(exports_.size());
  summary_.media_files = render_.media().files();
  summary_.media_bytes = render_.media().bytes_written();
  summary_.video_files = render_.media().video_files();
  summary_.videos_unsupported = cfg_.options.media != MediaMode::kNone && !VideoSupported();
  for (const Destination& d : st_.destinations)
    summary_.migration_links += d.network && d.first != kNever;
  return WriteTruth(cfg_.options.out_dir + "/truth.json", cfg_, summary_, st_, render_.media());
}

}  // namespace world

Status RunWorld(const WorldConfig& cfg, SimSummary& summary) {
  auto w = std::make_unique<world::World>(cfg, summary);
  return w->Run();
}

}  // namespace cordon::sim
