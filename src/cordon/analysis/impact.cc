#include "cordon/analysis/impact.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "cordon/util/json_writer.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

// SQL for the UTC day number of a millisecond time column, flooring negative times too.
std::string DayOf(const std::string& col) {
  const std::string day = std::to_string(kDayMs);
  return "((" + col + ") / " + day + " - ((" + col + ") < 0 AND (" + col + ") % " + day + " != 0))";
}

int64_t FloorDay(int64_t ms) { return ms / kDayMs - (ms < 0 && ms % kDayMs != 0); }

bool TableExists(sqlite3* db, const char* name) {
  Statement q(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
  q.Bind(1, name);
  return q.Step();
}

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

// Builds the temp table `cohort(chat)` and says how it was found.
StatusOr<std::string> BuildCohort(sqlite3* db) {
  RETURN_IF_ERROR(Exec(db,
                       "DROP TABLE IF EXISTS temp.cohort;"
                       "CREATE TEMP TABLE cohort(chat TEXT PRIMARY KEY) WITHOUT ROWID;"));
  std::string how = "takedowns";
  if (TableExists(db, "matches")) {
    RETURN_IF_ERROR(Exec(db,
                         "INSERT OR IGNORE INTO temp.cohort SELECT DISTINCT chat FROM matches "
                         "WHERE chat IS NOT NULL"));
    Statement q(db, "SELECT count(*) FROM temp.cohort");
    if (q.Step() && q.Int(0) > 0) how = "matches";
  }
  if (how == "matches" && TableExists(db, "regen_detections")) {
    RETURN_IF_ERROR(
        Exec(db, "INSERT OR IGNORE INTO temp.cohort SELECT entity FROM regen_detections"));
  }
  if (how == "takedowns") {
    RETURN_IF_ERROR(Exec(db,
                         "INSERT OR IGNORE INTO temp.cohort SELECT DISTINCT t.entity FROM "
                         "takedowns t JOIN entities e ON e.key = t.entity "
                         "WHERE t.action = 'takedown' AND e.kind IN ('channel', 'group')"));
  }
  return how;
}

StatusOr<WindowStats> Window(sqlite3* db, int64_t from_day, int64_t to_day, bool has_regen) {
  WindowStats w;
  w.from = FormatDate(from_day * kDayMs);
  w.to = FormatDate(to_day * kDayMs);
  w.days = static_cast<int>(to_day - from_day + 1);
  const int64_t lo = from_day * kDayMs, hi = (to_day + 1) * kDayMs;
  {
    Statement q(db,
                "SELECT count(*), coalesce(sum(m.fwd_chat IS NOT NULL OR m.fwd_name IS NOT NULL "
                "OR m.fwd_message IS NOT NULL), 0), coalesce(sum(m.views), 0), "
                "count(DISTINCT m.chat) FROM messages m JOIN temp.cohort c ON c.chat = m.chat "
                "WHERE m.time >= ?1 AND m.time < ?2");
    if (!q.ok()) return q.status();
    q.Bind(1, lo).Bind(2, hi);
    if (q.Step()) {
      w.forwarded = q.Int(1);
      w.organic = q.Int(0) - w.forwarded;
      w.views = q.Int(2);
      w.active_chats = q.Int(3);
    }
    if (!q.status().ok()) return q.status();
  }
  {
    Statement q(db,
                "SELECT count(*) FROM entities e JOIN temp.cohort c ON c.chat = e.key "
                "WHERE coalesce(e.created, e.first_seen) >= ?1 AND "
                "coalesce(e.created, e.first_seen) < ?2");
    q.Bind(1, lo).Bind(2, hi);
    if (q.Step()) w.new_chats = q.Int(0);
  }
  {
    Statement q(db,
                "SELECT count(*) FROM takedowns WHERE action = 'takedown' AND time >= ?1 AND "
                "time < ?2");
    q.Bind(1, lo).Bind(2, hi);
    if (q.Step()) w.takedowns = q.Int(0);
  }
  if (has_regen) {
    Statement q(db,
                "SELECT count(*) FROM regen_detections WHERE detected_at >= ?1 AND "
                "detected_at < ?2");
    q.Bind(1, lo).Bind(2, hi);
    if (q.Step()) w.regenerations = q.Int(0);
  }
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
  sqlite3* db = store.db();
  ImpactReport r;
  ASSIGN_OR_RETURN(r.cohort, BuildCohort(db));
  step.Advance();
  {
    Statement q(db, "SELECT count(*) FROM temp.cohort");
    if (q.Step()) r.network_chats = q.Int(0);
  }
  const bool has_regen = TableExists(db, "regen_detections");

  // The days the data covers.
  int64_t first_ms = 0, last_ms = 0;
  {
    Statement q(db,
                "SELECT min(t), max(t) FROM (SELECT min(time) AS t FROM messages UNION ALL "
                "SELECT max(time) FROM messages UNION ALL SELECT min(time) FROM takedowns "
                "UNION ALL SELECT max(time) FROM takedowns)");
    if (!q.ok()) return q.status();
    if (!q.Step() || q.IsNull(0)) return r;  // an empty store has no impact to measure
    first_ms = q.Int(0);
    last_ms = q.Int(1);
  }
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
    Statement q(db, "SELECT " + DayOf("time") +
                        ", count(*), coalesce(sum(fwd_chat IS NOT NULL OR fwd_name IS NOT NULL OR "
                        "fwd_message IS NOT NULL), 0), coalesce(sum(views), 0) FROM messages "
                        "GROUP BY 1");
    if (!q.ok()) return q.status();
    while (q.Step()) {
      if (DailyRow* d = row(q.Int(0))) {
        d->posts = q.Int(1);
        d->forwarded_posts = q.Int(2);
        d->views = q.Int(3);
      }
    }
    if (!q.status().ok()) return q.status();
    step.Advance();
  }
  {
    Statement q(db, "SELECT " + DayOf("m.time") +
                        ", count(*), coalesce(sum(m.fwd_chat IS NOT NULL OR m.fwd_name IS NOT NULL "
                        "OR m.fwd_message IS NOT NULL), 0) FROM messages m JOIN temp.cohort c ON "
                        "c.chat = m.chat GROUP BY 1");
    if (!q.ok()) return q.status();
    while (q.Step()) {
      if (DailyRow* d = row(q.Int(0))) {
        d->network_posts = q.Int(1);
        d->network_forwarded = q.Int(2);
      }
    }
    step.Advance();
  }
  {
    Statement q(db, "SELECT " + DayOf("time") +
                        ", count(*) FROM takedowns WHERE action = 'takedown' GROUP BY 1");
    while (q.Step()) {
      if (DailyRow* d = row(q.Int(0))) d->takedowns = q.Int(1);
    }
    step.Advance();
  }
  {
    // Migration: messages linking to another platform, per platform and day.
    Statement q(db, "SELECT " + DayOf("m.time") +
                        ", l.platform, count(DISTINCT l.message_id) FROM links l JOIN messages m "
                        "ON m.id = l.message_id WHERE l.platform IS NOT NULL AND l.platform NOT "
                        "IN ('telegram', 'web') GROUP BY 1, 2 ORDER BY 1");
    if (!q.ok()) return q.status();
    while (q.Step()) {
      std::string platform(q.Text(1));
      r.migration[platform] += q.Int(2);
      if (!r.migration_first.count(platform))
        r.migration_first[platform] = FormatDate(q.Int(0) * kDayMs);
      if (DailyRow* d = row(q.Int(0))) d->migration_links += q.Int(2);
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
    ASSIGN_OR_RETURN(a.before,
                     Window(db, std::max(d0, start - opt.window_days), start - 1, has_regen));
    ASSIGN_OR_RETURN(a.after, Window(db, end + 1, std::min(d1, end + opt.window_days), has_regen));
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
    std::set<std::string> replacements;
    if (has_regen) {
      Statement q(db, "SELECT entity FROM regen_detections");
      while (q.Step()) replacements.emplace(q.Text(0));
    }
    const int64_t action_start = r.actions.empty()
                                     ? INT64_MAX
                                     : FloorDay(*ParseRfc3339Ms(r.actions[0].start + "T00:00:00Z"));
    const int64_t action_end =
        r.actions.empty() ? INT64_MIN : FloorDay(*ParseRfc3339Ms(r.actions[0].end + "T00:00:00Z"));
    Statement q(db,
                "SELECT e.key, coalesce(e.created, e.first_seen), "
                "(SELECT min(t.time) FROM takedowns t WHERE t.entity = e.key AND "
                "t.action = 'takedown'), c.chat IS NOT NULL FROM entities e "
                "LEFT JOIN temp.cohort c ON c.chat = e.key "
                "WHERE e.kind IN ('channel', 'group') AND coalesce(e.created, e.first_seen) "
                "IS NOT NULL");
    if (!q.ok()) return q.status();
    std::map<std::string, std::vector<std::pair<double, bool>>> groups;
    while (q.Step()) {
      const int64_t born = q.Int(1);
      const bool down = !q.IsNull(2) && q.Int(2) >= born;
      const int64_t until = down ? q.Int(2) : last_ms;
      if (until < born) continue;
      const std::pair<double, bool> subject{static_cast<double>(until - born) / kDayMs, down};
      const bool network = q.Int(3) != 0;
      groups[network ? "network" : "other"].push_back(subject);
      if (network && FloorDay(born) < action_start)
        groups["network, created before the action"].push_back(subject);
      if (network && FloorDay(born) > action_end)
        groups["network, created after the action"].push_back(subject);
      if (replacements.count(std::string(q.Text(0)))) groups["replacements"].push_back(subject);
    }
    for (auto& [name, subjects] : groups)
      r.survival.push_back(KaplanMeier(name, std::move(subjects)));
    step.Advance();
  }

  // Coverage of the most widely carried known items.
  if (TableExists(db, "matches")) {
    Statement top(db,
                  "SELECT bank, signal, coalesce(max(label), ''), count(DISTINCT chat), min(time) "
                  "FROM matches WHERE chat IS NOT NULL GROUP BY bank, signal "
                  "ORDER BY 4 DESC, 5 LIMIT 20");
    Statement per_chat(db,
                       "SELECT min(time) FROM matches WHERE bank = ?1 AND signal = ?2 AND chat IS "
                       "NOT NULL GROUP BY chat");
    while (top.Step()) {
      ReleaseCoverage c;
      c.signal = std::string(top.Text(1));
      c.label = std::string(top.Text(2));
      c.chats = top.Int(3);
      const int64_t first = top.Int(4);
      c.first_seen = FormatRfc3339Ms(first);
      per_chat.Bind(1, top.Text(0)).Bind(2, top.Text(1));
      std::vector<double> delays;
      while (per_chat.Step())
        delays.push_back(static_cast<double>(per_chat.Int(0) - first) / 3600000.0);
      per_chat.Reset();
      c.hours_to_median_copy = Median(delays);
      r.releases.push_back(std::move(c));
    }
  }
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
  w.EndObject();
  return out;
}

}  // namespace cordon
