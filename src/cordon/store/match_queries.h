// Typed reads of the stored matches (the `matches` table, content/matcher.h writes them).
//
// Thread safety: as Store (one thread at a time per connection).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

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
// bank, signal type and signal; from the `offset`th, at most `limit` (-1: all).
Status ForEachMatch(Store& store, const std::string& bank,
                    const std::function<void(const StoredMatch&)>& fn, int64_t offset = 0,
                    int64_t limit = -1);
// The matches of messages stored after message row `after_message_id` (the messages table's
// id grows with every new message, so it is a cursor for the service's stream), with the id
// of each match's message, by that id; at most `limit`. Matches a rescan adds to older
// messages are not among them.
StatusOr<std::vector<std::pair<int64_t, StoredMatch>>> MatchesAfterMessage(Store& store,
                                                                           int64_t after_message_id,
                                                                           int64_t limit);
// The highest message row id (0 when there is none).
StatusOr<int64_t> LastMessageId(Store& store);

// One JSON object per match and per chat summary: what `cordon match --json` prints per line
// and GET /v1/matches lists.
void AppendMatchJson(std::string& out, const StoredMatch& m);
void AppendChatMatchesJson(std::string& out, const ChatMatches& c);

// Matches summed per chat and bank (of `bank`, or all when empty), ordered by chat and bank.
Status ForEachChatMatches(Store& store, const std::string& bank,
                          const std::function<void(const ChatMatches&)>& fn);

}  // namespace cordon
