// Typed reads for the impact analysis (analysis/impact.h) and the report (report/report.h).
//
// Days are UTC day numbers: floor(time / 86400000), negative times included. A post counts as
// forwarded when it has a forward header naming a chat, a message or a display name.
//
// The impact cohort is a temporary table of this connection (BuildImpactCohort); the Cohort*
// reads need it built first. Reads of the regeneration detections go to the temporary table
// that shadows them when there is one (store/detection_table.h).
//
// Errors name the database file. Thread safety: uses the Store given; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// ---------------------------------------------------------------- impact

struct ImpactCohort {
  // "matches": the chats that carried known content, and the detected replacements;
  // "takedowns": when no chat did, the channels and groups taken down at least once.
  std::string how;
  int64_t chats = 0;
};
// (Re)builds this connection's cohort of network chats and says how it was found.
StatusOr<ImpactCohort> BuildImpactCohort(Store& store);

// The earliest and latest time of a message or takedown; nullopt when there is none.
struct TimeSpan {
  TimeMs first = 0;
  TimeMs last = 0;
};
StatusOr<std::optional<TimeSpan>> MessageAndTakedownSpan(Store& store);

struct DayPosts {
  int64_t day = 0;
  int64_t posts = 0;
  int64_t forwarded = 0;
  int64_t views = 0;  // summed; PostsPerDay only
};
// Per day with posts, in no particular order: every post, or only the cohort's.
StatusOr<std::vector<DayPosts>> PostsPerDay(Store& store);
StatusOr<std::vector<DayPosts>> CohortPostsPerDay(Store& store);

struct DayCount {
  int64_t day = 0;
  int64_t count = 0;
};
// Takedowns (not reinstatements) per day with any, in no particular order.
StatusOr<std::vector<DayCount>> TakedownsPerDay(Store& store);

struct DayPlatformLinks {
  int64_t day = 0;
  std::string platform;
  int64_t messages = 0;  // messages with at least one such link
};
// Messages linking to platforms other than Telegram and the web, per day and platform, in day
// order.
StatusOr<std::vector<DayPlatformLinks>> CrossPlatformLinksPerDay(Store& store);

// The cohort's activity in the times [from, to).
struct CohortActivity {
  int64_t posts = 0;
  int64_t forwarded = 0;
  int64_t views = 0;
  int64_t active_chats = 0;   // cohort chats that posted
  int64_t new_chats = 0;      // cohort chats created (else first seen) in the period
  int64_t takedowns = 0;      // of any entity, not only the cohort's
  int64_t regenerations = 0;  // detections made in the period
};
StatusOr<CohortActivity> ReadCohortActivity(Store& store, TimeMs from, TimeMs to);

// A channel or group from its creation (else first sighting) to its first takedown.
struct ChatLifetime {
  std::string key;
  TimeMs born = 0;
  std::optional<TimeMs> first_takedown;
  bool in_cohort = false;
};
StatusOr<std::vector<ChatLifetime>> ChatLifetimes(Store& store);

// A known-content bank entry by how many chats carried it.
struct KnownItemSpread {
  std::string bank;
  std::string signal;
  std::string label;  // the greatest label of its matches; "" when none has one
  int64_t chats = 0;
  TimeMs first = 0;  // its first match
};
// The `limit` entries carried by the most chats; ties by the earlier first match.
StatusOr<std::vector<KnownItemSpread>> MostCarriedKnownItems(Store& store, int limit);
// The first match time of a bank entry in each chat that carried it, in no particular order.
StatusOr<std::vector<TimeMs>> FirstMatchPerChat(Store& store, const std::string& bank,
                                                const std::string& signal);

// Videos in stored messages and how they matched the banks (the report's video coverage).
struct VideoMatchCounts {
  int64_t banked = 0;           // vpdq entries in the banks: known videos
  int64_t banked_matched = 0;   // of them, matched by at least one stored video
  int64_t posts = 0;            // videos in stored messages (media of a video kind or with vPDQ)
  int64_t distinct = 0;         // distinct files among them (by SHA-256)
  int64_t hashed = 0;           // posts whose video was decoded and hashed (vPDQ stored)
  int64_t matched_posts = 0;    // posts with any match (digest or vPDQ)
  int64_t edited_posts = 0;     // posts matched by vPDQ and by no digest: edited copies
  int64_t edited_distinct = 0;  // distinct files among those
};
StatusOr<VideoMatchCounts> CountVideoMatches(Store& store);

// ---------------------------------------------------------------- report

// A detection with the names of the replacement and its parent ("" when unknown).
struct RegenListing {
  std::string entity;
  std::string entity_name;
  std::string parent;
  std::string parent_name;
  double score = 0;
  TimeMs detected_at = 0;
  std::optional<TimeMs> born;  // the replacement's creation, else first sighting
};
// The `limit` latest detections, latest first.
StatusOr<std::vector<RegenListing>> LatestRegenerations(Store& store, int limit);

// Every detection's replacement: its kind ("" when the store does not hold it) and how long
// after its creation (else first sighting) it was detected, when known.
struct RegenAge {
  std::string kind;
  std::optional<TimeMs> age;
};
StatusOr<std::vector<RegenAge>> RegenerationAges(Store& store);

struct ReferralSummary {
  std::string id;
  std::string kind;
  std::string entity;
  std::string unit;
  std::string status;
  TimeMs received = 0;
  std::optional<TimeMs> deadline;
  std::optional<TimeMs> actioned;
};
// The first `limit` referrals by time received.
StatusOr<std::vector<ReferralSummary>> ReferralsByReceipt(Store& store, int limit);

}  // namespace cordon
