// cordon ledger --db FILE [--json] [--entity E] [--action A] [--limit N]
// cordon ledger verify --db FILE [--json] [--expect-head HASH]
// cordon ledger appeal --db FILE ENTITY --reason R [--by WHO] [--time T] [--json]
// cordon ledger appeals --db FILE [--status open|granted|denied] [--json]
// cordon ledger deny --db FILE APPEAL --reason R [--by WHO] [--time T]
// cordon ledger hold --db FILE ENTITY --until T --reason R [--by WHO]
// cordon ledger preserved --db FILE [--json]
// cordon ledger purge --db FILE [--now T] [--dry-run] [--by WHO] [--json]
// cordon ledger sync --db FILE
#include <cstdio>

#include "command.h"
#include "cordon/ledger/ledger.h"
#include "cordon/util/json_writer.h"
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
  if (with_time) app->add_option("--time", c.time, "when (RFC 3339 or ms; default now)");
  app->add_flag("--json", c.json, "print JSON");
}

StatusOr<TimeMs> TimeOrNow(const std::string& s, const char* flag) {
  if (s.empty()) return ledger::SystemClock().Now();
  auto p = ledger::ParseTimeArg(s);
  if (!p)
    return Status::InvalidArgument(std::string(flag) + ": not RFC 3339 or milliseconds: " + s);
  return *p;
}

void PrintEntry(const ledger::Entry& e) {
  std::printf("%6lld  %s  %-17s %-34s %-22s %-11s by %s%s%s\n", static_cast<long long>(e.seq),
              FormatRfc3339Ms(e.time).c_str(), e.action.c_str(), e.entity.c_str(), e.reason.c_str(),
              e.source.c_str(), e.decided_by.c_str(), e.ref.empty() ? "" : "  ", e.ref.c_str());
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    Common list, verify, appeal, appeals, deny, hold, preserved, purge, sync;
    std::string entity, action, expect_head, reason, status, until, now;
    int64_t limit = 0, appeal_id = 0;
    bool dry_run = false;
  };
  auto a = std::make_shared<Args>();
  app.require_subcommand(0, 1);
  AddCommon(&app, a->list, false);
  app.add_option("--entity", a->entity, "only this entity");
  app.add_option("--action", a->action, "only this action (takedown, reinstate, appeal, ...)");
  app.add_option("--limit", a->limit, "at most this many entries");

  CLI::App* verify =
      app.add_subcommand("verify", "Recompute the hash chain; name the first broken entry");
  AddCommon(verify, a->verify, false);
  verify->add_option("--expect-head", a->expect_head,
                     "the head hash kept elsewhere: also detects entries cut from the end");

  CLI::App* appeal = app.add_subcommand("appeal", "File an appeal against a takedown");
  AddCommon(appeal, a->appeal, true);
  appeal->add_option("entity", a->entity, "entity key")->required();
  appeal->add_option("--reason", a->reason, "the appellant's grounds")->required();

  CLI::App* appeals = app.add_subcommand("appeals", "List appeals");
  AddCommon(appeals, a->appeals, false);
  appeals->add_option("--status", a->status, "open, granted or denied");

  CLI::App* deny =
      app.add_subcommand("deny", "Deny an appeal (grant one with cordon reinstate --appeal)");
  AddCommon(deny, a->deny, true);
  deny->add_option("appeal", a->appeal_id, "appeal id")->required();
  deny->add_option("--reason", a->reason, "why")->required();

  CLI::App* hold = app.add_subcommand("hold", "Preserve an entity's removed content longer");
  AddCommon(hold, a->hold, true);
  hold->add_option("entity", a->entity, "entity key")->required();
  hold->add_option("--until", a->until, "preserve until (RFC 3339 or ms)")->required();
  hold->add_option("--reason", a->reason, "why, e.g. a request from an authority")->required();

  CLI::App* preserved = app.add_subcommand("preserved", "Removed content held, and until when");
  AddCommon(preserved, a->preserved, false);

  CLI::App* purge = app.add_subcommand("purge", "Delete removed content whose preservation ended");
  AddCommon(purge, a->purge, false);
  purge->add_option("--now", a->now, "the current time (RFC 3339 or ms; default now)");
  purge->add_flag("--dry-run", a->dry_run, "only say what would be deleted");

  CLI::App* sync =
      app.add_subcommand("sync", "Mirror takedowns from platform streams into the ledger");
  AddCommon(sync, a->sync, false);

  return [a, verify, appeal, appeals, deny, hold, preserved, purge, sync]() -> int {
    auto pick = [&](const Common& c) { return c.db.empty() ? a->list.db : c.db; };
    const Common* c = &a->list;
    if (verify->parsed()) c = &a->verify;
    if (appeal->parsed()) c = &a->appeal;
    if (appeals->parsed()) c = &a->appeals;
    if (deny->parsed()) c = &a->deny;
    if (hold->parsed()) c = &a->hold;
    if (preserved->parsed()) c = &a->preserved;
    if (purge->parsed()) c = &a->purge;
    if (sync->parsed()) c = &a->sync;
    const std::string db = pick(*c);
    if (db.empty()) return Fail("--db is required");
    const bool json = c->json || a->list.json;
    const std::string by = !c->by.empty()        ? c->by
                           : !a->list.by.empty() ? a->list.by
                                                 : ledger::DefaultActor();
    auto store = Store::Open(db, RecordingOptions());
    if (!store.ok()) return Fail(store.status().ToString());
    ledger::Ledger led(**store);
    std::string out;
    JsonWriter w(out);

    if (verify->parsed()) {
      auto r = led.Verify();
      if (!r.ok()) return Fail(r.status().ToString());
      bool ok = r->ok;
      std::string problem = r->problem;
      if (ok && !a->expect_head.empty() && a->expect_head != r->head) {
        ok = false;
        problem = "head hash differs from the expected one (entries cut from the end, or added)";
      }
      if (json) {
        w.BeginObject().Field("ok", ok).Field("entries", r->entries);
        w.Field("head", std::string_view(r->head));
        w.Key("first_bad_seq");
        if (r->first_bad_seq > 0) {
          w.Int(r->first_bad_seq);
        } else {
          w.Null();
        }
        w.Field("problem", std::string_view(problem)).Key("warnings").BeginArray();
        for (const auto& s : r->warnings) w.String(s);
        w.EndArray().EndObject();
        std::printf("%s\n", out.c_str());
      } else if (ok) {
        std::printf("ledger OK: %lld entries, head %s\n", static_cast<long long>(r->entries),
                    r->head.c_str());
      } else {
        std::printf("ledger BROKEN at entry %lld: %s\n", static_cast<long long>(r->first_bad_seq),
                    problem.c_str());
      }
      for (const auto& s : r->warnings) std::fprintf(stderr, "cordon: warning: %s\n", s.c_str());
      return ok ? 0 : 3;
    }

    auto run = [&](auto&& fn) -> int {
      Status st = (*store)->Begin();
      if (!st.ok()) return Fail(st.ToString());
      int rc = fn();
      if (rc != 0) return rc;
      st = (*store)->Commit();
      return st.ok() ? 0 : Fail(st.ToString());
    };

    if (appeal->parsed()) {
      auto t = TimeOrNow(c->time, "--time");
      if (!t.ok()) return Fail(t.status().ToString());
      return run([&]() {
        auto ap = led.FileAppeal(a->entity, *t, by, a->reason);
        if (!ap.ok()) return Fail(ap.status().ToString());
        if (json) {
          w.BeginObject().Field("appeal", ap->id).Field("entity", std::string_view(ap->entity));
          w.Field("status", std::string_view(ap->status)).EndObject();
          std::printf("%s\n", out.c_str());
        } else {
          std::printf("appeal %lld filed against the takedown of %s\n",
                      static_cast<long long>(ap->id), ap->entity.c_str());
        }
        return 0;
      });
    }
    if (appeals->parsed()) {
      auto list = led.Appeals(a->status);
      if (!list.ok()) return Fail(list.status().ToString());
      if (json) {
        w.BeginObject().Key("appeals").BeginArray();
        for (const auto& ap : *list) {
          w.BeginObject().Field("id", ap.id).Field("entity", std::string_view(ap.entity));
          w.Field("filed", std::string_view(FormatRfc3339Ms(ap.filed)));
          w.Field("filed_by", std::string_view(ap.filed_by))
              .Field("reason", std::string_view(ap.reason));
          w.Field("status", std::string_view(ap.status));
          w.Key("decided");
          if (ap.decided) {
            w.String(FormatRfc3339Ms(*ap.decided));
          } else {
            w.Null();
          }
          w.Field("decided_by", std::string_view(ap.decided_by));
          w.Field("decision", std::string_view(ap.decision)).EndObject();
        }
        w.EndArray().EndObject();
        std::printf("%s\n", out.c_str());
      } else {
        for (const auto& ap : *list) {
          std::printf("%4lld  %-8s %s  %s  (%s)\n", static_cast<long long>(ap.id),
                      ap.status.c_str(), FormatRfc3339Ms(ap.filed).c_str(), ap.entity.c_str(),
                      ap.reason.c_str());
        }
      }
      return 0;
    }
    if (deny->parsed()) {
      auto t = TimeOrNow(c->time, "--time");
      if (!t.ok()) return Fail(t.status().ToString());
      return run([&]() {
        auto e = led.DenyAppeal(a->appeal_id, *t, by, a->reason);
        if (!e.ok()) return Fail(e.status().ToString());
        if (json) {
          ledger::AppendEntryJson(out, *e);
          std::printf("%s\n", out.c_str());
        } else {
          std::printf("appeal %lld denied (ledger entry %lld)\n",
                      static_cast<long long>(a->appeal_id), static_cast<long long>(e->seq));
        }
        return 0;
      });
    }
    if (hold->parsed()) {
      auto t = TimeOrNow(c->time, "--time");
      if (!t.ok()) return Fail(t.status().ToString());
      auto until = ledger::ParseTimeArg(a->until);
      if (!until) return Fail("--until: not RFC 3339 or milliseconds: " + a->until);
      return run([&]() {
        auto e = led.Hold(a->entity, *until, *t, by, a->reason);
        if (!e.ok()) return Fail(e.status().ToString());
        if (json) {
          ledger::AppendEntryJson(out, *e);
          std::printf("%s\n", out.c_str());
        } else {
          std::printf("content of %s preserved until %s (ledger entry %lld)\n", a->entity.c_str(),
                      FormatRfc3339Ms(*until).c_str(), static_cast<long long>(e->seq));
        }
        return 0;
      });
    }
    auto print_preserved = [&](const std::vector<ledger::Preserved>& list, const char* key) {
      if (json) {
        w.BeginObject().Key(key).BeginArray();
        for (const auto& p : list) {
          w.BeginObject().Field("entity", std::string_view(p.entity));
          w.Field("taken_down", std::string_view(FormatRfc3339Ms(p.taken_down)));
          w.Field("until", std::string_view(FormatRfc3339Ms(p.until)));
          w.Field("messages", p.messages).Field("purged", p.purged).EndObject();
        }
        w.EndArray().EndObject();
        std::printf("%s\n", out.c_str());
      } else {
        for (const auto& p : list) {
          std::printf("%-40s down %s  until %s  %6lld messages%s\n", p.entity.c_str(),
                      FormatRfc3339Ms(p.taken_down).c_str(), FormatRfc3339Ms(p.until).c_str(),
                      static_cast<long long>(p.messages), p.purged ? "  (purged)" : "");
        }
      }
    };
    if (preserved->parsed()) {
      auto list = led.Preservation();
      if (!list.ok()) return Fail(list.status().ToString());
      print_preserved(*list, "preserved");
      return 0;
    }
    if (purge->parsed()) {
      auto now = TimeOrNow(a->now, "--now");
      if (!now.ok()) return Fail(now.status().ToString());
      return run([&]() {
        auto list = led.Purge(*now, by, a->dry_run);
        if (!list.ok()) return Fail(list.status().ToString());
        print_preserved(*list, a->dry_run ? "would_purge" : "purged");
        return 0;
      });
    }
    if (sync->parsed()) {
      return run([&]() {
        auto n = led.SyncFromTakedowns();
        if (!n.ok()) return Fail(n.status().ToString());
        if (json) {
          w.BeginObject().Field("mirrored", *n).EndObject();
          std::printf("%s\n", out.c_str());
        } else {
          std::printf("%lld takedowns and reinstatements mirrored into the ledger\n",
                      static_cast<long long>(*n));
        }
        return 0;
      });
    }
    ledger::ListFilter f;
    f.entity = a->entity;
    f.action = a->action;
    f.limit = a->limit;
    auto list = led.List(f);
    if (!list.ok()) return Fail(list.status().ToString());
    if (json) {
      w.BeginObject().Key("entries").BeginArray();
      for (const auto& e : *list) {
        std::string one;
        ledger::AppendEntryJson(one, e);
        w.Raw(one);
      }
      w.EndArray().EndObject();
      std::printf("%s\n", out.c_str());
    } else {
      for (const auto& e : *list) PrintEntry(e);
    }
    return 0;
  };
}

CORDON_COMMAND(kLedger, "ledger",
               "The enforcement ledger: list, verify the hash chain, appeals, preservation", Setup);

}  // namespace
}  // namespace cordon::cli
