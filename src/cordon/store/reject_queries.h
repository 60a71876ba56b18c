// Typed reads of the records ingest rejected (the `rejects` table).
//
// Thread safety: as Store (one thread at a time per connection).
#pragma once

#include <functional>
#include <string>

#include "cordon/store/store.h"

namespace cordon {

struct StoredReject {
  Location where;
  std::string reason;
};

// Every reject, ordered by file, line and offset.
Status ForEachReject(Store& store, const std::function<void(const StoredReject&)>& fn);

}  // namespace cordon
