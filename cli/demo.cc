// cordon demo [--out DIR] [--seed N]: the first thing a new user runs. Simulates a small
// platform under a propaganda network and its takedowns, ingests it, runs every analysis cordon
// has, and says where the results are.
#include <fmt/core.h>

#include <filesystem>

#include "command.h"
#include "cordon/analysis/impact.h"
#include "cordon/pipeline/enforce_stage.h"
#include "cordon/pipeline/pipeline.h"
#include "cordon/pipeline/release_bank.h"
#include "cordon/report/network_view.h"
#include "cordon/report/report.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/store.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {
namespace fs = std::filesystem;

void Step(int n, const char* what) { fmt::print("\n[{}] {}\n", n, what); }

void RemoveDb(const fs::path& db) {
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
}

// Ingests `inputs` into a fresh database through the pipeline `cordon ingest` runs and prints
// what it holds. With `enforce`, the regeneration detector watches the stream; with `match`,
// every message is matched against the banks already in the database.
int IngestInto(const fs::path& db, const std::vector<std::string>& inputs, bool enforce, bool match,
               Progress* progress) {
  pipeline::PipelineOptions opt;
  opt.db = db.string();
  opt.inputs = inputs;
  opt.match = match;
  if (!enforce) opt.skip_stages.emplace_back(pipeline::kEnforceStageName);
  opt.progress = progress;
  opt.summarize = true;
  auto report = pipeline::RunPipeline(opt);
  if (!report.ok()) return Fail(report.status().ToString());
  if (report->enforce) {
    fmt::print("    regeneration detector: {} replacements caught as they appeared\n",
               report->enforce->detections);
  }
  if (report->matched_messages) {
    fmt::print("    {} messages matched known releases\n", *report->matched_messages);
  }
  const IngestReport& in = report->ingest;
  fmt::print("    {} events from {} files in {:.2f} s; {} rejected\n", in.events, in.files.size(),
             in.seconds, in.rejected);
  const StoreStats& s = *report->stats;
  auto count = [&](const char* kind) {
    auto it = s.entities.find(kind);
    return it == s.entities.end() ? int64_t{0} : it->second;
  };
  fmt::print(
      "    {} channels, {} groups, {} users, {} bots; {} messages ({} forwarded), {} "
      "takedowns\n",
      count("channel"), count("group"), count("user"), count("bot"), s.messages, s.forwarded,
      s.takedowns);
  return 0;
}

// Banks the images and videos the official source posted, found by its role in the researcher's
// data.
int BankReleases(const fs::path& researcher_db, const fs::path& platform_db, Progress* progress) {
  auto researcher = Store::Open(researcher_db.string());
  if (!researcher.ok()) return Fail(researcher.status().ToString());
  auto platform = Store::Open(platform_db.string());
  if (!platform.ok()) return Fail(platform.status().ToString());
  auto r = pipeline::BankOfficialReleases(**researcher, **platform, "releases", progress);
  if (!r.ok()) return Fail(r.status().ToString());
  fmt::print(
      "    {} official source(s) found by role; bank \"releases\" holds {} signals, {} of "
      "them videos\n",
      r->officials, r->signals, r->videos);
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

    Step(1, "Simulating a small platform (synthetic names, words, images and videos)");
    sim::SimOptions so;
    so.out_dir = world.string();
    so.seed = a->seed;
    so.scale = sim::Scale::kSmall;
    so.overwrite = true;
    so.progress = progress.get();
    sim::SimSummary summary;
    Status s = sim::Simulate(so, &summary);
    if (!s.ok()) return Fail(s.ToString());
    fmt::print("    {}\n", sim::SummaryText(summary));

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
      fmt::print("    (the simulator wrote no exports)\n");
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
      for (const auto& line : Headlines(*impact)) fmt::print("    - {}\n", line);
      ReportInputs in;
      in.source = platform_db.string();

      // What a referral unit would have planned on the eve of the day of action.
      Step(6, "Reconstructing the network and planning 20 takedowns");
      std::string summary;
      Status ns = AddNetworkFromStore(**store, *impact, 20, &in, &summary, progress.get());
      if (!ns.ok()) return Fail(ns.ToString());
      fmt::print("    {}\n", summary);

      Step(7, "Writing the report");
      in.impact = std::move(*impact);
      Status rs = WriteReport(**store, in, report_path.string());
      if (!rs.ok()) return Fail(rs.ToString());
      fmt::print("    {}\n", report_path.string());
    }

    const std::string w = world.string() + "/", p = platform_db.string(),
                      r = researcher_db.string(), h = report_path.string();
    fmt::print("\nDone. Results are in {}/:\n", out.string());
    fmt::print("  {:<28} the simulated world (events.ndjson, telegram/, media/, truth.json)\n", w);
    fmt::print("  {:<28} the platform's view, ingested (cordon stats --db {})\n", p, p);
    fmt::print("  {:<28} the researcher's view from the exports\n", r);
    fmt::print(
        "  {:<28} the monitoring report: open it in a browser, or turn it into PDF and\n"
        "  {:<28} PNG with scripts/render-report.sh {}\n",
        h, "", h);
    return 0;
  };
}

CORDON_COMMAND(kDemo, "demo", "Simulate a small platform, ingest it, analyse it, report", Setup);

}  // namespace
}  // namespace cordon::cli
