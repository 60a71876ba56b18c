// cordon policy check FILE [--json]
// cordon policy apply --db FILE --rules FILE [--dry-run] [--time T] [--by WHO] [--json]
// cordon policy export --db FILE --format matrix   (takedowns as Matrix policy rule events)
#include <fmt/core.h>

#include <cstdio>

#include "command.h"
#include "cordon/connect/policy_rules.h"
#include "cordon/enforce/policy.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string file, db, rules, time, by, format;
    bool dry_run = false, json = false;
  };
  auto a = std::make_shared<Args>();
  app.require_subcommand(1, 1);
  CLI::App* check = app.add_subcommand("check", "Validate a rules file; errors at file:line");
  check->add_option("file", a->file, "rules file (YAML)")->required();
  check->add_flag("--json", a->json, "print JSON");
  CLI::App* apply = app.add_subcommand("apply", "Apply the rules to detections and matches");
  apply->add_option("--db", a->db, "database")->required();
  apply->add_option("--rules", a->rules, "rules file (YAML)")->required();
  apply->add_flag("--dry-run", a->dry_run, "print what would happen, write nothing");
  apply->add_option("--time", a->time,
                    "decision time (RFC 3339, YYYY-MM-DD or ms; default: each signal's own time)");
  apply->add_option("--by", a->by, "who runs it (default $CORDON_USER or $USER)");
  apply->add_flag("--json", a->json, "print JSON");
  CLI::App* exp = app.add_subcommand("export", "Write the takedowns in force as policy rules");
  exp->add_option("--db", a->db, "database")->required();
  exp->add_option("--format", a->format, "matrix: m.policy.rule.* state events (JSON array)")
      ->required()
      ->check(CLI::IsMember({"matrix"}));
  return [a, check, exp]() -> int {
    std::string out;
    JsonWriter w(out);
    if (check->parsed()) {
      std::vector<Status> problems;
      auto p = enforce::LoadPolicy(a->file, &problems);
      if (!p.ok() && problems.empty()) problems.push_back(p.status());
      if (a->json) {
        w.BeginObject().Field("ok", problems.empty());
        w.Field("rules", p.ok() ? static_cast<int64_t>(p->rules.size()) : int64_t{0});
        w.Key("errors").BeginArray();
        for (const auto& s : problems) {
          w.BeginObject().Field("where", std::string_view(s.where().ToString()));
          w.Field("message", std::string_view(s.message())).EndObject();
        }
        w.EndArray().EndObject();
        fmt::print("{}\n", out);
      } else {
        for (const auto& s : problems) fmt::print(stderr, "{}\n", s.ToString());
        if (problems.empty()) fmt::print("{}: {} rules, OK\n", a->file, p->rules.size());
      }
      return problems.empty() ? 0 : 1;
    }
    if (exp->parsed()) {
      auto store = Store::Open(a->db, OpenMode::kExisting);
      if (!store.ok()) return Fail(store.status().ToString());
      auto rules = connect::ExportMatrixRules(**store);
      if (!rules.ok()) return Fail(rules.status().ToString());
      fmt::print("{}\n", *rules);
      return 0;
    }
    std::vector<Status> problems;
    auto policy = enforce::LoadPolicy(a->rules, &problems);
    if (!policy.ok()) {
      for (const auto& s : problems) fmt::print(stderr, "{}\n", s.ToString());
      return Fail(policy.status().ToString());
    }
    auto store = Store::Open(a->db, RecordingOptions());
    if (!store.ok()) return Fail(store.status().ToString());
    // Rules act on detections: never stale ones (enforce/stage.h).
    if (auto note = UseCurrentDetections(**store); !note.ok()) {
      return Fail(note.status().ToString());
    }
    ledger::Ledger led(**store);
    enforce::ApplyOptions opt;
    opt.dry_run = a->dry_run;
    opt.by = a->by.empty() ? ledger::DefaultActor() : a->by;
    if (!a->time.empty()) {
      opt.time = ParseTimeArg(a->time);
      if (!opt.time) return Fail(fmt::format("--time: not {}: {}", kTimeArgForms, a->time));
    }
    if (!a->dry_run) {
      Status st = (*store)->Begin();
      if (!st.ok()) return Fail(st.ToString());
    }
    auto plan = enforce::ApplyPolicy(**store, led, *policy, opt);
    if (!plan.ok()) return Fail(plan.status().ToString());
    if (!a->dry_run) {
      Status st = (*store)->Commit();
      if (!st.ok()) return Fail(st.ToString());
    }
    int64_t done[4] = {0, 0, 0, 0}, skipped = 0;
    for (const auto& p : *plan) {
      if (p.skip) {
        ++skipped;
      } else {
        ++done[static_cast<int>(p.action)];
      }
    }
    if (a->json) {
      w.BeginObject().Field("dry_run", a->dry_run).Key("actions").BeginArray();
      for (const auto& p : *plan) {
        std::string one;
        enforce::AppendProposedActionJson(one, p);
        w.Raw(one);
      }
      w.EndArray().EndObject();
      fmt::print("{}\n", out);
    } else {
      for (const auto& p : *plan) {
        fmt::print("{}{:<9} {:<40} rule {:<20} {}{}\n", a->dry_run ? "would " : "",
                   enforce::PolicyActionName(p.action), p.entity, p.rule, p.reason,
                   p.skip ? "  (skipped: " + p.skip_why + ")" : std::string());
      }
      fmt::print("{}{} takedowns, {} for review, {} to watch; {} skipped\n",
                 a->dry_run ? "dry run, nothing written: " : "", done[3], done[2], done[1],
                 skipped);
    }
    return 0;
  };
}

CORDON_COMMAND(kPolicy, "policy",
               "Policy rules: validate, apply (or dry-run) through the ledger, export", Setup);

}  // namespace
}  // namespace cordon::cli
