#include "cordon/store/analysis_queries.h"

#include "cordon/store/sql.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

// SQL for the UTC day number of a millisecond time column, flooring negative times too.
std::string DayOf(const std::string& col) {
  const std::string day = std::to_string(kDayMs);
  return "((" + col + ") / " + day + " - CASE WHEN (" + col + ") < 0 AND (" + col + ") % " + day +
         " != 0 THEN 1 ELSE 0 END)";
}

std::optional<TimeMs> OptInt(const Statement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  return q.Int(col);
}

// The single value of a one-row query into *out (left alone when there is no row).
Status ReadOne(Statement& q, int64_t* out) {
  if (!q.ok()) return q.status();
  if (q.Step()) *out = q.Int(0);
  return q.status();
}

StatusOr<std::vector<DayPosts>> ReadDayPosts(Store& store, const std::string& sql, bool views) {
  Statement q(StoreHandle(store), sql);
  if (!q.ok()) return q.status();
  std::vector<DayPosts> out;
  while (q.Step()) {
    DayPosts d;
    d.day = q.Int(0);
    d.posts = q.Int(1);
    d.forwarded = q.Int(2);
    if (views) d.views = q.Int(3);
    out.push_back(d);
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace

StatusOr<ImpactCohort> BuildImpactCohort(Store& store) {
  Db* db = StoreHandle(store);
  // Keys compare bytewise, as the stored ones do (store/postgres_schema.h).
  RETURN_IF_ERROR(Exec(
      db, std::string("DROP TABLE IF EXISTS cohort; CREATE TEMP TABLE cohort(chat TEXT") +
              (db->dialect() == SqlDialect::kPostgres ? " COLLATE \"C\"" : "") + " PRIMARY KEY)"));
  ImpactCohort cohort;
  cohort.how = "takedowns";
  RETURN_IF_ERROR(Exec(db,
                       "INSERT OR IGNORE INTO cohort SELECT DISTINCT chat FROM matches "
                       "WHERE chat IS NOT NULL"));
  {
    Statement q(db, "SELECT count(*) FROM cohort");
    int64_t n = 0;
    RETURN_IF_ERROR(ReadOne(q, &n));
    if (n > 0) cohort.how = "matches";
  }
  if (cohort.how == "matches") {
    RETURN_IF_ERROR(Exec(db, "INSERT OR IGNORE INTO cohort SELECT entity FROM regen_detections"));
  } else {
    RETURN_IF_ERROR(Exec(db,
                         "INSERT OR IGNORE INTO cohort SELECT DISTINCT t.entity FROM "
                         "takedowns t JOIN entities e ON e.key = t.entity "
                         "WHERE t.action = 'takedown' AND e.kind IN ('channel', 'group')"));
  }
  Statement q(db, "SELECT count(*) FROM cohort");
  RETURN_IF_ERROR(ReadOne(q, &cohort.chats));
  return cohort;
}

StatusOr<std::optional<TimeSpan>> MessageAndTakedownSpan(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT min(t), max(t) FROM (SELECT min(time) AS t FROM messages UNION ALL "
              "SELECT max(time) FROM messages UNION ALL SELECT min(time) FROM takedowns "
              "UNION ALL SELECT max(time) FROM takedowns) AS span");
  if (!q.ok()) return q.status();
  if (!q.Step() || q.IsNull(0)) {
    RETURN_IF_ERROR(q.status());
    return std::optional<TimeSpan>();
  }
  return std::optional<TimeSpan>(TimeSpan{q.Int(0), q.Int(1)});
}

StatusOr<std::vector<DayPosts>> PostsPerDay(Store& store) {
  return ReadDayPosts(
      store,
      "SELECT " + DayOf("time") +
          ", count(*), coalesce(sum(CASE WHEN fwd_chat IS NOT NULL OR fwd_name IS NOT NULL "
          "OR fwd_message IS NOT NULL THEN 1 ELSE 0 END), 0), coalesce(sum(views), 0) FROM "
          "messages "
          "GROUP BY 1",
      true);
}

StatusOr<std::vector<DayPosts>> CohortPostsPerDay(Store& store) {
  return ReadDayPosts(
      store,
      "SELECT " + DayOf("m.time") +
          ", count(*), coalesce(sum(CASE WHEN m.fwd_chat IS NOT NULL OR m.fwd_name IS NOT "
          "NULL OR m.fwd_message IS NOT NULL THEN 1 ELSE 0 END), 0) FROM messages m JOIN "
          "cohort c ON c.chat = m.chat GROUP BY 1",
      false);
}

StatusOr<std::vector<DayCount>> TakedownsPerDay(Store& store) {
  Statement q(
      StoreHandle(store),
      "SELECT " + DayOf("time") + ", count(*) FROM takedowns WHERE action = 'takedown' GROUP BY 1");
  if (!q.ok()) return q.status();
  std::vector<DayCount> out;
  while (q.Step()) out.push_back(DayCount{q.Int(0), q.Int(1)});
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<DayPlatformLinks>> CrossPlatformLinksPerDay(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT " + DayOf("m.time") +
                  ", l.platform, count(DISTINCT l.message_id) FROM links l JOIN "
                  "messages m ON m.id = l.message_id WHERE l.platform IS NOT NULL AND "
                  "l.platform NOT IN ('telegram', 'web') GROUP BY 1, 2 ORDER BY 1");
  if (!q.ok()) return q.status();
  std::vector<DayPlatformLinks> out;
  while (q.Step()) out.push_back(DayPlatformLinks{q.Int(0), std::string(q.Text(1)), q.Int(2)});
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<CohortActivity> ReadCohortActivity(Store& store, TimeMs from, TimeMs to) {
  Db* db = StoreHandle(store);
  CohortActivity a;
  {
    Statement q(
        db,
        "SELECT count(*), coalesce(sum(CASE WHEN m.fwd_chat IS NOT NULL OR m.fwd_name IS NOT NULL "
        "OR m.fwd_message IS NOT NULL THEN 1 ELSE 0 END), 0), coalesce(sum(m.views), 0), "
        "count(DISTINCT m.chat) FROM messages m JOIN cohort c ON c.chat = m.chat "
        "WHERE m.time >= ?1 AND m.time < ?2");
    if (!q.ok()) return q.status();
    q.Bind(1, from).Bind(2, to);
    if (q.Step()) {
      a.posts = q.Int(0);
      a.forwarded = q.Int(1);
      a.views = q.Int(2);
      a.active_chats = q.Int(3);
    }
    RETURN_IF_ERROR(q.status());
  }
  {
    Statement q(db,
                "SELECT count(*) FROM entities e JOIN cohort c ON c.chat = e.key "
                "WHERE coalesce(e.created, e.first_seen) >= ?1 AND "
                "coalesce(e.created, e.first_seen) < ?2");
    if (q.ok()) q.Bind(1, from).Bind(2, to);
    RETURN_IF_ERROR(ReadOne(q, &a.new_chats));
  }
  {
    Statement q(db,
                "SELECT count(*) FROM takedowns WHERE action = 'takedown' AND time >= ?1 AND "
                "time < ?2");
    if (q.ok()) q.Bind(1, from).Bind(2, to);
    RETURN_IF_ERROR(ReadOne(q, &a.takedowns));
  }
  {
    Statement q(db,
                "SELECT count(*) FROM regen_detections WHERE detected_at >= ?1 AND "
                "detected_at < ?2");
    if (q.ok()) q.Bind(1, from).Bind(2, to);
    RETURN_IF_ERROR(ReadOne(q, &a.regenerations));
  }
  return a;
}

StatusOr<std::vector<ChatLifetime>> ChatLifetimes(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT e.key, coalesce(e.created, e.first_seen), "
              "(SELECT min(t.time) FROM takedowns t WHERE t.entity = e.key AND "
              "t.action = 'takedown'), c.chat IS NOT NULL FROM entities e "
              "LEFT JOIN cohort c ON c.chat = e.key "
              "WHERE e.kind IN ('channel', 'group') AND coalesce(e.created, e.first_seen) "
              "IS NOT NULL ORDER BY e.key");
  if (!q.ok()) return q.status();
  std::vector<ChatLifetime> out;
  while (q.Step()) {
    ChatLifetime c;
    c.key = std::string(q.Text(0));
    c.born = q.Int(1);
    c.first_takedown = OptInt(q, 2);
    c.in_cohort = q.Int(3) != 0;
    out.push_back(std::move(c));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<KnownItemSpread>> MostCarriedKnownItems(Store& store, int limit) {
  Statement q(StoreHandle(store),
              "SELECT bank, signal, coalesce(max(label), ''), count(DISTINCT chat), min(time) "
              "FROM matches WHERE chat IS NOT NULL GROUP BY bank, signal "
              "ORDER BY 4 DESC, 5, 1, 2 LIMIT ?1");
  if (!q.ok()) return q.status();
  q.Bind(1, static_cast<int64_t>(limit));
  std::vector<KnownItemSpread> out;
  while (q.Step()) {
    KnownItemSpread k;
    k.bank = std::string(q.Text(0));
    k.signal = std::string(q.Text(1));
    k.label = std::string(q.Text(2));
    k.chats = q.Int(3);
    k.first = q.Int(4);
    out.push_back(std::move(k));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<VideoMatchCounts> CountVideoMatches(Store& store) {
  VideoMatchCounts c;
  Statement banked(StoreHandle(store),
                   "SELECT (SELECT count(*) FROM bank_entries WHERE signal_type = 'vpdq'), "
                   "(SELECT count(*) FROM (SELECT DISTINCT bank, signal FROM matches "
                   "WHERE signal_type = 'vpdq') AS banked_videos)");
  if (!banked.ok()) return banked.status();
  if (banked.Step()) {
    c.banked = banked.Int(0);
    c.banked_matched = banked.Int(1);
  }
  RETURN_IF_ERROR(banked.status());
  // Each video's matches are looked up by the matches table's key (message, media_idx, ...).
  // The flags are integers, not booleans, so that PostgreSQL sums them as SQLite does.
  Statement q(StoreHandle(store),
              "WITH v AS (SELECT m.key AS message, md.idx AS idx, md.sha256 AS sha256, "
              "  CASE WHEN md.vpdq IS NOT NULL THEN 1 ELSE 0 END AS hashed, "
              "  CASE WHEN EXISTS(SELECT 1 FROM matches x WHERE x.message = m.key "
              "    AND x.media_idx = md.idx) THEN 1 ELSE 0 END AS matched, "
              "  CASE WHEN EXISTS(SELECT 1 FROM matches x WHERE x.message = m.key "
              "    AND x.media_idx = md.idx AND x.signal_type = 'vpdq') "
              "  AND NOT EXISTS(SELECT 1 FROM matches x WHERE x.message = m.key "
              "    AND x.media_idx = md.idx AND x.signal_type IN ('sha256', 'md5')) "
              "  THEN 1 ELSE 0 END AS edited "
              "  FROM media md JOIN messages m ON m.id = md.message_id "
              "  WHERE md.vpdq IS NOT NULL OR md.kind IN ('video', 'video_file', 'video_message')) "
              "SELECT count(*), count(DISTINCT sha256), coalesce(sum(hashed), 0), "
              "coalesce(sum(matched), 0), coalesce(sum(edited), 0), "
              "count(DISTINCT CASE WHEN edited = 1 THEN sha256 END) FROM v");
  if (!q.ok()) return q.status();
  if (q.Step()) {
    c.posts = q.Int(0);
    c.distinct = q.Int(1);
    c.hashed = q.Int(2);
    c.matched_posts = q.Int(3);
    c.edited_posts = q.Int(4);
    c.edited_distinct = q.Int(5);
  }
  RETURN_IF_ERROR(q.status());
  return c;
}

StatusOr<std::vector<TimeMs>> FirstMatchPerChat(Store& store, const std::string& bank,
                                                const std::string& signal) {
  Statement q(StoreHandle(store),
              "SELECT min(time) FROM matches WHERE bank = ?1 AND signal = ?2 AND chat IS "
              "NOT NULL GROUP BY chat ORDER BY chat");
  if (!q.ok()) return q.status();
  q.Bind(1, bank).Bind(2, signal);
  std::vector<TimeMs> out;
  while (q.Step()) out.push_back(q.Int(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<RegenListing>> LatestRegenerations(Store& store, int limit) {
  Statement q(StoreHandle(store),
              "SELECT r.entity, coalesce(e.name, ''), r.parent, coalesce(p.name, ''), r.score, "
              "r.detected_at, coalesce(e.created, e.first_seen) FROM regen_detections r "
              "LEFT JOIN entities e ON e.key = r.entity LEFT JOIN entities p ON p.key = r.parent "
              "ORDER BY r.detected_at DESC, r.entity LIMIT ?1");
  if (!q.ok()) return q.status();
  q.Bind(1, static_cast<int64_t>(limit));
  std::vector<RegenListing> out;
  while (q.Step()) {
    RegenListing r;
    r.entity = std::string(q.Text(0));
    r.entity_name = std::string(q.Text(1));
    r.parent = std::string(q.Text(2));
    r.parent_name = std::string(q.Text(3));
    r.score = q.Double(4);
    r.detected_at = q.Int(5);
    r.born = OptInt(q, 6);
    out.push_back(std::move(r));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<RegenAge>> RegenerationAges(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT e.kind, r.detected_at - coalesce(e.created, e.first_seen) "
              "FROM regen_detections r LEFT JOIN entities e ON e.key = r.entity ORDER BY r.entity");
  if (!q.ok()) return q.status();
  std::vector<RegenAge> out;
  while (q.Step()) out.push_back(RegenAge{std::string(q.Text(0)), OptInt(q, 1)});
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<ReferralSummary>> ReferralsByReceipt(Store& store, int limit) {
  Statement q(StoreHandle(store),
              "SELECT id, kind, entity, unit, status, received, deadline, actioned FROM referrals "
              "ORDER BY received, id LIMIT ?1");
  if (!q.ok()) return q.status();
  q.Bind(1, static_cast<int64_t>(limit));
  std::vector<ReferralSummary> out;
  while (q.Step()) {
    ReferralSummary r;
    r.id = std::string(q.Text(0));
    r.kind = std::string(q.Text(1));
    r.entity = std::string(q.Text(2));
    r.unit = std::string(q.Text(3));
    r.status = std::string(q.Text(4));
    r.received = q.Int(5);
    r.deadline = OptInt(q, 6);
    r.actioned = OptInt(q, 7);
    out.push_back(std::move(r));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace cordon
