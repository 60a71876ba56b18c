// cordon demo [--out DIR] [--seed N]: the first thing a new user runs. Simulates a small
// platform under a propaganda network and its takedowns, ingests it, runs every analysis cordon
// has, and says where the results are.
#include <cstdio>
#include <filesystem>

#include "command.h"
#include "cordon/analysis/impact.h"
#include "cordon/content/bank.h"
#include "cordon/content/matcher.h"
#include "cordon/enforce/stage.h"
#include "cordon/ingest/ingest.h"
#include "cordon/network/build.h"
#include "cordon/network/roles.h"
#include "cordon/report/network_view.h"
#include "cordon/report/report.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {
namespace fs = std::filesystem;

void Step(int n, const char* what) { std::printf("\n[%d] %s\n", n, what); }

void RemoveDb(const fs::path& db) {
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
}

// Ingests `inputs` into a fresh database and prints what it holds. With `enforce`, the
// regeneration detector watches the stream as `cordon ingest` runs it.
// With `match`, every message is matched against the banks already in the database.
int IngestInto(const fs::path& db, const std::vector<std::string>& inputs, bool enforce, bool match,
               Progress* progress) {
  auto store = Store::Open(db.string());
  if (!store.ok()) return Fail(store.status().ToString());
  IngestOptions opt;
  opt.progress = progress;
  std::unique_ptr<Store> bank_store;
  std::unique_ptr<Matcher> matcher;
  if (match) {
    auto bs = Store::Open(db.string());
    if (!bs.ok()) return Fail(bs.status().ToString());
    bank_store = std::move(*bs);
    matcher = std::make_unique<Matcher>(*bank_store, MatcherOptions{});
    opt.matcher = matcher.get();
  }
  std::unique_ptr<enforce::EnforceStage> stage;
  if (enforce) {
    enforce::StageOptions so;
    so.progress = progress;
    auto st = enforce::EnforceStage::Open(**store, so);
    if (!st.ok()) return Fail(st.status().ToString());
    stage = std::move(*st);
    opt.observer = [&stage](const Event& e) { return stage->OnEvent(e); };
  }
  auto report = Ingest(**store, inputs, opt);
  if (!report.ok()) return Fail(report.status().ToString());
  if (stage) {
    Status st = stage->Finish();
    if (!st.ok()) return Fail(st.ToString());
    std::printf("    regeneration detector: %lld replacements caught as they appeared\n",
                static_cast<long long>(stage->report().detections));
  }
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().ToString());
  if (matcher) {
    int64_t matches = 0;
    Statement q((*store)->db(), "SELECT count(DISTINCT message) FROM matches");
    if (q.ok() && q.Step()) matches = q.Int(0);
    std::printf("    %lld messages matched known releases\n", static_cast<long long>(matches));
  }
  std::printf("    %lld events from %zu files in %.2f s; %lld rejected\n",
              static_cast<long long>(report->events), report->files.size(), report->seconds,
              static_cast<long long>(report->rejected));
  std::printf(
      "    %lld channels, %lld groups, %lld users, %lld bots; %lld messages (%lld "
      "forwarded), %lld takedowns\n",
      static_cast<long long>(stats->entities["channel"]),
      static_cast<long long>(stats->entities["group"]),
      static_cast<long long>(stats->entities["user"]),
      static_cast<long long>(stats->entities["bot"]), static_cast<long long>(stats->messages),
      static_cast<long long>(stats->forwarded), static_cast<long long>(stats->takedowns));
  return 0;
}

// Finds the official source in the researcher's data by its role in the reconstructed network
// (not from the simulator's truth) and banks the images it posted: PDQ and SHA-256.
int BankReleases(const fs::path& researcher_db, const fs::path& platform_db, Progress* progress) {
  auto researcher = Store::Open(researcher_db.string());
  if (!researcher.ok()) return Fail(researcher.status().ToString());
  network::BuildOptions bo;
  bo.progress = progress;
  auto net = network::BuildNetwork(**researcher, bo);
  if (!net.ok()) return Fail(net.status().ToString());
  const network::Roles roles = network::AssignRoles(*net);
  std::vector<BankEntry> entries;
  for (int32_t v : roles.officials) {
    const std::string& chat = net->node(v).key;
    Statement q((*researcher)->db(),
                "SELECT md.pdq, md.sha256 FROM media md JOIN messages m ON m.id = md.message_id "
                "WHERE m.chat = ?1 ORDER BY m.time");
    q.Bind(1, chat);
    while (q.Step()) {
      for (int c = 0; c < 2; ++c) {
        if (q.IsNull(c)) continue;
        BankEntry e;
        e.type = c == 0 ? SignalType::kPdq : SignalType::kSha256;
        e.signal = std::string(q.Text(c));
        e.label = "release";
        e.provenance = "posted by " + chat;
        entries.push_back(std::move(e));
      }
    }
    if (!q.status().ok()) return Fail(q.status().ToString());
  }
  auto platform = Store::Open(platform_db.string());
  if (!platform.ok()) return Fail(platform.status().ToString());
  const TimeMs now = net->time();
  BankInfo bank;
  bank.name = "releases";
  bank.label = "release";
  bank.provenance = "images posted by the official source, from the researcher's exports";
  Status st = CreateBank(**platform, bank, now);
  if (!st.ok()) return Fail(st.ToString());
  auto added = AddEntries(**platform, bank.name, entries, now, progress);
  if (!added.ok()) return Fail(added.status().ToString());
  std::printf("    %zu official source(s) found by role; bank \"releases\" holds %lld signals\n",
              roles.officials.size(), static_cast<long long>(*added));
  return 0;
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string out = "demo";
    uint64_t seed = 2019;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--out", a->out, "directory for everything the demo writes")
      ->capture_default_str();
  app.add_option("--seed", a->seed, "simulator seed")->capture_default_str();
  app.add_flag("--quiet,-q", a->quiet, "no progress bars on stderr");
  return [a]() -> int {
    // Each step below draws its own bar (on a terminal, without --quiet).
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    const fs::path out = a->out;
    const fs::path world = out / "world";
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) return Fail("cannot create " + out.string() + ": " + ec.message());

    Step(1, "Simulating a small platform (synthetic names, words and images)");
    sim::SimOptions so;
    so.out_dir = world.string();
    so.seed = a->seed;
    so.scale = sim::Scale::kSmall;
    so.overwrite = true;
    so.progress = progress.get();
    sim::SimSummary summary;
    Status s = sim::Simulate(so, &summary);
    if (!s.ok()) return Fail(s.ToString());
    std::printf("    %s\n", sim::SummaryText(summary).c_str());

    // A monitor's order of work: what the researcher collected first, a hash bank of the
    // releases found there, then the platform's stream matched against it.
    Step(2, "Ingesting what a researcher holds: the Telegram Desktop exports");
    const fs::path researcher_db = out / "researcher.db";
    const fs::path platform_db = out / "platform.db";
    RemoveDb(researcher_db);
    RemoveDb(platform_db);
    if (fs::exists(world / "telegram")) {
      if (int rc = IngestInto(researcher_db, {(world / "telegram").string()}, false, false,
                              progress.get())) {
        return rc;
      }
      Step(3, "Building a hash bank of the releases the official source posted");
      if (int rc = BankReleases(researcher_db, platform_db, progress.get())) return rc;
    } else {
      std::printf("    (the simulator wrote no exports)\n");
    }

    Step(4, "Ingesting the platform's own event stream, matched against the bank");
    if (int rc = IngestInto(platform_db, {(world / "events.ndjson").string()}, true, true,
                            progress.get())) {
      return rc;
    }

    Step(5, "Measuring impact: takedowns per day, the day of action, survival, migration");
    const fs::path report_path = out / "report.html";
    {
      auto store = Store::Open(platform_db.string());
      if (!store.ok()) return Fail(store.status().ToString());
      ImpactOptions io;
      io.progress = progress.get();
      auto impact = ComputeImpact(**store, io);
      if (!impact.ok()) return Fail(impact.status().ToString());
      for (const auto& line : Headlines(*impact)) std::printf("    - %s\n", line.c_str());
      ReportInputs in;
      in.source = platform_db.string();

      // What a referral unit would have planned on the eve of the day of action.
      Step(6, "Reconstructing the network and planning 20 takedowns");
      std::string summary;
      Status ns = AddNetworkFromStore(**store, *impact, 20, &in, &summary, progress.get());
      if (!ns.ok()) return Fail(ns.ToString());
      std::printf("    %s\n", summary.c_str());

      Step(7, "Writing the report");
      in.impact = std::move(*impact);
      Status rs = WriteReport(**store, in, report_path.string());
      if (!rs.ok()) return Fail(rs.ToString());
      std::printf("    %s\n", report_path.string().c_str());
    }

    std::printf("\nDone. Results are in %s/:\n", out.string().c_str());
    std::printf("  %-28s the simulated world (events.ndjson, telegram/, media/, truth.json)\n",
                (world.string() + "/").c_str());
    std::printf("  %-28s the platform's view, ingested (cordon stats --db %s)\n",
                platform_db.string().c_str(), platform_db.string().c_str());
    std::printf("  %-28s the researcher's view from the exports\n", researcher_db.string().c_str());
    std::printf(
        "  %-28s the monitoring report: open it in a browser, or turn it into PDF and\n"
        "  %-28s PNG with scripts/render-report.sh %s\n",
        report_path.string().c_str(), "", report_path.string().c_str());
    return 0;
  };
}

CORDON_COMMAND(kDemo, "demo", "Simulate a small platform, ingest it, analyse it, report", Setup);

}  // namespace
}  // namespace cordon::cli
