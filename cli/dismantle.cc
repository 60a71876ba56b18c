// cordon dismantle --edges FILE [--target 0.01] [--method best] [--effort 1] [--no-reinsert]
//                  [--json]
// Removes nodes until the largest connected component holds at most target * N nodes.
#include <fmt/core.h>
#include <time.h>

#include <chrono>
#include <cstdio>

#include "command.h"
#include "cordon/network/dismantle.h"
#include "cordon/network/graph_io.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

using network::DismantleOptions;
using network::LabeledGraph;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void PrintIssues(const std::string& file, const network::EdgeListReport& r) {
  for (const auto& issue : r.issues) {
    fmt::print(stderr, "cordon: {}:{}: {}\n", file, issue.line, issue.reason);
  }
  if (r.bad_lines > static_cast<int64_t>(r.issues.size())) {
    fmt::print(stderr, "cordon: {}: {} more bad lines not listed\n", file,
               r.bad_lines - static_cast<int64_t>(r.issues.size()));
  }
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string edges;
    double target = 0.01;
    std::string method = "best";
    double effort = 1.0;
    bool no_reinsert = false;
    bool json = false;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--edges", a->edges, "edge list: two node labels per line")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--target", a->target,
                 "the largest component may keep at most target * N nodes (default 0.01)");
  app.add_option("--method", a->method, "best (default), degree, corehd or greedy");
  app.add_option("--effort", a->effort,
                 "best: scales the local search budget (default 1; 0 skips the search)");
  app.add_flag("--no-reinsert", a->no_reinsert, "skip the reinsertion pass (and the search)");
  app.add_flag("--json", a->json, "print JSON");
  app.add_flag("--quiet,-q", a->quiet, "no progress bar on stderr");
  return [a]() -> int {
    auto method = network::ParseDismantleMethod(a->method);
    if (!method.ok()) return Fail(method.status().ToString());
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    auto read = network::ReadEdgeList(a->edges);
    if (!read.ok()) return Fail(read.status().ToString());
    const LabeledGraph& lg = *read;
    PrintIssues(a->edges, lg.report);
    DismantleOptions options;
    options.target = a->target;
    options.method = *method;
    options.reinsert = !a->no_reinsert;
    options.effort = a->effort;
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    options.progress = progress.get();
    auto result = network::Dismantle(lg.graph, options);
    if (!result.ok()) return Fail(result.status().ToString());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = CpuSeconds() - cpu_start;
    const network::DismantleResult& r = *result;
    const int64_t n = lg.graph.num_nodes();
    const double fraction = n > 0 ? static_cast<double>(r.removed.size()) / n : 0.0;
    if (a->json) {
      std::string out;
      JsonWriter w(out);
      w.BeginObject().Field("nodes", n).Field("edges", lg.graph.num_edges());
      w.Field("target", a->target).Field("target_size", r.target_size);
      w.Key("removed").BeginArray();
      for (int32_t v : r.removed) w.String(lg.labels[v]);
      w.EndArray();
      w.Field("fraction", fraction).Field("largest_component", r.largest_component);
      w.Field("method", r.method).Field("seconds", seconds).Field("cpu_seconds", cpu_seconds);
      w.Key("runs").BeginArray();
      for (const auto& run : r.runs) {
        w.BeginObject().Field("method", run.method);
        w.Field("removed_before_reinsertion", run.removed_before_reinsertion);
        w.Field("removed", run.removed).Field("seconds", run.seconds).EndObject();
      }
      w.EndArray();
      w.Key("input").BeginObject().Field("lines", lg.report.lines);
      w.Field("bad_lines", lg.report.bad_lines).Field("self_loops", lg.report.self_loops);
      w.Field("duplicate_edges", lg.report.duplicates).Field("header", lg.report.header);
      w.EndObject().EndObject();
      fmt::print("{}\n", out);
      return 0;
    }
    fmt::print("network:           {} nodes, {} edges", n, lg.graph.num_edges());
    if (lg.report.bad_lines + lg.report.self_loops + lg.report.duplicates > 0) {
      fmt::print(" ({} bad lines, {} self-loops, {} duplicate edges dropped)", lg.report.bad_lines,
                 lg.report.self_loops, lg.report.duplicates);
    }
    fmt::print("\ntarget:            largest component <= {} nodes ({:g} of N)\n", r.target_size,
               a->target);
    fmt::print("removed:           {} nodes ({:.4f} of N) by {}{}\n", r.removed.size(), fraction,
               r.method, options.reinsert ? " with reinsertion" : "");
    fmt::print("largest component: {} nodes\n", r.largest_component);
    for (const auto& run : r.runs) {
      fmt::print("  {:<8} {} removed ({} before reinsertion) in {:.3f} s\n", run.method,
                 run.removed, run.removed_before_reinsertion, run.seconds);
    }
    fmt::print("time:              {:.3f} s ({:.3f} s CPU), reading included\nfirst removed:    ",
               seconds, cpu_seconds);
    for (size_t i = 0; i < r.removed.size() && i < 10; ++i) {
      fmt::print(" {}", lg.labels[r.removed[i]]);
    }
    fmt::print("{}\n", r.removed.size() > 10 ? " ..." : "");
    return 0;
  };
}

CORDON_COMMAND(kDismantle, "dismantle",
               "Remove nodes until the largest connected component is at most target * N", Setup);

}  // namespace
}  // namespace cordon::cli
