#include "cordon/analysis/impact.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "cordon/store/analysis_queries.h"
#include "cordon/store/detection_table.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

int64_t FloorDay(int64_t ms) { return ms / kDayMs - (ms < 0 && ms % kDayMs != 0); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Change(double before, int before_days, double after, int after_days) {
  if (before_days <= 0 || after_days <= 0 || before <= 0) return 0;
  return (after / after_days) / (before / before_days) - 1.0;
}

StatusOr<WindowStats> Window(Store& store, int64_t from_day, int64_t to_day) {
  WindowStats w;
  w.from = FormatDate(from_day * kDayMs);
  w.to = FormatDate(to_day * kDayMs);
  w.days = static_cast<int>(to_day - from_day + 1);
  ASSIGN_OR_RETURN(CohortActivity a,
                   ReadCohortActivity(store, from_day * kDayMs, (to_day + 1) * kDayMs));
  w.forwarded = a.forwarded;
  w.organic = a.posts - a.forwarded;
  w.views = a.views;
  w.active_chats = a.active_chats;
  w.new_chats = a.new_chats;
  w.takedowns = a.takedowns;
  w.regenerations = a.regenerations;
  return w;
}

void PutWindow(JsonWriter& w, const WindowStats& s) {
  w.BeginObject();
  w.Field("from", std::string_view(s.from)).Field("to", std::string_view(s.to));
  w.Field("days", s.days).Field("organic_posts", s.organic).Field("forwarded_posts", s.forwarded);
  w.Field("views", s.views).Field("active_chats", s.active_chats);
  w.Field("new_chats", s.new_chats).Field("regenerations", s.regenerations);
  w.Field("takedowns", s.takedowns);
  w.EndObject();
}

}  // namespace

std::vector<size_t> DetectSpikes(const std::vector<int64_t>& series, int window, double ratio,
                                 double mads, std::vector<double>* baseline) {
  std::vector<size_t> out;
  if (baseline) baseline->assign(series.size(), 0);
  for (size_t i = 0; i < series.size(); ++i) {
    // The trailing window; too short at the start, so the whole series stands in for it.
    std::vector<double> ref;
    if (i >= 7) {
      for (size_t j = i >= static_cast<size_t>(window) ? i - window : 0; j < i; ++j) {
        ref.push_back(static_cast<double>(series[j]));
      }
    } else {
      for (int64_t v : series) ref.push_back(static_cast<double>(v));
    }
    double med = Median(ref);
    std::vector<double> dev;
    for (double v : ref) dev.push_back(std::fabs(v - med));
    double mad = Median(dev) * 1.4826;
    if (baseline) (*baseline)[i] = med;
    double v = static_cast<double>(series[i]);
    if (v > std::max(ratio * med, med + mads * mad) && v >= 10) out.push_back(i);
  }
  return out;
}

SurvivalCurve KaplanMeier(std::string group, std::vector<std::pair<double, bool>> subjects) {
  SurvivalCurve c;
  c.group = std::move(group);
  c.chats = static_cast<int64_t>(subjects.size());
  std::sort(subjects.begin(), subjects.end());
  c.steps.push_back({0.0, 1.0});
  double s = 1.0;
  size_t at_risk = subjects.size();
  for (size_t i = 0; i < subjects.size();) {
    const double t = subjects[i].first;
    size_t events = 0, leaving = 0;
    while (i < subjects.size() && subjects[i].first == t) {
      events += subjects[i].second;
      ++leaving;
      ++i;
    }
    if (events > 0 && at_risk > 0) {
      s *= 1.0 - static_cast<double>(events) / static_cast<double>(at_risk);
      c.steps.push_back({t, s});
      c.taken_down += static_cast<int64_t>(events);
      if (c.median_days < 0 && s <= 0.5) c.median_days = t;
    }
    at_risk -= leaving;
  }
  return c;
}

StatusOr<ImpactReport> ComputeImpact(Store& store, const ImpactOptions& opt) {
  // One step per measurement below; each is a query over a whole table or two.
  ProgressStep step(opt.progress, "impact", 8, "queries");
  RETURN_IF_ERROR(store.EnsureAnalysisIndexes());
  ImpactReport r;
  {
    ASSIGN_OR_RETURN(ImpactCohort cohort, BuildImpactCohort(store));
    r.cohort = std::move(cohort.how);
    r.network_chats = cohort.chats;
  }
  step.Advance();

  // The days the data covers.
  ASSIGN_OR_RETURN(std::optional<TimeSpan> span, MessageAndTakedownSpan(store));
  if (!span) return r;  // an empty store has no impact to measure
  const int64_t first_ms = span->first, last_ms = span->last;
  const int64_t d0 = FloorDay(first_ms), d1 = FloorDay(last_ms);
  if (d1 - d0 > 20000) return Status::InvalidArgument("the data spans more than 50 years");
  r.daily.resize(static_cast<size_t>(d1 - d0 + 1));
  for (int64_t d = d0; d <= d1; ++d)
    r.daily[static_cast<size_t>(d - d0)].date = FormatDate(d * kDayMs);
  auto row = [&](int64_t day) -> DailyRow* {
    if (day < d0 || day > d1) return nullptr;
    return &r.daily[static_cast<size_t>(day - d0)];
  };
  {
    ASSIGN_OR_RETURN(std::vector<DayPosts> days, PostsPerDay(store));
    for (const DayPosts& p : days) {
      if (DailyRow* d = row(p.day)) {
        d->posts = p.posts;
        d->forwarded_posts = p.forwarded;
        d->views = p.views;
      }
    }
    step.Advance();
  }
  {
    ASSIGN_OR_RETURN(std::vector<DayPosts> days, CohortPostsPerDay(store));
    for (const DayPosts& p : days) {
      if (DailyRow* d = row(p.day)) {
        d->network_posts = p.posts;
        d->network_forwarded = p.forwarded;
      }
    }
    step.Advance();
  }
  {
    ASSIGN_OR_RETURN(std::vector<DayCount> days, TakedownsPerDay(store));
    for (const DayCount& c : days) {
      if (DailyRow* d = row(c.day)) d->takedowns = c.count;
    }
    step.Advance();
  }
  {
    // Migration: messages linking to another platform, per platform and day.
    ASSIGN_OR_RETURN(std::vector<DayPlatformLinks> links, CrossPlatformLinksPerDay(store));
    for (const DayPlatformLinks& l : links) {
      r.migration[l.platform] += l.messages;
      if (!r.migration_first.count(l.platform))
        r.migration_first[l.platform] = FormatDate(l.day * kDayMs);
      if (DailyRow* d = row(l.day)) d->migration_links += l.messages;
    }
    step.Advance();
  }

  // Spikes, and actions as runs of spike days.
  std::vector<int64_t> takedowns;
  for (const auto& d : r.daily) takedowns.push_back(d.takedowns);
  std::vector<double> baseline;
  std::vector<size_t> spikes =
      DetectSpikes(takedowns, opt.baseline_days, opt.spike_ratio, opt.spike_mads, &baseline);
  for (size_t i = 0; i < r.daily.size(); ++i) r.daily[i].baseline = baseline[i];
  for (size_t i : spikes) r.spikes.push_back(r.daily[i].date);
  for (size_t k = 0; k < spikes.size();) {
    size_t j = k;
    while (j + 1 < spikes.size() && spikes[j + 1] <= spikes[j] + 2) ++j;
    const int64_t start = d0 + static_cast<int64_t>(spikes[k]);
    const int64_t end = d0 + static_cast<int64_t>(spikes[j]);
    ActionImpact a;
    a.start = FormatDate(start * kDayMs);
    a.end = FormatDate(end * kDayMs);
    for (size_t i = spikes[k]; i <= spikes[j]; ++i) a.takedowns += r.daily[i].takedowns;
    ASSIGN_OR_RETURN(a.before, Window(store, std::max(d0, start - opt.window_days), start - 1));
    ASSIGN_OR_RETURN(a.after, Window(store, end + 1, std::min(d1, end + opt.window_days)));
    a.organic_change = Change(a.before.organic, a.before.days, a.after.organic, a.after.days);
    a.forwarded_change = Change(a.before.forwarded, a.before.days, a.after.forwarded, a.after.days);
    a.views_change = Change(a.before.views, a.before.days, a.after.views, a.after.days);
    a.active_chats_change = Change(a.before.active_chats, 1, a.after.active_chats, 1);
    r.actions.push_back(std::move(a));
    k = j + 1;
  }
  step.Advance();

  // Survival of chats from creation (or first sighting) to their first takedown.
  {
    ASSIGN_OR_RETURN(std::vector<std::string> detected, DetectedEntities(store));
    const std::set<std::string> replacements(detected.begin(), detected.end());
    const int64_t action_start = r.actions.empty()
                                     ? INT64_MAX
                                     : FloorDay(*ParseRfc3339Ms(r.actions[0].start + "T00:00:00Z"));
    const int64_t action_end =
        r.actions.empty() ? INT64_MIN : FloorDay(*ParseRfc3339Ms(r.actions[0].end + "T00:00:00Z"));
    ASSIGN_OR_RETURN(std::vector<ChatLifetime> chats, ChatLifetimes(store));
    std::map<std::string, std::vector<std::pair<double, bool>>> groups;
    for (const ChatLifetime& chat : chats) {
      const int64_t born = chat.born;
      const bool down = chat.first_takedown && *chat.first_takedown >= born;
      const int64_t until = down ? *chat.first_takedown : last_ms;
      if (until < born) continue;
      const std::pair<double, bool> subject{static_cast<double>(until - born) / kDayMs, down};
      const bool network = chat.in_cohort;
      groups[network ? "network" : "other"].push_back(subject);
      if (network && FloorDay(born) < action_start)
        groups["network, created before the action"].push_back(subject);
      if (network && FloorDay(born) > action_end)
        groups["network, created after the action"].push_back(subject);
      if (replacements.count(chat.key)) groups["replacements"].push_back(subject);
    }
    for (auto& [name, subjects] : groups)
      r.survival.push_back(KaplanMeier(name, std::move(subjects)));
    step.Advance();
  }

  // Coverage of the most widely carried known items.
  {
    ASSIGN_OR_RETURN(std::vector<KnownItemSpread> top, MostCarriedKnownItems(store, 20));
    for (const KnownItemSpread& item : top) {
      ReleaseCoverage c;
      c.signal = item.signal;
      c.label = item.label;
      c.chats = item.chats;
      c.first_seen = FormatRfc3339Ms(item.first);
      ASSIGN_OR_RETURN(std::vector<TimeMs> firsts,
                       FirstMatchPerChat(store, item.bank, item.signal));
      std::vector<double> delays;
      for (TimeMs t : firsts) delays.push_back(static_cast<double>(t - item.first) / 3600000.0);
      c.hours_to_median_copy = Median(delays);
      r.releases.push_back(std::move(c));
    }
  }
  ASSIGN_OR_RETURN(r.videos, CountVideoMatches(store));
  return r;
}

std::string ImpactJson(const ImpactReport& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("cohort", std::string_view(r.cohort)).Field("network_chats", r.network_chats);
  w.Key("daily").BeginArray();
  for (const auto& d : r.daily) {
    w.BeginObject().Field("date", std::string_view(d.date)).Field("takedowns", d.takedowns);
    w.Field("posts", d.posts).Field("forwarded_posts", d.forwarded_posts).Field("views", d.views);
    w.Field("network_posts", d.network_posts).Field("network_forwarded", d.network_forwarded);
    w.Field("migration_links", d.migration_links).Field("baseline", d.baseline);
    w.EndObject();
  }
  w.EndArray();
  w.Key("spikes").BeginArray();
  for (const auto& s : r.spikes) w.String(s);
  w.EndArray();
  w.Key("migration").BeginObject();
  for (const auto& [p, n] : r.migration) w.Field(p, n);
  w.EndObject();
  w.Key("migration_first").BeginObject();
  for (const auto& [p, d] : r.migration_first) w.Field(p, std::string_view(d));
  w.EndObject();
  w.Key("actions").BeginArray();
  for (const auto& a : r.actions) {
    w.BeginObject().Field("start", std::string_view(a.start)).Field("end", std::string_view(a.end));
    w.Field("takedowns", a.takedowns);
    w.Key("before");
    PutWindow(w, a.before);
    w.Key("after");
    PutWindow(w, a.after);
    w.Field("organic_change", a.organic_change).Field("forwarded_change", a.forwarded_change);
    w.Field("views_change", a.views_change).Field("active_chats_change", a.active_chats_change);
    w.EndObject();
  }
  w.EndArray();
  w.Key("survival").BeginObject();
  for (const auto& c : r.survival) {
    w.Key(c.group).BeginObject().Field("chats", c.chats).Field("taken_down", c.taken_down);
    if (c.median_days >= 0) {
      w.Field("median_days", c.median_days);
    } else {
      w.Key("median_days").Null();
    }
    w.Key("curve").BeginArray();
    for (const auto& [t, s] : c.steps) w.BeginArray().Double(t).Double(s).EndArray();
    w.EndArray().EndObject();
  }
  w.EndObject();
  w.Key("releases").BeginArray();
  for (const auto& c : r.releases) {
    w.BeginObject()
        .Field("signal", std::string_view(c.signal))
        .Field("label", std::string_view(c.label));
    w.Field("first_seen", std::string_view(c.first_seen)).Field("chats", c.chats);
    w.Field("hours_to_median_copy", c.hours_to_median_copy).EndObject();
  }
  w.EndArray();
  const VideoMatchCounts& v = r.videos;
  w.Key("videos").BeginObject();
  w.Field("banked", v.banked).Field("banked_matched", v.banked_matched);
  w.Field("posts", v.posts).Field("distinct", v.distinct).Field("hashed", v.hashed);
  w.Field("matched_posts", v.matched_posts).Field("edited_posts", v.edited_posts);
  w.Field("edited_distinct", v.edited_distinct).EndObject();
  w.EndObject();
  return out;
}

}  // namespace cordon
