// Typed reads of the takedowns the store holds (the `takedowns` table: stream events and the
// ledger's decisions applied to it).
//
// Thread safety: as Store (one thread at a time per connection).
#pragma once

#include <string_view>

#include "cordon/store/store.h"

namespace cordon {

// Whether the store holds a takedown (not a reinstatement) of `entity` at `time`.
StatusOr<bool> HasTakedownAt(Store& store, std::string_view entity, TimeMs time);

}  // namespace cordon
