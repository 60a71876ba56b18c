// Typed reads for the network build (network/build.h) beyond the replay (store/replay.h): when
// each entity was first seen, takedowns in a period, the time of the last event.
//
// Errors name the database file. Thread safety: uses the Store given; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// Each entity first seen at or before `until`, as an entity event at its first sighting with
// what the entities table holds of it (kind, subscribers, creator, creation time; no name:
// the replay gives names at the times they were seen). Ordered by key.
StatusOr<std::vector<EntityEvent>> ReadEntitySightings(Store& store, TimeMs until);

// Entities taken down in [from, to), each once, ordered by their first takedown in that
// period, then key.
StatusOr<std::vector<std::string>> FirstTakedownsBetween(Store& store, TimeMs from, TimeMs to);

// The time of the latest message, membership, invite or takedown; NotFound when there is none.
StatusOr<TimeMs> LatestEventTime(Store& store);

}  // namespace cordon
