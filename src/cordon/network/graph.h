// The distribution network: who carries whose content, who runs which chat, which bots they
// use. Built from events by build.h (incrementally, or by replaying a store as of a time);
// roles.h, communities.h, plan.h and export.h read it. docs/network.md explains each part.
//
// Nodes are entities keyed by entity key (channels, groups, accounts, bots), plus placeholders
// for forward sources known only by a display name ("name:<display name>", kind kName) and bots
// known only as "@name". Edges are typed and directed the way content or control flows:
//
//   forward   source chat  -> chat that forwarded its message (forward header present)
//   reupload  earlier carrier -> chat that posted the same content without a forward header
//   advert    advertising chat -> chat its message links to (username, invite or post link)
//   admin     account (user or bot) -> chat it administers or created
//   bot       bot -> chat whose messages were sent via it (via_bot)
//   post      account -> chat it posted in (only where the sender is not the chat itself)
//
// Every edge carries its evidence: a count, the first and last time, and a bounded sample of
// references (message keys, or membership records) that justify it.
//
// Content items: messages that carry the same content (a match to the same known-content bank
// entry, same SHA-256, PDQ within distance, or a near-identical long text) are one item; each item
// keeps its carriers, one per chat, in time order. Roles and planning read them.
//
// Ownership and thread safety: a Network is a plain value; a const Network may be read from
// any number of threads.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/model/evidence.h"

namespace cordon::network {

inline constexpr TimeMs kNoTime = std::numeric_limits<TimeMs>::min();

enum class NodeKind : uint8_t { kUnknown, kChannel, kGroup, kUser, kBot, kName };
std::string_view NodeKindName(NodeKind k);  // unknown, channel, group, user, bot, name
inline bool IsChat(NodeKind k) { return k == NodeKind::kChannel || k == NodeKind::kGroup; }
inline bool IsAccount(NodeKind k) { return k == NodeKind::kUser || k == NodeKind::kBot; }
NodeKind NodeKindFromEntity(EntityKind k);

enum class EdgeKind : uint8_t { kForward, kReupload, kAdvert, kAdmin, kBot, kPost };
inline constexpr int kEdgeKinds = 6;
std::string_view EdgeKindName(EdgeKind k);  // forward, reupload, advert, admin, bot, post

// The references behind an edge, each a cordon::Evidence (model/evidence.h): `signal` says how
// it was found (forward, forward_name, sha256, pdq:<distance>, text:<distance>,
// link:<normalised link>, via_bot, admin, creator, sender, or a membership action); `refs[0]` is
// a message key, for admin edges "member <chat> <user> <action>" or "entity <chat> creator";
// for a re-upload (and a forward whose source message is known) `refs[1]` is the earlier
// message it repeats; `time` is always set.
struct EdgeEvidence {
  int64_t count = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  std::vector<Evidence> sample;  // the first `cap` references, in the order they arrived

  void Add(Evidence r, size_t cap);
};

struct Node {
  std::string key;
  NodeKind kind = NodeKind::kUnknown;
  std::string name;
  std::string username;
  std::optional<int64_t> subscribers;
  std::string creator;  // entity key from the entity record, when known
  TimeMs first_seen = kNoTime;
  TimeMs first_active = kNoTime;  // first message in this chat or by this account
  TimeMs last_active = kNoTime;   // last one
  // Takedown state as of the network's time.
  bool down = false;
  TimeMs down_since = kNoTime;
  int32_t takedowns = 0;
  // Activity.
  int64_t messages = 0;   // messages in this chat
  int64_t sent = 0;       // messages this account sent (as `from`, not counting a chat itself)
  int64_t forwarded = 0;  // messages in this chat that carry a forward header
  int64_t views_max = 0;  // largest view count seen on a message in this chat
  int64_t members = 0;    // join events seen
  bool merged = false;    // a placeholder merged into another node; ignore it
};

struct Edge {
  int32_t from = -1;
  int32_t to = -1;
  EdgeKind kind = EdgeKind::kForward;
  EdgeEvidence evidence;
  // Admin edges end when the account leaves or is banned from the chat.
  bool active = true;
};

// One chat's first posting of a content item.
struct Carrier {
  int32_t chat = -1;
  int32_t sender = -1;   // the account that posted it, -1 when the chat itself or unknown
  int32_t via_bot = -1;  // the bot it was sent via, -1 when none
  int32_t source = -1;   // forward source, or the attributed earlier carrier of a re-upload
  TimeMs time = 0;
  bool forwarded = false;
  std::string message;  // message key
};

struct ContentItem {
  std::vector<Carrier> carriers;  // one per chat, in time order; carriers[0] is the origin
  int64_t postings = 0;           // every message that carried it, repeats included
  // The first known-content bank entry it matched ("bank/signal_type/signal"), or empty.
  std::string known;
};

class Network {
 public:
  // Nodes and edges, including merged placeholders (skip nodes with `merged`).
  const std::vector<Node>& nodes() const { return nodes_; }
  // Edges removed by a merge have from = to = -1: skip them.
  const std::vector<Edge>& edges() const { return edges_; }
  const std::vector<ContentItem>& items() const { return items_; }
  const Node& node(int32_t id) const { return nodes_[static_cast<size_t>(id)]; }
  const Edge& edge(int32_t id) const { return edges_[static_cast<size_t>(id)]; }

  // Node id of a key (after merges, the node it was merged into), or -1.
  int32_t Find(std::string_view key) const;
  // Edge id of (from, to, kind), or -1.
  int32_t FindEdge(int32_t from, int32_t to, EdgeKind kind) const;
  // Edge ids leaving / entering a node, in creation order.
  const std::vector<int32_t>& OutEdges(int32_t node) const {
    return out_[static_cast<size_t>(node)];
  }
  const std::vector<int32_t>& InEdges(int32_t node) const { return in_[static_cast<size_t>(node)]; }

  // The time of the latest event applied (the network's "now").
  TimeMs time() const { return time_; }
  int64_t events() const { return events_; }

  // A canonical text form, one line per node, edge and item, sorted: for tests and diffs.
  std::string Dump() const;

 private:
  friend class NetworkBuilder;
  int32_t AddNode(std::string key, NodeKind kind);
  // Returns the edge, creating it when new.
  Edge& TouchEdge(int32_t from, int32_t to, EdgeKind kind);
  // Moves every edge and reference of placeholder `from` to `into`; samples keep `cap` refs.
  void MergeNode(int32_t from, int32_t into, size_t cap);

  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<ContentItem> items_;
  std::vector<std::vector<int32_t>> out_, in_;
  std::unordered_map<std::string, int32_t> by_key_;
  // Per kind: (from << 32 | to) -> edge id.
  std::unordered_map<uint64_t, int32_t> edge_index_[kEdgeKinds];
  TimeMs time_ = kNoTime;
  int64_t events_ = 0;
};

}  // namespace cordon::network
