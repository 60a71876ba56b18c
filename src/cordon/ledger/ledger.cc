#include "cordon/ledger/ledger.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>

#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::ledger {
namespace {

std::string ShortestDouble(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void EmitCanonical(std::string& out, simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
      for (auto [k, v] : simdjson::dom::object(e)) fields.emplace_back(k, v);
      std::stable_sort(fields.begin(), fields.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        AppendJsonString(out, fields[i].first);
        out += ':';
        EmitCanonical(out, fields[i].second);
      }
      out += '}';
      return;
    }
    case element_type::ARRAY: {
      out += '[';
      bool first = true;
      for (simdjson::dom::element v : simdjson::dom::array(e)) {
        if (!first) out += ',';
        first = false;
        EmitCanonical(out, v);
      }
      out += ']';
      return;
    }
    case element_type::STRING:
      AppendJsonString(out, std::string_view(e));
      return;
    case element_type::INT64:
      out += std::to_string(int64_t(e));
      return;
    case element_type::UINT64:
      out += std::to_string(uint64_t(e));
      return;
    case element_type::DOUBLE:
      out += ShortestDouble(double(e));
      return;
    case element_type::BOOL:
      out += bool(e) ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

Entry ReadEntry(const Statement& q) {
  Entry e;
  e.seq = q.Int(0);
  e.time = q.Int(1);
  e.recorded = q.Int(2);
  e.action = std::string(q.Text(3));
  e.entity = std::string(q.Text(4));
  e.reason = std::string(q.Text(5));
  e.source = std::string(q.Text(6));
  e.decided_by = std::string(q.Text(7));
  e.evidence = std::string(q.Text(8));
  e.ref = std::string(q.Text(9));
  if (!q.IsNull(10)) e.preserve_until = q.Int(10);
  e.prev_hash = std::string(q.Text(11));
  e.hash = std::string(q.Text(12));
  return e;
}

constexpr std::string_view kEntryColumns =
    "seq, time, recorded, action, entity, reason, source, decided_by, evidence, ref, "
    "preserve_until, prev_hash, hash";

std::string EvidenceObject(
    std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string s;
  JsonWriter w(s);
  w.BeginObject();
  for (const auto& [k, v] : kv) w.Field(k, v);
  w.EndObject();
  return s;
}

}  // namespace

bool IsKnownSource(std::string_view source) {
  return std::find(std::begin(kSources), std::end(kSources), source) != std::end(kSources);
}

std::string CanonicalJson(const Entry& e) {
  std::string s;
  s.reserve(256 + e.evidence.size());
  s += "{\"seq\":" + std::to_string(e.seq);
  s += ",\"time\":" + std::to_string(e.time);
  s += ",\"recorded\":" + std::to_string(e.recorded);
  s += ",\"action\":";
  AppendJsonString(s, e.action);
  s += ",\"entity\":";
  AppendJsonString(s, e.entity);
  s += ",\"reason\":";
  AppendJsonString(s, e.reason);
  s += ",\"source\":";
  AppendJsonString(s, e.source);
  s += ",\"decided_by\":";
  AppendJsonString(s, e.decided_by);
  s += ",\"evidence\":";
  s += e.evidence;
  s += ",\"ref\":";
  AppendJsonString(s, e.ref);
  s += ",\"preserve_until\":";
  s += e.preserve_until ? std::to_string(*e.preserve_until) : std::string("null");
  s += '}';
  return s;
}

std::string ChainHash(std::string_view prev_hash, std::string_view canonical) {
  std::string buf;
  buf.reserve(prev_hash.size() + canonical.size());
  buf.append(prev_hash);
  buf.append(canonical);
  return DigestBytes(buf).sha256;
}

void AppendEntryJson(std::string& out, const Entry& e) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("seq", e.seq).Field("time", std::string_view(FormatRfc3339Ms(e.time)));
  w.Field("recorded", std::string_view(FormatRfc3339Ms(e.recorded)));
  w.Field("action", std::string_view(e.action)).Field("entity", std::string_view(e.entity));
  w.Field("reason", std::string_view(e.reason)).Field("source", std::string_view(e.source));
  w.Field("decided_by", std::string_view(e.decided_by));
  w.Key("evidence")
      .Raw(e.evidence.empty() ? std::string_view("null") : std::string_view(e.evidence));
  w.Field("ref", std::string_view(e.ref));
  w.Key("preserve_until");
  if (e.preserve_until) {
    w.String(FormatRfc3339Ms(*e.preserve_until));
  } else {
    w.Null();
  }
  w.Field("prev_hash", std::string_view(e.prev_hash)).Field("hash", std::string_view(e.hash));
  w.EndObject();
}

StatusOr<std::string> CanonicalizeJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  auto err = parser.parse(padded).get(root);
  if (err)
    return Status::InvalidArgument(std::string("evidence is not JSON: ") +
                                   simdjson::error_message(err));
  std::string out;
  EmitCanonical(out, root);
  return out;
}

std::string DefaultActor() {
  for (const char* var : {"CORDON_USER", "USER"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "cli";
}

std::optional<TimeMs> ParseTimeArg(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool digits = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!(std::isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s[i] == '-')))
      digits = false;
  }
  if (digits && s != "-") {
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
  }
  return ParseRfc3339Ms(s);
}

TimeMs AddMonths(TimeMs t, int months) {
  const int64_t days = (t >= 0 ? t : t - (kDayMs - 1)) / kDayMs;
  const TimeMs in_day = t - days * kDayMs;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  int64_t mi = static_cast<int64_t>(m) - 1 + months;
  y += (mi >= 0 ? mi : mi - 11) / 12;
  mi = ((mi % 12) + 12) % 12;
  static constexpr unsigned kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned len = kLen[mi];
  if (mi == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) len = 29;
  return DaysFromCivil(y, static_cast<unsigned>(mi + 1), std::min(d, len)) * kDayMs + in_day;
}

TimeMs SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Ledger::Ledger(Store& store, const Clock* clock) : store_(store), clock_(clock) {}

TimeMs Ledger::Now() const {
  if (clock_ != nullptr) return clock_->Now();
  return SystemClock().Now();
}

StatusOr<Entry> Ledger::Append(Entry e) {
  if (e.action.empty()) return Status::InvalidArgument("ledger entry without an action");
  if (e.evidence.empty()) e.evidence = "{}";
  ASSIGN_OR_RETURN(e.evidence, CanonicalizeJson(e.evidence));
  Statement tip(store_.db(), "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1");
  if (!tip.ok()) return tip.status();
  e.seq = 1;
  e.prev_hash = std::string(kGenesisHash);
  if (tip.Step()) {
    e.seq = tip.Int(0) + 1;
    e.prev_hash = std::string(tip.Text(1));
  }
  RETURN_IF_ERROR(tip.status());
  e.recorded = Now();
  e.hash = ChainHash(e.prev_hash, CanonicalJson(e));
  Statement ins(store_.db(),
                "INSERT INTO ledger(seq, time, recorded, action, entity, reason, source, "
                "decided_by, evidence, ref, preserve_until, prev_hash, hash) "
                "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
  if (!ins.ok()) return ins.status();
  ins.Bind(1, e.seq).Bind(2, e.time).Bind(3, e.recorded).Bind(4, e.action).Bind(5, e.entity);
  ins.Bind(6, e.reason).Bind(7, e.source).Bind(8, e.decided_by).Bind(9, e.evidence);
  ins.Bind(10, e.ref).Bind(11, e.preserve_until).Bind(12, e.prev_hash).Bind(13, e.hash);
  RETURN_IF_ERROR(ins.Run());
  return e;
}

StatusOr<std::optional<TimeMs>> Ledger::DownSince(std::string_view entity,
                                                  std::optional<TimeMs> at) {
  // At equal times a reinstatement counts as the later decision.
  Statement q(store_.db(),
              "SELECT action, time FROM takedowns WHERE entity = ?1 AND time <= ?2 "
              "ORDER BY time DESC, CASE action WHEN 'reinstate' THEN 0 ELSE 1 END LIMIT 1");
  if (!q.ok()) return q.status();
  q.Bind(1, entity).Bind(2, at.value_or(INT64_MAX));
  std::optional<TimeMs> down;
  if (q.Step() && q.Text(0) == "takedown") down = q.Int(1);
  RETURN_IF_ERROR(q.status());
  return down;
}

bool Ledger::HasDecision(std::string_view entity, TimeMs time, std::string_view action) {
  Statement q(store_.db(),
              "SELECT 1 FROM ledger WHERE entity = ?1 AND time = ?2 AND action = ?3 LIMIT 1");
  q.Bind(1, entity).Bind(2, time).Bind(3, action);
  return q.Step();
}

StatusOr<Entry> Ledger::Takedown(const TakedownRequest& r) {
  if (r.entity.empty()) return Status::InvalidArgument("takedown: no entity");
  if (r.reason.empty()) return Status::InvalidArgument("takedown of " + r.entity + ": no reason");
  if (!IsKnownSource(r.source)) {
    return Status::InvalidArgument("takedown of " + r.entity + ": unknown source '" + r.source +
                                   "' (platform, referral, user_report, policy)");
  }
  if (r.decided_by.empty()) {
    return Status::InvalidArgument("takedown of " + r.entity + ": no decided_by");
  }
  if (r.preserve_months < 0) return Status::InvalidArgument("preserve_months must be >= 0");
  ASSIGN_OR_RETURN(std::optional<TimeMs> down, DownSince(r.entity));
  if (down) {
    return Status::InvalidArgument(r.entity + " is already down since " + FormatRfc3339Ms(*down));
  }
  Entry e;
  e.time = r.time;
  e.action = "takedown";
  e.entity = r.entity;
  e.reason = r.reason;
  e.source = r.source;
  e.decided_by = r.decided_by;
  e.evidence = r.evidence;
  e.ref = r.ref;
  e.preserve_until = AddMonths(r.time, r.preserve_months);
  ASSIGN_OR_RETURN(Entry out, Append(std::move(e)));
  RETURN_IF_ERROR(store_.Apply(TakedownEvent{r.entity, r.time, r.reason, r.source}));
  return out;
}

StatusOr<Entry> Ledger::Reinstate(const ReinstateRequest& r) {
  if (r.entity.empty()) return Status::InvalidArgument("reinstate: no entity");
  if (r.reason.empty()) return Status::InvalidArgument("reinstate " + r.entity + ": no reason");
  if (r.decided_by.empty())
    return Status::InvalidArgument("reinstate " + r.entity + ": no decided_by");
  if (!IsKnownSource(r.source)) {
    return Status::InvalidArgument("reinstate " + r.entity + ": unknown source '" + r.source + "'");
  }
  ASSIGN_OR_RETURN(std::optional<TimeMs> down, DownSince(r.entity));
  if (!down) return Status::InvalidArgument(r.entity + " is not down");
  if (r.time < *down) {
    return Status::InvalidArgument("reinstatement of " + r.entity + " predates its takedown at " +
                                   FormatRfc3339Ms(*down));
  }
  Entry e;
  e.time = r.time;
  e.action = "reinstate";
  e.entity = r.entity;
  e.reason = r.reason;
  e.source = r.source;
  e.decided_by = r.decided_by;
  e.evidence = r.evidence;
  if (r.appeal > 0) {
    Statement q(store_.db(), "SELECT entity, status FROM appeals WHERE id = ?1");
    q.Bind(1, r.appeal);
    if (!q.Step()) return Status::NotFound("no appeal " + std::to_string(r.appeal));
    if (q.Text(0) != r.entity) {
      return Status::InvalidArgument("appeal " + std::to_string(r.appeal) + " is about " +
                                     std::string(q.Text(0)) + ", not " + r.entity);
    }
    if (q.Text(1) != "open") {
      return Status::InvalidArgument("appeal " + std::to_string(r.appeal) + " is " +
                                     std::string(q.Text(1)));
    }
    e.ref = "appeal:" + std::to_string(r.appeal);
    Statement u(store_.db(),
                "UPDATE appeals SET status = 'granted', decided = ?2, decided_by = ?3, "
                "decision = ?4 WHERE id = ?1");
    RETURN_IF_ERROR(
        u.Bind(1, r.appeal).Bind(2, r.time).Bind(3, r.decided_by).Bind(4, r.reason).Run());
  }
  ASSIGN_OR_RETURN(Entry out, Append(std::move(e)));
  RETURN_IF_ERROR(store_.Apply(ReinstateEvent{r.entity, r.time, r.reason}));
  return out;
}

StatusOr<Appeal> Ledger::FileAppeal(std::string_view entity, TimeMs time, std::string_view by,
                                    std::string_view reason) {
  if (entity.empty() || by.empty() || reason.empty()) {
    return Status::InvalidArgument("an appeal needs an entity, who files it and a reason");
  }
  ASSIGN_OR_RETURN(std::optional<TimeMs> down, DownSince(entity));
  if (!down)
    return Status::InvalidArgument(std::string(entity) + " is not down: nothing to appeal");
  Statement open(store_.db(), "SELECT id FROM appeals WHERE entity = ?1 AND status = 'open'");
  open.Bind(1, entity);
  if (open.Step()) {
    return Status::InvalidArgument(std::string(entity) + " has an open appeal already (" +
                                   std::to_string(open.Int(0)) + ")");
  }
  Statement ins(store_.db(),
                "INSERT INTO appeals(entity, filed, filed_by, reason, status) "
                "VALUES(?1,?2,?3,?4,'open')");
  RETURN_IF_ERROR(ins.Bind(1, entity).Bind(2, time).Bind(3, by).Bind(4, reason).Run());
  Appeal a;
  a.id = sqlite3_last_insert_rowid(store_.db());
  a.entity = std::string(entity);
  a.filed = time;
  a.filed_by = std::string(by);
  a.reason = std::string(reason);
  a.status = "open";
  Entry e;
  e.time = time;
  e.action = "appeal";
  e.entity = a.entity;
  e.reason = a.reason;
  e.source = "user_report";
  e.decided_by = a.filed_by;
  e.ref = "appeal:" + std::to_string(a.id);
  e.evidence = EvidenceObject({{"taken_down", FormatRfc3339Ms(*down)}});
  ASSIGN_OR_RETURN(Entry ignored, Append(std::move(e)));
  (void)ignored;
  return a;
}

StatusOr<Entry> Ledger::DenyAppeal(int64_t id, TimeMs time, std::string_view by,
                                   std::string_view reason) {
  if (by.empty() || reason.empty()) return Status::InvalidArgument("a denial needs who and why");
  Statement q(store_.db(), "SELECT entity, status FROM appeals WHERE id = ?1");
  q.Bind(1, id);
  if (!q.Step()) return Status::NotFound("no appeal " + std::to_string(id));
  const std::string entity(q.Text(0));
  if (q.Text(1) != "open") {
    return Status::InvalidArgument("appeal " + std::to_string(id) + " is " +
                                   std::string(q.Text(1)));
  }
  Statement u(store_.db(),
              "UPDATE appeals SET status = 'denied', decided = ?2, decided_by = ?3, decision = ?4 "
              "WHERE id = ?1");
  RETURN_IF_ERROR(u.Bind(1, id).Bind(2, time).Bind(3, by).Bind(4, reason).Run());
  Entry e;
  e.time = time;
  e.action = "appeal_denied";
  e.entity = entity;
  e.reason = std::string(reason);
  e.source = "platform";
  e.decided_by = std::string(by);
  e.ref = "appeal:" + std::to_string(id);
  return Append(std::move(e));
}

StatusOr<std::vector<Appeal>> Ledger::Appeals(std::string_view status) {
  Statement q(store_.db(),
              "SELECT id, entity, filed, filed_by, reason, status, decided, decided_by, decision "
              "FROM appeals WHERE ?1 = '' OR status = ?1 ORDER BY id");
  if (!q.ok()) return q.status();
  q.Bind(1, status);
  std::vector<Appeal> out;
  while (q.Step()) {
    Appeal a;
    a.id = q.Int(0);
    a.entity = std::string(q.Text(1));
    a.filed = q.Int(2);
    a.filed_by = std::string(q.Text(3));
    a.reason = std::string(q.Text(4));
    a.status = std::string(q.Text(5));
    if (!q.IsNull(6)) a.decided = q.Int(6);
    a.decided_by = std::string(q.Text(7));
    a.decision = std::string(q.Text(8));
    out.push_back(std::move(a));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<Entry> Ledger::Hold(std::string_view entity, TimeMs until, TimeMs time,
                             std::string_view by, std::string_view reason) {
  if (entity.empty() || by.empty() || reason.empty()) {
    return Status::InvalidArgument("a hold needs an entity, who orders it and a reason");
  }
  ASSIGN_OR_RETURN(std::optional<TimeMs> down, DownSince(entity));
  if (!down)
    return Status::InvalidArgument(std::string(entity) + " is not down: nothing to preserve");
  Entry e;
  e.time = time;
  e.action = "preserve";
  e.entity = std::string(entity);
  e.reason = std::string(reason);
  e.source = "platform";
  e.decided_by = std::string(by);
  e.preserve_until = until;
  return Append(std::move(e));
}

StatusOr<std::vector<Preserved>> Ledger::Preservation() {
  // Replays the ledger per entity: takedown opens a preservation, preserve extends it,
  // reinstate closes it (the content is back), purge marks it done.
  Statement q(store_.db(),
              "SELECT entity, action, time, preserve_until FROM ledger "
              "WHERE action IN ('takedown','reinstate','preserve','purge') ORDER BY seq");
  if (!q.ok()) return q.status();
  std::map<std::string, Preserved> state;
  while (q.Step()) {
    const std::string entity(q.Text(0));
    const std::string_view action = q.Text(1);
    if (action == "takedown") {
      Preserved p;
      p.entity = entity;
      p.taken_down = q.Int(2);
      p.until = q.IsNull(3) ? q.Int(2) : q.Int(3);
      state[entity] = p;
    } else if (action == "reinstate") {
      state.erase(entity);
    } else if (action == "preserve") {
      auto it = state.find(entity);
      if (it != state.end() && !q.IsNull(3))
        it->second.until = std::max(it->second.until, q.Int(3));
    } else if (action == "purge") {
      auto it = state.find(entity);
      if (it != state.end()) it->second.purged = true;
    }
  }
  RETURN_IF_ERROR(q.status());
  RETURN_IF_ERROR(store_.EnsureAnalysisIndexes());
  Statement count(store_.db(),
                  "SELECT (SELECT count(*) FROM messages WHERE chat = ?1) + "
                  "(SELECT count(*) FROM messages WHERE sender = ?1 AND chat != ?1)");
  if (!count.ok()) return count.status();
  std::vector<Preserved> out;
  for (auto& [entity, p] : state) {
    count.Bind(1, entity);
    if (count.Step()) p.messages = count.Int(0);
    count.Reset();
    out.push_back(p);
  }
  return out;
}

StatusOr<std::vector<Preserved>> Ledger::Purge(TimeMs now, std::string_view by, bool dry_run) {
  if (by.empty()) return Status::InvalidArgument("purge: no decided_by");
  ASSIGN_OR_RETURN(std::vector<Preserved> all, Preservation());
  std::vector<Preserved> due;
  for (const Preserved& p : all) {
    if (!p.purged && p.until <= now) due.push_back(p);
  }
  if (dry_run) return due;
  const std::string ids =
      "SELECT id FROM messages WHERE chat = ?1 UNION SELECT id FROM messages WHERE sender = ?1";
  Statement del_media(store_.db(), "DELETE FROM media WHERE message_id IN (" + ids + ")");
  Statement del_links(store_.db(), "DELETE FROM links WHERE message_id IN (" + ids + ")");
  Statement del_msgs(store_.db(), "DELETE FROM messages WHERE chat = ?1 OR sender = ?1");
  for (Statement* s : {&del_media, &del_links, &del_msgs}) {
    if (!s->ok()) return s->status();
  }
  for (Preserved& p : due) {
    RETURN_IF_ERROR(del_media.Bind(1, p.entity).Run());
    const int64_t media = sqlite3_changes(store_.db());
    RETURN_IF_ERROR(del_links.Bind(1, p.entity).Run());
    const int64_t links = sqlite3_changes(store_.db());
    RETURN_IF_ERROR(del_msgs.Bind(1, p.entity).Run());
    const int64_t messages = sqlite3_changes(store_.db());
    std::string ev;
    JsonWriter w(ev);
    w.BeginObject().Field("links", links).Field("media", media).Field("messages", messages);
    w.Field("preserved_until", std::string_view(FormatRfc3339Ms(p.until))).EndObject();
    Entry e;
    e.time = now;
    e.action = "purge";
    e.entity = p.entity;
    e.reason = "preservation period ended";
    e.source = "platform";
    e.decided_by = std::string(by);
    e.evidence = ev;
    RETURN_IF_ERROR(Append(std::move(e)).status());
    p.messages = messages;
    p.purged = true;
  }
  return due;
}

StatusOr<bool> Ledger::MirrorEvent(const Event& event) {
  Entry e;
  std::string stream_source;
  if (const auto* t = std::get_if<TakedownEvent>(&event)) {
    e.action = "takedown";
    e.entity = t->entity;
    e.time = t->time;
    e.reason = t->reason;
    stream_source = t->source;
    e.preserve_until = AddMonths(t->time, kDefaultPreserveMonths);
  } else if (const auto* r = std::get_if<ReinstateEvent>(&event)) {
    e.action = "reinstate";
    e.entity = r->entity;
    e.time = r->time;
    e.reason = r->reason;
  } else {
    return false;
  }
  if (HasDecision(e.entity, e.time, e.action)) return false;
  if (e.reason.empty()) e.reason = "unspecified";
  e.source = IsKnownSource(stream_source) ? stream_source : "platform";
  e.decided_by = "platform";
  std::string ev;
  JsonWriter w(ev);
  w.BeginObject().Field("origin", "stream");
  if (!stream_source.empty() && !IsKnownSource(stream_source)) {
    w.Field("stream_source", std::string_view(stream_source));
  }
  w.EndObject();
  e.evidence = ev;
  RETURN_IF_ERROR(Append(std::move(e)).status());
  return true;
}

StatusOr<int64_t> Ledger::SyncFromTakedowns() {
  Statement q(store_.db(),
              "SELECT t.entity, t.time, t.action, coalesce(t.reason, ''), coalesce(t.source, '') "
              "FROM takedowns t WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE "
              "l.entity = t.entity AND l.time = t.time AND l.action = t.action) "
              "ORDER BY t.time, t.entity, t.action");
  if (!q.ok()) return q.status();
  std::vector<Event> todo;
  while (q.Step()) {
    if (q.Text(2) == "takedown") {
      todo.emplace_back(TakedownEvent{std::string(q.Text(0)), q.Int(1), std::string(q.Text(3)),
                                      std::string(q.Text(4))});
    } else {
      todo.emplace_back(ReinstateEvent{std::string(q.Text(0)), q.Int(1), std::string(q.Text(3))});
    }
  }
  RETURN_IF_ERROR(q.status());
  int64_t added = 0;
  for (const Event& ev : todo) {
    ASSIGN_OR_RETURN(bool a, MirrorEvent(ev));
    added += a;
  }
  return added;
}

StatusOr<std::vector<Entry>> Ledger::List(const ListFilter& f) {
  std::string sql = "SELECT " + std::string(kEntryColumns) +
                    " FROM ledger WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR action = ?2) "
                    "AND time >= ?3 AND time <= ?4 ORDER BY seq";
  if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
  Statement q(store_.db(), sql);
  if (!q.ok()) return q.status();
  q.Bind(1, f.entity).Bind(2, f.action).Bind(3, f.since.value_or(INT64_MIN));
  q.Bind(4, f.until.value_or(INT64_MAX));
  std::vector<Entry> out;
  while (q.Step()) out.push_back(ReadEntry(q));
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<VerifyResult> Ledger::Verify() {
  VerifyResult r;
  Statement q(store_.db(), "SELECT " + std::string(kEntryColumns) + " FROM ledger ORDER BY seq");
  if (!q.ok()) return q.status();
  std::string prev(kGenesisHash);
  int64_t expect_seq = 1;
  while (q.Step()) {
    Entry e = ReadEntry(q);
    ++r.entries;
    std::string problem;
    if (e.seq != expect_seq) {
      problem = "sequence gap: expected entry " + std::to_string(expect_seq) + ", found " +
                std::to_string(e.seq) + " (entries deleted or inserted)";
    } else if (e.prev_hash != prev) {
      problem = "prev_hash does not match the hash of the entry before";
    } else if (ChainHash(e.prev_hash, CanonicalJson(e)) != e.hash) {
      problem = "hash does not match the entry's contents (edited)";
    }
    if (!problem.empty()) {
      r.ok = false;
      r.first_bad_seq = e.seq;
      r.problem = problem;
      break;
    }
    prev = e.hash;
    r.head = e.hash;
    ++expect_seq;
  }
  RETURN_IF_ERROR(q.status());
  Statement w(store_.db(),
              "SELECT l.seq, l.action, l.entity, l.time FROM ledger l "
              "WHERE l.action IN ('takedown','reinstate') AND NOT EXISTS ("
              "SELECT 1 FROM takedowns t WHERE t.entity = l.entity AND t.time = l.time AND "
              "t.action = l.action) ORDER BY l.seq LIMIT 100");
  if (!w.ok()) return w.status();
  while (w.Step()) {
    r.warnings.push_back("entry " + std::to_string(w.Int(0)) + ": " + std::string(w.Text(1)) +
                         " of " + std::string(w.Text(2)) + " at " + FormatRfc3339Ms(w.Int(3)) +
                         " has no takedowns row");
  }
  RETURN_IF_ERROR(w.status());
  return r;
}

}  // namespace cordon::ledger
