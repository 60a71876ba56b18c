// Replays a store as events in time order, for the stages that run causally over the stream
// (the regeneration detector, the network build) and must give on a replay what they gave
// during ingest. This is the one place where stored rows turn back into events.
//
// What ReplayStore gives back is what the store keeps: an entity event for each entity_names
// row (with the avatar recorded at that time, and the entity's kind, creation time and
// creator), every message with its media and links, memberships, invites (at the first time
// seen), takedowns and reinstatements. Events are ordered by time; within one millisecond by
// kind (entities, invites, memberships, messages, takedowns, reinstatements) and key.
// Consumers that must not depend on that tie order process each millisecond as one batch
// (RegenDetector does).
//
// MessageReader reads the messages alone (ReplayStore uses it), in either tie order, with the
// known-content matches stored for each when asked.
//
// Errors name the database file. Thread safety: everything here uses the Store given, so one
// thread at a time; a MessageReader borrows its Store and must not outlive it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

class Progress;

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

// A message's match against a bank of known content (content/matcher.h, table matches).
struct KnownMatch {
  int media_idx = -1;  // -1: the text
  std::string bank;
  std::string signal_type;  // pdq, md5, sha256, text
  std::string signal;       // the bank entry matched
  int distance = 0;
  std::string label;
};

// How messages of one millisecond are ordered: by key (ReplayStore), or in the order the
// store received them (the network build).
enum class MessageOrder { kByKey, kArrival };

struct MessageReadOptions {
  std::optional<TimeMs> until;  // only messages with time <= until
  MessageOrder order = MessageOrder::kByKey;
  bool matches = false;  // also read each message's known-content matches
};

// How many messages have time <= until.
StatusOr<int64_t> CountMessages(Store& store, std::optional<TimeMs> until = std::nullopt);

// Reads messages in time order, each with its media and links (in their stored order).
class MessageReader {
 public:
  // Borrows `store` until destroyed; reads nothing yet.
  static StatusOr<std::unique_ptr<MessageReader>> Open(Store& store,
                                                       const MessageReadOptions& options = {});
  ~MessageReader();
  MessageReader(const MessageReader&) = delete;
  MessageReader& operator=(const MessageReader&) = delete;

  // Reads the next message into *m (overwritten) and, when the options ask for matches and
  // `matches` is not null, its matches (ordered by media index, bank, signal type, signal) into
  // *matches (cleared first). False at the end or on an error: then check status().
  bool Next(MessageEvent* m, std::vector<KnownMatch>* matches = nullptr);
  const Status& status() const { return status_; }

 private:
  struct Statements;
  explicit MessageReader(std::unique_ptr<Statements> st);
  std::unique_ptr<Statements> st_;
  Status status_;
};

}  // namespace cordon
