// cordon takedown --db FILE ENTITY --reason R [--time T] [--source S] [--by WHO]
//                 [--message KEY]... [--evidence JSON] [--referral ID] [--preserve-months N]
//                 [--force] [--json]
// cordon takedown --db FILE --import CSV [--by WHO] [--force] [--json]
// Entity keys must be <platform>:<id> and, without --force, known to the store
// (ledger/entity_key.h).
#include <fmt/core.h>

#include "command.h"
#include "cordon/ledger/ledger.h"
#include "cordon/ledger/takedown_import.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

int ImportCsv(Store& store, ledger::Ledger& led, const std::string& path, const std::string& by,
              bool force, bool json) {
  auto r = ledger::ImportTakedownFile(store, led, path, by, force);
  if (!r.ok()) return Fail(r.status().ToString());
  if (json) {
    std::string out;
    JsonWriter w(out);
    w.BeginObject().Field("file", std::string_view(path)).Field("recorded", r->recorded);
    w.Field("already_recorded", r->already_recorded).Key("problems").BeginArray();
    for (const auto& [where, msg] : r->problems) {
      w.BeginObject().Field("where", std::string_view(where.ToString()));
      w.Field("message", std::string_view(msg)).EndObject();
    }
    w.EndArray().EndObject();
    fmt::print("{}\n", out);
  } else {
    for (const auto& [where, msg] : r->problems) {
      fmt::print(stderr, "cordon: {}: {}\n", where.ToString(), msg);
    }
    fmt::print("{} takedowns recorded, {} already recorded, {} rows refused\n", r->recorded,
               r->already_recorded, r->problems.size());
  }
  return r->problems.empty() ? 0 : 2;
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
  app.add_option("--time", a->time,
                 "when it takes effect (RFC 3339, YYYY-MM-DD or ms; default now)");
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
      auto p = ParseTimeArg(a->time);
      if (!p) return Fail(fmt::format("--time: not {}: {}", kTimeArgForms, a->time));
      t = *p;
    }
    auto ev = ledger::TakedownEvidence(a->evidence, a->messages);
    if (!ev.ok()) return Fail(ev.status().ToString());
    ledger::TakedownRequest req{a->entity, t,   a->reason, a->source,
                                by,        *ev, "",        a->preserve_months};
    auto rec = ledger::RecordTakedown(**store, led, req, a->referral, a->force);
    if (!rec.ok()) return Fail(rec.status().ToString());
    if (!rec->refused.empty()) return Fail(rec->refused);
    const ledger::Entry& entry = *rec->entry;
    if (a->json) {
      std::string out;
      ledger::AppendEntryJson(out, entry);
      fmt::print("{}\n", out);
    } else {
      fmt::print("ledger entry {}: takedown of {} at {} ({}, {}), preserved until {}\n", entry.seq,
                 entry.entity, FormatRfc3339Ms(entry.time), entry.reason, entry.source,
                 FormatRfc3339Ms(*entry.preserve_until));
    }
    return 0;
  };
}

CORDON_COMMAND(kTakedown, "takedown",
               "Record a takedown in the ledger (or import takedowns from CSV)", Setup);

}  // namespace
}  // namespace cordon::cli
