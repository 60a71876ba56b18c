// cordon report --db FILE [--out report.html] [--title T] [--budget K] [--no-network]
#include <fmt/core.h>

#include "command.h"
#include "cordon/report/network_view.h"
#include "cordon/report/report.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::string out = "report.html";
    std::string title;
    double budget = 20;
    bool no_network = false;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--out", a->out, "HTML file to write")->capture_default_str();
  app.add_option("--title", a->title, "report title");
  app.add_option("--budget", a->budget, "takedowns in the key-actor plan")
      ->check(NumberAtLeast(0, true))
      ->capture_default_str();
  app.add_flag("--no-network", a->no_network, "leave out the network map and key actors");
  app.add_flag("--quiet,-q", a->quiet, "no progress bar on stderr");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    auto stats = (*store)->Stats();
    if (!stats.ok()) return Fail(stats.status().ToString());
    int64_t entities = 0;
    for (const auto& [kind, n] : stats->entities) entities += n;
    if (stats->messages == 0 && entities == 0 && stats->takedowns == 0) {
      return Fail(a->db + " is empty: nothing to report. `cordon ingest --db " + a->db +
                  " INPUT...` fills it");
    }
    ReportInputs in;
    in.source = a->db;
    if (!a->title.empty()) in.title = a->title;
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    // Never a stale figure: detections older than the events are replayed for this report.
    auto regen_note = UseCurrentDetections(**store, progress.get());
    if (!regen_note.ok()) return Fail(regen_note.status().ToString());
    in.detections_note = *regen_note;
    ImpactOptions io;
    io.progress = progress.get();
    auto impact = ComputeImpact(**store, io);
    if (!impact.ok()) return Fail(impact.status().ToString());
    if (!a->no_network) {
      std::string summary;
      Status ns = AddNetworkFromStore(**store, *impact, a->budget, &in, &summary, progress.get());
      if (!ns.ok()) return Fail(ns.ToString());
      fmt::print("network: {}\n", summary);
    }
    in.impact = std::move(*impact);
    Status s = WriteReport(**store, in, a->out);
    if (!s.ok()) return Fail(s.ToString());
    fmt::print("wrote {}\n", a->out);
    return 0;
  };
}

CORDON_COMMAND(kReport, "report", "Write the monitoring report as one self-contained HTML file",
               Setup);

}  // namespace
}  // namespace cordon::cli
