// Typed reads of stored media hashes (the `media` table).
//
// Thread safety: as Store (one thread at a time per connection).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cordon/store/store.h"

namespace cordon {

struct StoredMediaHashes {
  std::optional<std::string> pdq;
  std::optional<std::string> sha256;
  std::optional<std::string> vpdq;  // videos: ThreatExchange's vPDQ signal (content/vpdq.h)
};

// The hashes of the media posted in `chat`, in the order of the messages' time.
StatusOr<std::vector<StoredMediaHashes>> MediaHashesOfChat(Store& store, const std::string& chat);

}  // namespace cordon
