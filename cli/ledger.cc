// cordon ledger --db FILE [--json] [--entity E] [--action A] [--limit N]
// cordon ledger verify --db FILE [--json] [--expect-head HASH]
// cordon ledger appeal --db FILE ENTITY --reason R [--by WHO] [--time T] [--json]
// cordon ledger appeals --db FILE [--status open|granted|denied] [--json]
// cordon ledger deny --db FILE APPEAL --reason R [--by WHO] [--time T]
// cordon ledger hold --db FILE ENTITY --until T --reason R [--by WHO]
// cordon ledger preserved --db FILE [--json]
// cordon ledger purge --db FILE [--now T] [--dry-run] [--by WHO] [--json]
// cordon ledger sync --db FILE
#include <fmt/core.h>

#include "command.h"
#include "cordon/ledger/ledger.h"
#include "cordon/ledger/ledger_text.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

struct Common {
  std::string db, by, time;
  bool json = false;
};

void AddCommon(CLI::App* app, Common& c, bool with_time) {
  app->add_option("--db", c.db, "database");
  app->add_option("--by", c.by, "who decides (default $CORDON_USER or $USER)");
  if (with_time) app->add_option("--time", c.time, "when: RFC 3339, YYYY-MM-DD or ms; default now");
  app->add_flag("--json", c.json, "print JSON");
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    Common list, verify, appeal, appeals, deny, hold, preserved, purge, sync;
    std::string entity, action, expect_head, reason, status, until, now;
    int64_t limit = 0, appeal_id = 0;
    bool dry_run = false;
  };
  auto a = std::make_shared<Args>();
  // Each subcommand with its own --db, --by, --json (and --time): they may follow its name.
  std::vector<std::pair<CLI::App*, Common*>> subs;
  auto sub = [&](const char* name, const char* what, Common& c, bool with_time) {
    CLI::App* s = app.add_subcommand(name, what);
    AddCommon(s, c, with_time);
    subs.emplace_back(s, &c);
    return s;
  };
  app.require_subcommand(0, 1);
  AddCommon(&app, a->list, false);
  app.add_option("--entity", a->entity, "only this entity");
  app.add_option("--action", a->action, "only this action (takedown, reinstate, appeal, ...)");
  app.add_option("--limit", a->limit, "at most this many entries");
  CLI::App* verify =
      sub("verify", "Recompute the hash chain; name the first broken entry", a->verify, false);
  verify->add_option("--expect-head", a->expect_head,
                     "the head hash kept elsewhere: also detects entries cut from the end");
  CLI::App* appeal = sub("appeal", "File an appeal against a takedown", a->appeal, true);
  appeal->add_option("entity", a->entity, "entity key")->required();
  appeal->add_option("--reason", a->reason, "the appellant's grounds")->required();
  CLI::App* appeals = sub("appeals", "List appeals", a->appeals, false);
  appeals->add_option("--status", a->status, "open, granted or denied");
  CLI::App* deny =
      sub("deny", "Deny an appeal (grant one with cordon reinstate --appeal)", a->deny, true);
  deny->add_option("appeal", a->appeal_id, "appeal id")->required();
  deny->add_option("--reason", a->reason, "why")->required();
  CLI::App* hold = sub("hold", "Preserve an entity's removed content longer", a->hold, true);
  hold->add_option("entity", a->entity, "entity key")->required();
  hold->add_option("--until", a->until, "preserve until (RFC 3339, YYYY-MM-DD or ms)")->required();
  hold->add_option("--reason", a->reason, "why, e.g. a request from an authority")->required();
  CLI::App* preserved =
      sub("preserved", "Removed content held, and until when", a->preserved, false);
  CLI::App* purge =
      sub("purge", "Delete removed content whose preservation ended", a->purge, false);
  purge->add_option("--now", a->now, "the current time (RFC 3339, YYYY-MM-DD or ms; default now)");
  purge->add_flag("--dry-run", a->dry_run, "only say what would be deleted");
  CLI::App* sync =
      sub("sync", "Mirror takedowns from platform streams into the ledger", a->sync, false);

  return [a, subs, verify, appeal, appeals, deny, hold, preserved, purge, sync]() -> int {
    const Common* c = &a->list;
    for (auto [s, common] : subs) {
      if (s->parsed()) c = common;
    }
    const std::string db = c->db.empty() ? a->list.db : c->db;
    if (db.empty()) return Fail("--db is required");
    const bool json = c->json || a->list.json;
    std::string by = c->by.empty() ? a->list.by : c->by;
    if (by.empty()) by = ledger::DefaultActor();
    auto store = Store::Open(db, RecordingOptions());
    if (!store.ok()) return Fail(store.status().ToString());
    ledger::Ledger led(**store);
    // Prints the JSON or the text, whichever was asked for.
    auto print = [json](const std::string& j, const std::string& text) {
      fmt::print("{}\n", json ? j : text);
    };

    if (verify->parsed()) {
      auto r = led.Verify();
      if (!r.ok()) return Fail(r.status().ToString());
      const ledger::VerifyVerdict v = ledger::CheckVerify(*r, a->expect_head);
      print(ledger::VerifyJson(*r, v),
            v.ok ? fmt::format("ledger OK: {} entries, head {}", r->entries, r->head)
                 : fmt::format("ledger BROKEN at entry {}: {}", r->first_bad_seq, v.problem));
      for (const auto& s : r->warnings) fmt::print(stderr, "cordon: warning: {}\n", s);
      return v.ok ? 0 : 3;
    }

    // Runs fn inside a write transaction, committed when it succeeds.
    auto run = [&](const std::function<Status()>& fn) -> int {
      Status st = (*store)->Begin();
      if (st.ok()) st = fn();
      if (st.ok()) st = (*store)->Commit();
      return st.ok() ? 0 : Fail(st.ToString());
    };
    // Only appeal, deny and hold have --time, and only purge --now: the others get now.
    auto now = ledger::TimeArgOrNow(purge->parsed() ? a->now : c->time,
                                    purge->parsed() ? "--now" : "--time", ledger::SystemClock());
    if (!now.ok()) return Fail(now.status().ToString());

    if (appeal->parsed()) {
      return run([&]() -> Status {
        ASSIGN_OR_RETURN(ledger::Appeal ap, led.FileAppeal(a->entity, *now, by, a->reason));
        print(ledger::AppealJson(ap),
              fmt::format("appeal {} filed against the takedown of {}", ap.id, ap.entity));
        return Status::Ok();
      });
    }
    if (appeals->parsed()) {
      auto list = led.Appeals(a->status);
      if (!list.ok()) return Fail(list.status().ToString());
      if (json) {
        fmt::print("{}\n", ledger::AppealsJson(*list));
      } else {
        for (const auto& ap : *list) fmt::print("{}\n", ledger::AppealLine(ap));
      }
      return 0;
    }
    if (deny->parsed()) {
      return run([&]() -> Status {
        ASSIGN_OR_RETURN(ledger::Entry e, led.DenyAppeal(a->appeal_id, *now, by, a->reason));
        print(ledger::EntryJson(e),
              fmt::format("appeal {} denied (ledger entry {})", a->appeal_id, e.seq));
        return Status::Ok();
      });
    }
    if (hold->parsed()) {
      auto until = ParseTimeArg(a->until);
      if (!until) return Fail(fmt::format("--until: not {}: {}", kTimeArgForms, a->until));
      return run([&]() -> Status {
        ASSIGN_OR_RETURN(ledger::Entry e, led.Hold(a->entity, *until, *now, by, a->reason));
        print(ledger::EntryJson(e),
              fmt::format("content of {} preserved until {} (ledger entry {})", a->entity,
                          FormatRfc3339Ms(*until), e.seq));
        return Status::Ok();
      });
    }
    auto print_preserved = [&](const std::vector<ledger::Preserved>& list, const char* key) {
      if (json) {
        fmt::print("{}\n", ledger::PreservedJson(list, key));
      } else {
        for (const auto& p : list) fmt::print("{}\n", ledger::PreservedLine(p));
      }
    };
    if (preserved->parsed()) {
      auto list = led.Preservation();
      if (!list.ok()) return Fail(list.status().ToString());
      print_preserved(*list, "preserved");
      return 0;
    }
    if (purge->parsed()) {
      return run([&]() -> Status {
        ASSIGN_OR_RETURN(auto list, led.Purge(*now, by, a->dry_run));
        print_preserved(list, a->dry_run ? "would_purge" : "purged");
        return Status::Ok();
      });
    }
    if (sync->parsed()) {
      return run([&]() -> Status {
        ASSIGN_OR_RETURN(int64_t n, led.SyncFromTakedowns());
        print(fmt::format("{{\"mirrored\":{}}}", n),
              fmt::format("{} takedowns and reinstatements mirrored into the ledger", n));
        return Status::Ok();
      });
    }
    auto list = led.List({.entity = a->entity, .action = a->action, .limit = a->limit});
    if (!list.ok()) return Fail(list.status().ToString());
    if (json) {
      fmt::print("{}\n", ledger::EntriesJson(*list));
    } else {
      for (const auto& e : *list) fmt::print("{}\n", ledger::EntryLine(e));
    }
    return 0;
  };
}

CORDON_COMMAND(kLedger, "ledger",
               "The enforcement ledger: list, verify the hash chain, appeals, preservation", Setup);

}  // namespace
}  // namespace cordon::cli
