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
  ASSIGN_OR_RETURN(std::optional<LedgerTip> tip, ReadLedgerTip(store_));
  e.seq = 1;
  e.prev_hash = std::string(kGenesisHash);
  if (tip) {
    e.seq = tip->seq + 1;
    e.prev_hash = tip->hash;
  }
  e.recorded = Now();
  e.hash = ChainHash(e.prev_hash, CanonicalJson(e));
  RETURN_IF_ERROR(InsertLedgerEntry(store_, e));
  return e;
}

StatusOr<std::optional<TimeMs>> Ledger::DownSince(std::string_view entity,
                                                  std::optional<TimeMs> at) {
  // At equal times a reinstatement counts as the later decision.
  return EntityDownSince(store_, entity, at.value_or(INT64_MAX));
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
    ASSIGN_OR_RETURN(std::optional<Appeal> appeal, FindAppeal(store_, r.appeal));
    if (!appeal) return Status::NotFound("no appeal " + std::to_string(r.appeal));
    if (appeal->entity != r.entity) {
      return Status::InvalidArgument("appeal " + std::to_string(r.appeal) + " is about " +
                                     appeal->entity + ", not " + r.entity);
    }
    if (appeal->status != "open") {
      return Status::InvalidArgument("appeal " + std::to_string(r.appeal) + " is " +
                                     appeal->status);
    }
    e.ref = "appeal:" + std::to_string(r.appeal);
    appeal->status = "granted";
    appeal->decided = r.time;
    appeal->decided_by = r.decided_by;
    appeal->decision = r.reason;
    RETURN_IF_ERROR(UpdateAppealDecision(store_, *appeal));
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
  ASSIGN_OR_RETURN(std::optional<int64_t> open, OpenAppealOf(store_, entity));
  if (open) {
    return Status::InvalidArgument(std::string(entity) + " has an open appeal already (" +
                                   std::to_string(*open) + ")");
  }
  Appeal a;
  a.entity = std::string(entity);
  a.filed = time;
  a.filed_by = std::string(by);
  a.reason = std::string(reason);
  a.status = "open";
  ASSIGN_OR_RETURN(a.id, InsertAppeal(store_, a));
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
  ASSIGN_OR_RETURN(std::optional<Appeal> appeal, FindAppeal(store_, id));
  if (!appeal) return Status::NotFound("no appeal " + std::to_string(id));
  const std::string entity = appeal->entity;
  if (appeal->status != "open") {
    return Status::InvalidArgument("appeal " + std::to_string(id) + " is " + appeal->status);
  }
  appeal->status = "denied";
  appeal->decided = time;
  appeal->decided_by = std::string(by);
  appeal->decision = std::string(reason);
  RETURN_IF_ERROR(UpdateAppealDecision(store_, *appeal));
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
  return ListAppeals(store_, status);
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
  ASSIGN_OR_RETURN(std::vector<Entry> decisions, ReadPreservationEntries(store_));
  std::map<std::string, Preserved> state;
  for (const Entry& d : decisions) {
    const std::string& entity = d.entity;
    const std::string_view action = d.action;
    if (action == "takedown") {
      Preserved p;
      p.entity = entity;
      p.taken_down = d.time;
      p.until = d.preserve_until.value_or(d.time);
      state[entity] = p;
    } else if (action == "reinstate") {
      state.erase(entity);
    } else if (action == "preserve") {
      auto it = state.find(entity);
      if (it != state.end() && d.preserve_until)
        it->second.until = std::max(it->second.until, *d.preserve_until);
    } else if (action == "purge") {
      auto it = state.find(entity);
      if (it != state.end()) it->second.purged = true;
    }
  }
  RETURN_IF_ERROR(store_.EnsureAnalysisIndexes());
  std::vector<Preserved> out;
  for (auto& [entity, p] : state) {
    ASSIGN_OR_RETURN(p.messages, CountEntityMessages(store_, entity));
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
  for (Preserved& p : due) {
    ASSIGN_OR_RETURN(PurgedRows purged, DeleteEntityMessages(store_, p.entity));
    const int64_t media = purged.media;
    const int64_t links = purged.links;
    const int64_t messages = purged.messages;
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
  ASSIGN_OR_RETURN(bool known, LedgerHasDecision(store_, e.entity, e.time, e.action));
  if (known) return false;
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
  ASSIGN_OR_RETURN(std::vector<Event> todo, TakedownsWithoutLedgerEntry(store_));
  int64_t added = 0;
  for (const Event& ev : todo) {
    ASSIGN_OR_RETURN(bool a, MirrorEvent(ev));
    added += a;
  }
  return added;
}

StatusOr<std::vector<Entry>> Ledger::List(const ListFilter& f) {
  return ListLedgerEntries(store_, f);
}

StatusOr<VerifyResult> Ledger::Verify() {
  VerifyResult r;
  std::string prev(kGenesisHash);
  int64_t expect_seq = 1;
  RETURN_IF_ERROR(ForEachLedgerEntry(store_, [&](const Entry& e) {
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
      return false;
    }
    prev = e.hash;
    r.head = e.hash;
    ++expect_seq;
    return true;
  }));
  ASSIGN_OR_RETURN(std::vector<Entry> unmatched, DecisionsWithoutTakedownRow(store_, 100));
  for (const Entry& w : unmatched) {
    r.warnings.push_back("entry " + std::to_string(w.seq) + ": " + w.action + " of " + w.entity +
                         " at " + FormatRfc3339Ms(w.time) + " has no takedowns row");
  }
  return r;
}

}  // namespace cordon::ledger
