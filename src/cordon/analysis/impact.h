// Impact of takedowns: daily statistics with spike detection, 30-day before/after windows
// around each day of action (as CREST measured Europol's action days), Kaplan-Meier survival of
// chats, and migration to other platforms. Everything is computed from the store alone.
//
// The "network" cohort is what cordon can see of the distribution network without ground
// truth: chats that carried known content (the matches table), chats flagged as regenerations,
// and, when no matches exist at all, chats that were ever taken down (the JSON says which).
//
// Thread safety: ComputeImpact reads one Store and must not share it with another thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cordon/store/analysis_queries.h"
#include "cordon/store/store.h"

namespace cordon {

class Progress;

struct ImpactOptions {
  int window_days = 30;      // CREST's windows before and after an action
  int baseline_days = 28;    // trailing window of the spike baseline
  double spike_ratio = 3.0;  // a spike is at least this many times the baseline median
  double spike_mads = 6.0;   // ... and this many robust deviations above it
  // Reports the measurements done (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
};

struct DailyRow {
  std::string date;  // YYYY-MM-DD, UTC
  int64_t takedowns = 0;
  int64_t posts = 0;
  int64_t forwarded_posts = 0;
  int64_t views = 0;
  int64_t network_posts = 0;
  int64_t network_forwarded = 0;
  int64_t migration_links = 0;  // messages linking to another platform
  double baseline = 0;          // the robust takedown baseline the day was judged against
};

struct WindowStats {
  std::string from, to;  // inclusive days
  int days = 0;
  int64_t organic = 0;    // network posts that are not forwards
  int64_t forwarded = 0;  // network posts that are forwards
  int64_t views = 0;
  int64_t active_chats = 0;  // network chats that posted
  int64_t new_chats = 0;     // network chats first seen in the window
  int64_t regenerations = 0;
  int64_t takedowns = 0;
};

struct ActionImpact {
  std::string start, end;  // the spike days, inclusive
  int64_t takedowns = 0;
  WindowStats before, after;
  // Relative changes, after against before, per day of window (-0.955 = -95.5%).
  double organic_change = 0, forwarded_change = 0, views_change = 0, active_chats_change = 0;
};

struct SurvivalCurve {
  std::string group;
  int64_t chats = 0;
  int64_t taken_down = 0;
  std::vector<std::pair<double, double>> steps;  // (days since creation, S(t)), S starts at 1
  double median_days = -1;                       // -1: S never fell to 0.5
};

struct ReleaseCoverage {
  std::string signal;  // bank entry
  std::string label;
  std::string first_seen;
  int64_t chats = 0;
  double hours_to_median_copy = 0;
};

struct ImpactReport {
  std::string cohort;  // "matches" or "takedowns": how the network cohort was found
  int64_t network_chats = 0;
  std::vector<DailyRow> daily;
  std::vector<std::string> spikes;
  std::map<std::string, int64_t> migration;            // messages per platform
  std::map<std::string, std::string> migration_first;  // first day per platform
  std::vector<ActionImpact> actions;
  std::vector<SurvivalCurve> survival;
  std::vector<ReleaseCoverage> releases;  // the most widely carried known items
  VideoMatchCounts videos;                // video coverage: videos seen and matched
};

StatusOr<ImpactReport> ComputeImpact(Store& store, const ImpactOptions& options = {});

// The JSON answer of `cordon impact --json`.
std::string ImpactJson(const ImpactReport& report);

// Robust spike detection over a daily series: index i is a spike when it exceeds both
// ratio x the median of the trailing `window` values and median + mads x 1.4826 x MAD.
// `baseline` receives each day's median.
std::vector<size_t> DetectSpikes(const std::vector<int64_t>& series, int window, double ratio,
                                 double mads, std::vector<double>* baseline = nullptr);

// Kaplan-Meier estimate from (duration, event observed) pairs; durations in days.
SurvivalCurve KaplanMeier(std::string group, std::vector<std::pair<double, bool>> subjects);

}  // namespace cordon
