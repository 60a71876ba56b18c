// The regeneration detector's saved state (schema.h, table regen_state): opaque bytes that
// enforce/ wrote (RegenDetector::SaveState), with the event version they reflect. A cache of a
// replay of the events: valid only while that version is still the store's.
//
// The bytes are split over rows of at most kRegenStatePart bytes (SQLite's and PostgreSQL's
// limits on one value are about 1 GB).
//
// Errors name the database file. Thread safety: uses the Store given; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

inline constexpr size_t kRegenStatePart = size_t{64} << 20;

// Replaces the saved state (inside the caller's transaction, if any).
Status SaveRegenState(Store& store, int64_t version, std::string_view bytes);
// Marks the saved state as reflecting `version` without rewriting its bytes: for a caller
// that knows the events since its version replay to nothing new.
Status SetRegenStateVersion(Store& store, int64_t version);
// Removes it.
Status DeleteRegenState(Store& store);
// The event version of the saved state; nullopt when there is none.
StatusOr<std::optional<int64_t>> RegenStateVersion(Store& store);
// The saved bytes, parts joined in order; Corrupt when parts disagree on their version.
StatusOr<std::string> ReadRegenState(Store& store);

}  // namespace cordon
