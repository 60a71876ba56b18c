// cordon demo [--out DIR] [--seed N]: the first thing a new user runs. Simulates a small
// platform under a propaganda network and its takedowns, ingests it, runs every analysis cordon
// has, and says where the results are.
#include <cstdio>
#include <filesystem>

#include "command.h"
#include "cordon/analysis/impact.h"
#include "cordon/ingest/ingest.h"
#include "cordon/report/report.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/store.h"

namespace cordon::cli {
namespace {
namespace fs = std::filesystem;

void Step(int n, const char* what) { std::printf("\n[%d] %s\n", n, what); }

void RemoveDb(const fs::path& db) {
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
}

// Ingests `inputs` into a fresh database and prints what it holds.
int IngestInto(const fs::path& db, const std::vector<std::string>& inputs) {
  RemoveDb(db);
  auto store = Store::Open(db.string());
  if (!store.ok()) return Fail(store.status().ToString());
  IngestOptions opt;
  opt.progress = true;
  auto report = Ingest(**store, inputs, opt);
  if (!report.ok()) return Fail(report.status().ToString());
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().ToString());
  std::printf("    %lld events from %zu files in %.2f s; %lld rejected\n",
              static_cast<long long>(report->events), report->files.size(), report->seconds,
              static_cast<long long>(report->rejected));
  std::printf("    %lld channels, %lld groups, %lld users, %lld bots; %lld messages (%lld "
              "forwarded), %lld takedowns\n",
              static_cast<long long>(stats->entities["channel"]),
              static_cast<long long>(stats->entities["group"]),
              static_cast<long long>(stats->entities["user"]),
              static_cast<long long>(stats->entities["bot"]),
              static_cast<long long>(stats->messages), static_cast<long long>(stats->forwarded),
              static_cast<long long>(stats->takedowns));
  return 0;
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string out = "demo";
    uint64_t seed = 2019;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--out", a->out, "directory for everything the demo writes")
      ->capture_default_str();
  app.add_option("--seed", a->seed, "simulator seed")->capture_default_str();
  return [a]() -> int {
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
    sim::SimSummary summary;
    Status s = sim::Simulate(so, &summary);
    if (!s.ok()) return Fail(s.ToString());
    std::printf("    %s\n", sim::SummaryText(summary).c_str());

    Step(2, "Ingesting the platform's own event stream");
    const fs::path platform_db = out / "platform.db";
    if (int rc = IngestInto(platform_db, {(world / "events.ndjson").string()})) return rc;

    Step(3, "Ingesting what a researcher holds: the Telegram Desktop exports");
    const fs::path researcher_db = out / "researcher.db";
    if (fs::exists(world / "telegram")) {
      if (int rc = IngestInto(researcher_db, {(world / "telegram").string()})) return rc;
    } else {
      std::printf("    (the simulator wrote no exports)\n");
    }

    Step(4, "Measuring impact: takedowns per day, the day of action, survival, migration");
    const fs::path report_path = out / "report.html";
    {
      auto store = Store::Open(platform_db.string());
      if (!store.ok()) return Fail(store.status().ToString());
      auto impact = ComputeImpact(**store);
      if (!impact.ok()) return Fail(impact.status().ToString());
      for (const auto& line : Headlines(*impact)) std::printf("    - %s\n", line.c_str());
      Step(5, "Writing the report");
      ReportInputs in;
      in.source = platform_db.string();
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
    std::printf("  %-28s the researcher's view from the exports\n",
                researcher_db.string().c_str());
    std::printf("  %-28s the monitoring report (open it in a browser)\n",
                report_path.string().c_str());
    return 0;
  };
}

CORDON_COMMAND(kDemo, "demo", "Simulate a small platform, ingest it, analyse it, report", Setup);

}  // namespace
}  // namespace cordon::cli
