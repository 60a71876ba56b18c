// Roles in the distribution network, each with a confidence and the evidence behind it
// (docs/network.md, "Roles").
//
//   official     where releases appear first: the first carrier of many content items that
//                then spread to several chats within a day, at a rate (per day active) near
//                the top source's; the root of forward trees
//   injector     posts releases first-hand (no forward header) within minutes of their first
//                appearance, release after release: it gets them off-platform
//   mirror       carries releases repeatedly (>= min_releases), timely (most within a day, with
//                a median delay within hours; or, for a replacement reposting its parent's
//                backlog, releases are most of what it posts) and a good share (min_coverage)
//                of the releases published while it was active
//   hub          a carrier whose posts many other carriers forward
//   distribution_bot  a bot releases are posted through (via_bot) or that administers carriers
//   admin        an account that administers or created carriers; confidence grows with the
//                number of carriers it runs
//
// Benign channels that share a viral image, and journalists who forward a release now and
// then, are told apart by repetition and timeliness over many releases, not by one share: a
// viral image is no release (its first carrier is no official source), one forwarded release
// is below min_releases, and occasional forwards stay below min_coverage.
//
// Confidences are 0.5 when the weakest condition of a role sits exactly at its threshold and
// rise as every condition clears it (a logistic of the smallest log-ratio to threshold); only
// roles at 0.5 or more are assigned. bench/plan_bench.cc measures how well they are calibrated.
//
// Thread safety: pure functions over a const Network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/network/graph.h"

namespace cordon::network {

struct RoleOptions {
  int min_spread = 3;  // carriers within spread_window for a spread item
  TimeMs spread_window = 24LL * 3600 * 1000;
  int min_official_items = 5;  // first appearances of spread items
  // ... and at least this share of the top source's rate (first appearances per day active)
  double official_relative = 0.2;
  int min_releases = 3;       // a mirror carries at least this many releases
  double min_coverage = 0.2;  // ... this share of releases while it was active
  TimeMs max_median_delay = 6LL * 3600 * 1000;
  TimeMs injector_delay = 45LL * 60 * 1000;  // 90th percentile delay of an injector
  double injector_firsthand = 0.9;           // share of its releases posted without a forward
  int min_injector_releases = 10;            // timely ones: p90 of fewer is too noisy
  int min_hub_followers = 3;                 // distinct carriers that forward from a hub
  size_t evidence_sample = 5;                // message keys per role
};

// What roles are decided on, per chat (zero for accounts).
struct ChatFeatures {
  int64_t first_appearances = 0;  // spread items whose first carrier is this chat
  int64_t releases = 0;           // release items carried (its own first appearances excluded)
  int64_t timely = 0;             // ... within spread_window of the release's first appearance
  int64_t firsthand = 0;          // timely ones posted without a forward header
  int64_t opportunities = 0;      // releases first published while this chat was active
  double coverage = 0;            // releases / opportunities
  double median_delay_s = 0;      // delay of timely carries after the first appearance, seconds
  double p90_delay_s = 0;
  double release_share = 0;   // share of its messages that carry releases
  int64_t followers = 0;      // distinct carriers that forward from it
  int64_t carriers_run = 0;   // carriers this account administers (accounts)
  int64_t release_posts = 0;  // release postings sent by or via this account (accounts)
};

// The roles above, in name order (so ordering by Role orders by name, as listings did).
enum class Role { kAdmin, kDistributionBot, kHub, kInjector, kMirror, kOfficial };

// "admin", "distribution_bot", "hub", "injector", "mirror", "official": the names every
// output (text, JSON, CSV, GraphML, GEXF, report) shows.
std::string_view RoleName(Role role);
// The role a name stands for; nullopt for any other text.
std::optional<Role> ParseRole(std::string_view name);

struct RoleAssignment {
  Role role = Role::kAdmin;
  double confidence = 0;  // 0..1
  // Why: signal = the role's name, refs = message keys (or membership references), value = the
  // confidence, detail = the reason (one line, with the numbers).
  Evidence evidence;
};

struct Roles {
  std::vector<std::vector<RoleAssignment>> by_node;  // per node id, highest confidence first
  std::vector<ChatFeatures> features;                // per node id
  std::vector<int32_t> release_items;                // item ids judged releases
  std::vector<int32_t> officials;                    // node ids

  // The name of the node's most confident role ("" when none), and its confidence in a role
  // given by name (0 when it has not that role).
  std::string_view Primary(int32_t node) const;
  double Confidence(int32_t node, std::string_view role) const;
};

// The roles that make a chat a carrier of releases.
bool IsCarrierRole(Role role);

Roles AssignRoles(const Network& net, const RoleOptions& options = {});

}  // namespace cordon::network
