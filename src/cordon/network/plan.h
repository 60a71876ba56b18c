// Planning a day of action: which K accounts, bots and chats to take down so that the next
// official release reaches the smallest audience (docs/network.md, "Planning").
//
// The reach model. Carriers are the chats that carry releases; roots get them first-hand
// (official sources, injectors); every other carrier gets them from its supply parents (the
// chats it forwards or re-uploads releases from). A carrier falls silent when it is taken down
// or when all who post in it are: its admins and creators, and the bots used in it (when no
// admin is known: the accounts that posted releases in it). The release reaches a carrier when
// the carrier is neither down nor silent and is a live root or has a reached parent. Supply
// parents come from the releases a chat posts itself or through its admins and bots: forward
// sources when it forwards, else the attributed sources of its re-uploads; a carrier with
// neither gets the official sources. A replacement (a new carrier whose first posts repeat the
// backlog of a chat taken down shortly before, which covers at least half of it and beats every
// other candidate) takes its predecessor's place: it inherits its supply and its first-hand
// access, and supplies the chats the predecessor supplied. Reach is
// the sum of the reached carriers' audiences (subscribers; else an estimate from views or
// joins).
//
// Planning is budgeted node removal that maximises the drop in reach: lazy greedy (CELF) on
// gain per cost and on plain gain (the better of the two is kept), then a swap search that
// replaces a chosen target by another while that lowers the reach. The result lists targets in
// the order they matter most (each next one adds the largest drop), with reasons and evidence.
//
// Thread safety: a ReachGraph is a plain value; functions only read it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cordon/network/graph.h"
#include "cordon/network/roles.h"
#include "cordon/util/status.h"

namespace cordon {
class Progress;
}

namespace cordon::network {

struct ReachNode {
  std::string key;
  NodeKind kind = NodeKind::kUnknown;
  bool carrier = false;  // a chat that carries releases
  bool root = false;     // gets releases first-hand
  bool down = false;     // taken down already
  double audience = 0;
  std::vector<int32_t> posters;          // all of them gone: the carrier falls silent
  std::vector<std::string> poster_refs;  // one reference per poster (why it posts there)
  std::vector<int32_t> parents;          // supply parents
  std::vector<std::string> parent_refs;  // one reference per parent
  std::string role;                      // for reasons: "mirror 0.93"
  std::vector<std::string> evidence;     // role evidence
};

class ReachGraph {
 public:
  // Returns the node of `key`, adding it when new.
  int32_t Add(std::string_view key, NodeKind kind);
  int32_t Find(std::string_view key) const;
  ReachNode& node(int32_t id) { return nodes_[static_cast<size_t>(id)]; }
  const ReachNode& node(int32_t id) const { return nodes_[static_cast<size_t>(id)]; }
  int32_t size() const { return static_cast<int32_t>(nodes_.size()); }
  // Adds a supply link (idempotent) / a poster (idempotent).
  void AddParent(int32_t child, int32_t parent, std::string ref = {});
  void AddPoster(int32_t chat, int32_t poster, std::string ref = {});
  // Call after the last change and before Reach: builds the child lists.
  void Finalize();
  const std::vector<int32_t>& children(int32_t id) const {
    return children_[static_cast<size_t>(id)];
  }

 private:
  std::vector<ReachNode> nodes_;
  std::vector<std::vector<int32_t>> children_;
  std::unordered_map<std::string, int32_t> index_;
};

struct ReachOptions {
  double min_confidence = 0.5;           // carrier and root roles at least this confident
  int64_t min_supply = 2;                // releases a parent passed on ...
  double min_supply_share = 0.25;        // ... or this share of what the chat got from others
  double views_to_audience = 1.0 / 0.6;  // audience estimate from the largest view count
  // Successors: a carrier whose first day (successor_window) reposts at least min_backlog
  // old items (releases a day old or more, or any other content) of a carrier taken down at
  // most successor_gap before it. The predecessor is the chat that explains the backlog best
  // (items matched, times the share of its own posts of that period they cover); it must
  // match at least half of the backlog and beat every other chat taken down, else none is
  // taken (a source carries every release, so it matches any backlog of releases in part).
  int64_t min_backlog = 3;
  TimeMs successor_window = 24LL * 3600 * 1000;
  TimeMs successor_gap = 7LL * 24 * 3600 * 1000;
};

// The reach model of the network as it stands (takedowns as of the network's time).
ReachGraph MakeReachGraph(const Network& net, const Roles& roles, const ReachOptions& options = {});

// The reach with `removed` (per node id, non-zero = removed; may be empty) taken out.
// `reached`, when given, gets per-node flags.
double Reach(const ReachGraph& g, const std::vector<char>& removed,
             std::vector<char>* reached = nullptr);

// Cost of taking down one entity, per kind.
struct Costs {
  double channel = 1, group = 1, user = 1, bot = 1;
  double Of(NodeKind k) const;
};
// "channel=2,group=1,user=0.5,bot=0.2"; also "chat" (channel and group) and "account" (user).
StatusOr<Costs> ParseCosts(std::string_view spec);

struct PlanOptions {
  double budget = 10;  // total cost
  Costs costs;
  bool local_search = true;
  // Upper bound on reach evaluations (each is one pass over the graph).
  int64_t max_evaluations = 3'000'000;
  // Reports the evaluations of each phase (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
};

struct PlanTarget {
  int32_t node = -1;
  std::string key;
  NodeKind kind = NodeKind::kUnknown;
  int rank = 0;  // 1 = most important
  double cost = 0;
  double drop = 0;  // reach drop it adds after the targets ranked above it
  // Why: signal "target", detail = the reason, refs = why it is a carrier or poster (its role's
  // evidence), then the posts and supply links its removal cuts (at most 16).
  Evidence evidence;
};

struct PlanResult {
  std::vector<PlanTarget> targets;
  double reach_before = 0;
  double reach_after = 0;
  double cost = 0;
  int64_t candidates = 0;
  int64_t evaluations = 0;
  std::vector<std::string> unknown;  // EvaluateTargets: keys not in the model (no effect)
  // Plan: why the targets cost less than the budget (empty when the budget was used up, or as
  // near as the targets' costs allow).
  std::string shortfall;
};

PlanResult Plan(const ReachGraph& g, const PlanOptions& options);

// What-if: the reach before and after removing the given entities, each with its reason and
// the drop it adds in the order given. Keys the model does not hold change nothing and are
// listed in `unknown`.
PlanResult EvaluateTargets(const ReachGraph& g, const std::vector<std::string>& keys,
                           const Costs& costs = {});

// Reads a target list for EvaluateTargets: a JSON array of keys, a JSON object with
// "targets": [keys or {"entity": key}] (a plan's own output), or plain text with one key per
// line ('#' starts a comment). Errors name the file and the line or byte offset.
StatusOr<std::vector<std::string>> ParseTargetList(std::string_view text, const std::string& file);

// Explains an ordered removal list: fills rank, drop, reason and evidence of each target.
void Explain(const ReachGraph& g, std::vector<PlanTarget>& targets);

}  // namespace cordon::network
