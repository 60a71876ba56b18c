// Typed reads of the stored matches (the `matches` table, content/matcher.h writes them).
//
// Thread safety: as Store (one thread at a time per connection).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cordon/store/store.h"

namespace cordon {

struct StoredMatch {
  std::string message;
  int64_t media_idx = -1;  // -1: the text
  std::string bank, signal_type, signal;
  int64_t distance = 0;
  std::string query;
  std::string label;
  bool has_label = false;
  std::string chat;  // "" when unknown
  int64_t time = 0;  // 0 when unknown
};

struct ChatMatches {
  std::string chat, bank;
  int64_t matches = 0, first = 0, last = 0, min_distance = 0, max_distance = 0, signals = 0;
};

// Messages with at least one stored match.
StatusOr<int64_t> CountMatchedMessages(Store& store);

// Every stored match (of `bank`, or of all banks when empty), ordered by time, message, media,
// bank, signal type and signal.
Status ForEachMatch(Store& store, const std::string& bank,
                    const std::function<void(const StoredMatch&)>& fn);

// Matches summed per chat and bank (of `bank`, or all when empty), ordered by chat and bank.
Status ForEachChatMatches(Store& store, const std::string& bank,
                          const std::function<void(const ChatMatches&)>& fn);

}  // namespace cordon
