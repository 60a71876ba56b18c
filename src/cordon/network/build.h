// Building the network: incrementally from events as they arrive (NetworkBuilder), or from a
// store as it stood at a time (BuildNetwork replays the store through a NetworkBuilder, so both
// give the same network for the same events).
//
// What each event adds (docs/network.md):
//   entity   the node's kind, names, subscribers; an admin edge from its creator
//   message  a forward edge (by source key, else by resolving the source's display name, else
//            to a "name:<display name>" placeholder); a re-upload edge when its content (a match
//            to the same known-content bank entry, SHA-256, PDQ within distance, or a
//            near-identical long text) appeared first in another chat
//            within the re-upload window and it has no forward header; advert edges for links to
//            chats (usernames, invite links resolved through invite events, post links); a bot
//            edge for via_bot; a post edge from a sender other than the chat itself
//   member   admin edges (admin, creator), ended by leave or ban; join counts
//   invite   resolves invite links, also ones advertised before the invite was seen
//   takedown / reinstate   the node's takedown state
//
// A re-upload's source is the earlier carrier the chat already forwards from, when one carried
// the content before it (its known upstream), else the content's first carrier.
//
// Thread safety: a NetworkBuilder is used by one thread at a time.
#pragma once

#include <memory>
#include <optional>

#include "cordon/model/event.h"
#include "cordon/network/graph.h"
#include "cordon/store/replay.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {
class Progress;
}

namespace cordon::network {

struct BuildOptions {
  // Replay only events at or before this time (BuildNetwork); empty: every event.
  std::optional<TimeMs> as_of;
  // A copy without a forward header counts as a re-upload when posted within this long after
  // the content first appeared.
  TimeMs reupload_window = 48LL * 3600 * 1000;
  int pdq_distance = 31;       // PDQ match threshold (the authors' recommendation)
  int text_distance = 3;       // SimHash bits for a text near-match
  int text_min_words = 8;      // shorter texts are not matched (too many accidental twins)
  size_t evidence_sample = 8;  // references kept per edge
  // Pending adverts to links not yet resolved are kept up to this many.
  size_t max_pending_links = 1 << 20;
  // BuildNetwork reports the events replayed here (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
};

// A message's match against a bank of known content (store/replay.h).
using KnownMatch = ::cordon::KnownMatch;

// The replay order: time, then event type (entity, invite, member, message, takedown,
// reinstate), then the event's key. Messages at the same time keep their arrival order.
bool EventBefore(const Event& a, const Event& b);

class NetworkBuilder {
 public:
  explicit NetworkBuilder(BuildOptions options = {});
  ~NetworkBuilder();
  NetworkBuilder(NetworkBuilder&&) noexcept;
  NetworkBuilder& operator=(NetworkBuilder&&) noexcept;

  // Applies one event. Feed events in EventBefore order for results that do not depend on
  // arrival order; an out-of-order event is still applied.
  void Add(const Event& event);
  // The same, with the message's known-content matches: messages that match the same bank
  // entry carry the same content item, whatever their own hashes say.
  void Add(const Event& event, const std::vector<KnownMatch>& matches);

  // The network so far; valid until the next Add.
  const Network& network() const;
  // Moves the network out; the builder is spent afterwards.
  Network Take();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Replays the store's events up to options.as_of in EventBefore order, each message with its
// stored known-content matches. Entities come back
// with their latest stored fields (subscribers are not versioned); names at the times they
// were seen. Calls store.EnsureAnalysisIndexes().
StatusOr<Network> BuildNetwork(Store& store, const BuildOptions& options = {});

// Entities taken down in [from, to), in time order, each once.
StatusOr<std::vector<std::string>> TakedownsBetween(Store& store, TimeMs from, TimeMs to);

// The time of the store's last event (messages, memberships, invites, takedowns), or
// kNotFound when the store holds none.
StatusOr<TimeMs> LastEventTime(Store& store);

}  // namespace cordon::network
