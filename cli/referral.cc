// cordon referral add --db FILE --id ID --entity E --unit U [--kind referral|removal_order]
//                     [--reason R] [--received T] [--deadline-hours H] [--by WHO] [--force]
//                     [--json]
//   (the entity key must be <platform>:<id> and, without --force, known to the store)
// cordon referral act --db FILE ID [--time T] [--by WHO] [--already-removed] [--json]
// cordon referral reject --db FILE ID --reason R [--time T] [--by WHO]
// cordon referral list --db FILE [--status S] [--overdue] [--now T] [--json]
// cordon referral report --db FILE [--now T] [--json]
#include <fmt/core.h>

#include "command.h"
#include "cordon/ledger/entity_key.h"
#include "cordon/ledger/referral_report_text.h"
#include "cordon/ledger/referrals.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db, id, entity, unit, kind = "referral", reason, received, time, by, status, now;
    double deadline_hours = -1;
    bool already = false, overdue = false, json = false, force = false;
  };
  auto a = std::make_shared<Args>();
  app.require_subcommand(1, 1);
  auto common = [&](CLI::App* s) {
    s->add_option("--db", a->db, "database")->required();
    s->add_option("--by", a->by, "who records it (default $CORDON_USER or $USER)");
    s->add_flag("--json", a->json, "print JSON");
  };
  CLI::App* add = app.add_subcommand("add", "Record a received referral or removal order");
  common(add);
  add->add_option("--id", a->id, "the unit's reference")->required();
  add->add_option("--entity", a->entity, "the entity referred")->required();
  add->add_option("--unit", a->unit, "who sent it")->required();
  add->add_option("--kind", a->kind, "referral or removal_order")
      ->check(CLI::IsMember({"referral", "removal_order"}))
      ->capture_default_str();
  add->add_option("--reason", a->reason, "the ground given");
  add->add_option("--received", a->received,
                  "when it was received (RFC 3339, YYYY-MM-DD or ms; default now)");
  add->add_option("--deadline-hours", a->deadline_hours,
                  "deadline after receipt (removal orders: 1 by default)");
  add->add_flag("--force", a->force, "even when nothing ingested mentions the entity");
  CLI::App* act = app.add_subcommand("act", "Act on it: take the entity down and close it");
  common(act);
  act->add_option("id", a->id, "referral id")->required();
  act->add_option("--time", a->time, "when (RFC 3339, YYYY-MM-DD or ms; default now)");
  act->add_flag("--already-removed", a->already, "close it without a takedown (already down)");
  CLI::App* reject = app.add_subcommand("reject", "Close it without action");
  common(reject);
  reject->add_option("id", a->id, "referral id")->required();
  reject->add_option("--reason", a->reason, "why")->required();
  reject->add_option("--time", a->time, "when (RFC 3339, YYYY-MM-DD or ms; default now)");
  CLI::App* list = app.add_subcommand("list", "Referrals with status and deadline");
  common(list);
  list->add_option("--status", a->status, "open, actioned or rejected");
  list->add_flag("--overdue", a->overdue, "only those overdue or actioned late");
  list->add_option("--now", a->now, "the current time (RFC 3339, YYYY-MM-DD or ms; default now)");
  CLI::App* report = app.add_subcommand("report", "Time to action and deadlines met");
  common(report);
  report->add_option("--now", a->now, "the current time (RFC 3339, YYYY-MM-DD or ms; default now)");

  return [a, add, act, reject, list]() -> int {
    auto store = Store::Open(a->db, RecordingOptions());
    if (!store.ok()) return Fail(store.status().ToString());
    ledger::Ledger led(**store);
    ledger::Referrals refs(led, **store);
    const std::string by = a->by.empty() ? ledger::DefaultActor() : a->by;
    auto time_or_now = [](const std::string& s, TimeMs& out) {
      if (s.empty()) {
        out = ledger::SystemClock().Now();
        return true;
      }
      auto p = ParseTimeArg(s);
      if (p) out = *p;
      return p.has_value();
    };
    std::string out;
    JsonWriter w(out);
    auto write = [&](auto&& fn) -> int {
      Status st = (*store)->Begin();
      if (!st.ok()) return Fail(st.ToString());
      auto r = fn();
      if (!r.ok()) return Fail(r.status().ToString());
      st = (*store)->Commit();
      if (!st.ok()) return Fail(st.ToString());
      if (a->json) {
        ledger::AppendReferralJson(out, *r, ledger::SystemClock().Now());
        fmt::print("{}\n", out);
      } else {
        fmt::print("{} {}: {} ({})\n", r->kind, r->id, r->status, r->entity);
      }
      return 0;
    };
    if (add->parsed()) {
      ledger::Referral r;
      r.id = a->id;
      r.kind = a->kind;
      r.entity = a->entity;
      r.unit = a->unit;
      r.reason = a->reason;
      if (!time_or_now(a->received, r.received))
        return Fail(fmt::format("--received: not {}: {}", kTimeArgForms, a->received));
      if (a->deadline_hours >= 0) {
        r.deadline = r.received + static_cast<TimeMs>(a->deadline_hours * 3600 * 1000);
      }
      return write([&]() -> StatusOr<ledger::Referral> {
        RETURN_IF_ERROR(ledger::CheckEntityKey(**store, r.entity, a->force));
        return refs.Add(r, by);
      });
    }
    if (act->parsed() || reject->parsed()) {
      TimeMs t = 0;
      if (!time_or_now(a->time, t))
        return Fail(fmt::format("--time: not {}: {}", kTimeArgForms, a->time));
      if (act->parsed()) return write([&]() { return refs.Act(a->id, t, by, !a->already); });
      return write([&]() { return refs.Reject(a->id, t, by, a->reason); });
    }
    TimeMs now = 0;
    if (!time_or_now(a->now, now))
      return Fail(fmt::format("--now: not {}: {}", kTimeArgForms, a->now));
    if (list->parsed()) {
      auto all = refs.List(a->status);
      if (!all.ok()) return Fail(all.status().ToString());
      if (a->json) {
        fmt::print("{}\n", ledger::ReferralsJson(*all, now, a->overdue));
        return 0;
      }
      for (const auto& r : *all) {
        if (!a->overdue || r.Overdue(now)) fmt::print("{}\n", ledger::ReferralLine(r, now));
      }
      return 0;
    }
    auto rep = refs.Report(now);
    if (!rep.ok()) return Fail(rep.status().ToString());
    if (a->json) {
      fmt::print("{}\n", ledger::ReferralReportJson(*rep, now));
    } else {
      fmt::print("{}", ledger::ReferralReportText(*rep));
    }
    return 0;
  };
}

CORDON_COMMAND(kReferral, "referral",
               "Referrals and removal orders: record, act, deadlines, time to action", Setup);

}  // namespace
}  // namespace cordon::cli
