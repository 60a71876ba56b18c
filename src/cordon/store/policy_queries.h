// Typed reads for planning a policy (enforce/policy.h): known-content matches per chat, the
// stored kinds of entities, and whether the ledger holds an entry already.
//
// Errors name the database file. Thread safety: uses the Store given; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/model/evidence.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// Which stored matches count (table matches): only those with a chat, and of these the ones
// from `banks` (empty: any bank) within `max_distance` (negative: any distance).
struct MatchFilter {
  std::vector<std::string> banks;
  int max_distance = -1;
};

// The matches of one chat that pass a MatchFilter (for planning; match_queries.h has the
// per-bank summary).
struct ChatPolicyMatches {
  std::string chat;
  int64_t messages = 0;        // distinct messages matched
  int64_t min_distance = 0;    // the closest match
  std::optional<TimeMs> last;  // time of the latest match, when the matches record one
  std::string banks;           // the distinct banks matched, comma-separated
};

// One summary per chat with a passing match, ordered by chat.
StatusOr<std::vector<ChatPolicyMatches>> MatchesByChat(Store& store, const MatchFilter& filter);
// Up to `limit` distinct messages of `chat` with a passing match, in key order, each as the
// evidence of its closest passing match (MatchEvidence, match_table.h; no time when the match
// recorded none).
StatusOr<std::vector<Evidence>> MatchedMessageEvidence(Store& store, const MatchFilter& filter,
                                                       const std::string& chat, size_t limit);
// Their keys.
StatusOr<std::vector<std::string>> MatchedMessages(Store& store, const MatchFilter& filter,
                                                   const std::string& chat, size_t limit);

// The stored kind of each of `keys` (same order); nullopt for an entity the store does not
// hold or whose kind it cannot read.
StatusOr<std::vector<std::optional<EntityKind>>> StoredEntityKinds(
    Store& store, const std::vector<std::string>& keys);

// Whether the ledger holds an entry for `entity` with this action and ref.
StatusOr<bool> LedgerHasEntry(Store& store, const std::string& entity, std::string_view action,
                              const std::string& ref);

}  // namespace cordon
