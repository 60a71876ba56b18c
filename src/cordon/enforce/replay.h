// Replays a store as events in time order, for the stages that run causally over the stream
// (the regeneration detector) and must give on a replay what they gave during ingest.
//
// What comes back is what the store keeps: an entity event for each entity_names row (with the
// avatar recorded at that time, and the entity's kind, creation time and creator), every
// message with its media and links, memberships, invites (at the first time seen), takedowns and
// reinstatements. Events are ordered by time; within one millisecond by kind (entities,
// invites, memberships, messages, takedowns, reinstatements) and key. Consumers that must not
// depend on that tie order process each millisecond as one batch (RegenDetector does).
//
// Thread safety: uses the store; one thread at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {
class Progress;
}

namespace cordon::enforce {

struct ReplayOptions {
  std::optional<TimeMs> until;  // only events with time <= until
  bool messages = true;         // false: skip messages (faster, for stages that ignore them)
  // Reports the events replayed under this label (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
  std::string progress_label = "replay";
};

// How many events ReplayStore gives (up to `until`).
StatusOr<int64_t> CountReplayEvents(Store& store, std::optional<TimeMs> until = std::nullopt,
                                    bool messages = true);

// Calls fn with every event in order; stops at the first error fn returns.
Status ReplayStore(Store& store, const std::function<Status(const Event&)>& fn,
                   const ReplayOptions& options = {});

}  // namespace cordon::enforce
