// cordon reinstate --db FILE ENTITY --reason R [--time T] [--by WHO] [--appeal ID]
//                  [--evidence JSON] [--force] [--json]
// The entity key must be <platform>:<id> and, without --force, known to the store.
#include <fmt/core.h>

#include "command.h"
#include "cordon/ledger/entity_key.h"
#include "cordon/ledger/ledger.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db, entity, reason, time, by, evidence, source = "platform";
    int64_t appeal = 0;
    bool force = false;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("entity", a->entity, "entity key")->required();
  app.add_option("--reason", a->reason, "why, e.g. appeal_upheld, mistaken_takedown")->required();
  app.add_option("--time", a->time,
                 "when it takes effect (RFC 3339, YYYY-MM-DD or ms; default now)");
  app.add_option("--by", a->by, "who decided (default $CORDON_USER or $USER)");
  app.add_option("--appeal", a->appeal, "the appeal this grants (cordon ledger appeals)");
  app.add_option("--source", a->source, "platform, referral, user_report or policy")
      ->capture_default_str();
  app.add_option("--evidence", a->evidence, "evidence, a JSON object");
  app.add_flag("--force", a->force, "even when nothing ingested mentions the entity");
  app.add_flag("--json", a->json, "print the ledger entry as JSON");
  return [a]() -> int {
    auto store = Store::Open(a->db, RecordingOptions());
    if (!store.ok()) return Fail(store.status().ToString());
    ledger::Ledger led(**store);
    TimeMs t = ledger::SystemClock().Now();
    if (!a->time.empty()) {
      auto p = ParseTimeArg(a->time);
      if (!p) return Fail(fmt::format("--time: not {}: {}", kTimeArgForms, a->time));
      t = *p;
    }
    ledger::ReinstateRequest r;
    r.entity = a->entity;
    r.time = t;
    r.reason = a->reason;
    r.source = a->source;
    r.decided_by = a->by.empty() ? ledger::DefaultActor() : a->by;
    r.evidence = a->evidence.empty() ? "{}" : a->evidence;
    r.appeal = a->appeal;
    Status st = (*store)->Begin();
    if (!st.ok()) return Fail(st.ToString());
    st = ledger::CheckEntityKey(**store, r.entity, a->force);
    if (!st.ok()) return Fail(st.ToString());
    auto e = led.Reinstate(r);
    if (!e.ok()) return Fail(e.status().ToString());
    st = (*store)->Commit();
    if (!st.ok()) return Fail(st.ToString());
    if (a->json) {
      std::string out;
      ledger::AppendEntryJson(out, *e);
      fmt::print("{}\n", out);
    } else {
      fmt::print("ledger entry {}: reinstatement of {} at {} ({}){}\n", e->seq, e->entity,
                 FormatRfc3339Ms(e->time), e->reason, e->ref.empty() ? "" : ", " + e->ref);
    }
    return 0;
  };
}

CORDON_COMMAND(kReinstate, "reinstate", "Record a reinstatement in the ledger (after an appeal)",
               Setup);

}  // namespace
}  // namespace cordon::cli
