// cordon takedown --db FILE ENTITY --reason R [--time T] [--source S] [--by WHO]
//                 [--message KEY]... [--evidence JSON] [--referral ID] [--preserve-months N]
//                 [--force] [--json]
// cordon takedown --db FILE --import CSV [--by WHO] [--force] [--json]
// Entity keys must be <platform>:<id> and, without --force, known to the store
// (ledger/entity_key.h).
#include <cstdio>
#include <fstream>
#include <sstream>

#include "command.h"
#include "cordon/ledger/entity_key.h"
#include "cordon/ledger/ledger.h"
#include "cordon/ledger/referrals.h"
#include "cordon/ledger/takedown_csv.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

// The evidence object: --evidence (an object) with the --message keys added as "messages".
StatusOr<std::string> Evidence(const std::string& json, const std::vector<std::string>& messages) {
  ASSIGN_OR_RETURN(std::string ev, ledger::CanonicalizeJson(json.empty() ? "{}" : json));
  if (ev.empty() || ev.front() != '{') {
    return Status::InvalidArgument("--evidence must be a JSON object");
  }
  if (messages.empty()) return ev;
  std::string list;
  JsonWriter w(list);
  w.BeginArray();
  for (const auto& m : messages) w.String(m);
  w.EndArray();
  ev.pop_back();
  if (ev.size() > 1) ev += ',';
  ev += "\"messages\":" + list + "}";
  return ledger::CanonicalizeJson(ev);
}

int ImportCsv(Store& store, ledger::Ledger& led, const std::string& path, const std::string& by,
              bool force, bool json) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::IoError("cannot read file", Location{path}).ToString());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  ledger::CsvResult csv = ledger::ParseTakedownCsv(text, path);
  int64_t recorded = 0, existing = 0;
  std::vector<std::pair<Location, std::string>> problems;
  for (const auto& p : csv.problems) problems.emplace_back(p.where, p.message);
  Status st = store.Begin();
  if (!st.ok()) return Fail(st.ToString());
  for (const ledger::CsvTakedown& row : csv.rows) {
    if (Status k = ledger::CheckEntityKey(store, row.entity, force); !k.ok()) {
      if (k.code() != StatusCode::kInvalidArgument) return Fail(k.ToString());
      problems.emplace_back(Location{path, row.line}, k.message());
      continue;
    }
    // Importing the same file twice records nothing twice.
    Statement q(store.db(),
                "SELECT 1 FROM takedowns WHERE entity = ?1 AND time = ?2 AND action = 'takedown'");
    q.Bind(1, row.entity).Bind(2, row.time);
    if (q.Step()) {
      ++existing;
      continue;
    }
    ledger::TakedownRequest r;
    r.entity = row.entity;
    r.time = row.time;
    r.reason = row.reason;
    r.source = row.source;
    r.decided_by = by;
    std::string ev;
    JsonWriter w(ev);
    w.BeginObject().Field("import", std::string_view(path)).Field("line", row.line).EndObject();
    r.evidence = ev;
    auto e = led.Takedown(r);
    if (!e.ok()) {
      if (e.status().code() == StatusCode::kInvalidArgument) {
        problems.emplace_back(Location{path, row.line}, e.status().message());
        continue;
      }
      return Fail(e.status().ToString());
    }
    ++recorded;
  }
  st = store.Commit();
  if (!st.ok()) return Fail(st.ToString());
  if (json) {
    std::string out;
    JsonWriter w(out);
    w.BeginObject().Field("file", std::string_view(path)).Field("recorded", recorded);
    w.Field("already_recorded", existing).Key("problems").BeginArray();
    for (const auto& [where, msg] : problems) {
      w.BeginObject().Field("where", std::string_view(where.ToString()));
      w.Field("message", std::string_view(msg)).EndObject();
    }
    w.EndArray().EndObject();
    std::printf("%s\n", out.c_str());
  } else {
    for (const auto& [where, msg] : problems) {
      std::fprintf(stderr, "cordon: %s: %s\n", where.ToString().c_str(), msg.c_str());
    }
    std::printf("%lld takedowns recorded, %lld already recorded, %zu rows refused\n",
                static_cast<long long>(recorded), static_cast<long long>(existing),
                problems.size());
  }
  return problems.empty() ? 0 : 2;
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db, entity, reason, time, source = "platform", by, evidence, referral, import;
    std::vector<std::string> messages;
    int preserve_months = ledger::kDefaultPreserveMonths;
    bool force = false;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("entity", a->entity, "entity key, e.g. telegram:channel123");
  app.add_option("--reason", a->reason, "reason code, e.g. terrorist_content");
  app.add_option("--time", a->time, "when it takes effect (RFC 3339 or ms; default now)");
  app.add_option("--source", a->source, "platform, referral, user_report or policy")
      ->capture_default_str();
  app.add_option("--by", a->by, "who decided (default $CORDON_USER or $USER)");
  app.add_option("--message", a->messages, "a message key kept as evidence (repeatable)");
  app.add_option("--evidence", a->evidence, "more evidence, a JSON object");
  app.add_option("--referral", a->referral, "the referral or removal order this acts on");
  app.add_option("--preserve-months", a->preserve_months,
                 "how long the removed content is preserved (TCO: 6)")
      ->check(CLI::Range(0, 1200))
      ->capture_default_str();
  app.add_option("--import", a->import,
                 "record the takedowns of a CSV (entity,time,reason[,source])");
  app.add_flag("--force", a->force,
               "record it even when nothing ingested mentions the entity (the key must still "
               "be <platform>:<id>)");
  app.add_flag("--json", a->json, "print the ledger entry as JSON");
  return [a]() -> int {
    auto store = Store::Open(a->db, RecordingOptions());
    if (!store.ok()) return Fail(store.status().ToString());
    ledger::Ledger led(**store);
    const std::string by = a->by.empty() ? ledger::DefaultActor() : a->by;
    if (!a->import.empty()) {
      if (!a->entity.empty()) return Fail("give an entity or --import, not both");
      return ImportCsv(**store, led, a->import, by, a->force, a->json);
    }
    if (a->entity.empty()) return Fail("no entity (or --import CSV)");
    if (a->reason.empty()) return Fail("--reason is required");
    TimeMs t = ledger::SystemClock().Now();
    if (!a->time.empty()) {
      auto p = ledger::ParseTimeArg(a->time);
      if (!p) return Fail("--time: not RFC 3339 or milliseconds: " + a->time);
      t = *p;
    }
    auto ev = Evidence(a->evidence, a->messages);
    if (!ev.ok()) return Fail(ev.status().ToString());
    Status st = (*store)->Begin();
    if (!st.ok()) return Fail(st.ToString());
    st = ledger::CheckEntityKey(**store, a->entity, a->force);
    if (!st.ok()) return Fail(st.ToString());
    StatusOr<ledger::Entry> entry = Status::Internal("unset");
    if (!a->referral.empty()) {
      // Acting on a referral: the referral module takes it down and closes the referral.
      ledger::Referrals refs(led, **store);
      auto r = refs.Get(a->referral);
      if (!r.ok()) return Fail(r.status().ToString());
      if (!*r) return Fail("no referral " + a->referral);
      if ((*r)->entity != a->entity) {
        return Fail("referral " + a->referral + " is about " + (*r)->entity);
      }
      ledger::TakedownRequest req{
          a->entity,         t, a->reason, "referral", by, *ev, "referral:" + a->referral,
          a->preserve_months};
      entry = led.Takedown(req);
      if (entry.ok()) {
        auto acted = refs.Act(a->referral, t, by, /*take_down=*/false);
        if (!acted.ok()) return Fail(acted.status().ToString());
      }
    } else {
      ledger::TakedownRequest req{a->entity, t,   a->reason, a->source,
                                  by,        *ev, "",        a->preserve_months};
      entry = led.Takedown(req);
    }
    if (!entry.ok()) return Fail(entry.status().ToString());
    st = (*store)->Commit();
    if (!st.ok()) return Fail(st.ToString());
    if (a->json) {
      std::string out;
      ledger::AppendEntryJson(out, *entry);
      std::printf("%s\n", out.c_str());
    } else {
      std::printf("ledger entry %lld: takedown of %s at %s (%s, %s), preserved until %s\n",
                  static_cast<long long>(entry->seq), entry->entity.c_str(),
                  FormatRfc3339Ms(entry->time).c_str(), entry->reason.c_str(),
                  entry->source.c_str(), FormatRfc3339Ms(*entry->preserve_until).c_str());
    }
    return 0;
  };
}

CORDON_COMMAND(kTakedown, "takedown",
               "Record a takedown in the ledger (or import takedowns from CSV)", Setup);

}  // namespace
}  // namespace cordon::cli
