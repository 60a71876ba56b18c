// Network dismantling benchmark (issue 5), three modes:
//   dismantle_bench FILE...            every method on each edge list: removed fraction, time
//   dismantle_bench --synthetic N [--m 10] [--seed 1] [--methods best,degree,...] [--write F]
//                                      a Barabasi-Albert graph of N nodes, m edges per new node,
//                                      generated here with a fixed seed; optionally written out
//   dismantle_bench --check FILE REMOVED
//                                      checks a removal list from another tool (one label per
//                                      line) independently: prints JSON with the removed count,
//                                      fraction and the largest component left
// Options: --target 0.01, --json (one JSON object per run instead of a table).
// Times are wall and CPU seconds of the dismantling alone (the edge list already in memory).
// Every answer is checked with an independent component count before it is printed.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "cordon/network/dismantle.h"
#include "cordon/network/graph_io.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/line_reader.h"

namespace {
using namespace cordon;
using namespace cordon::network;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t SplitMix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Barabasi-Albert: a clique of m + 1 nodes, then each new node links to m distinct nodes
// chosen with probability proportional to degree (a uniform pick from the edge endpoints).
CsrGraph BarabasiAlbert(int32_t n, int32_t m, uint64_t seed) {
  std::vector<std::pair<int32_t, int32_t>> edges;
  edges.reserve(static_cast<size_t>(n) * static_cast<size_t>(m));
  std::vector<int32_t> ends;
  ends.reserve(2 * static_cast<size_t>(n) * static_cast<size_t>(m));
  const int32_t core = std::min(n, m + 1);
  for (int32_t a = 0; a < core; ++a) {
    for (int32_t b = a + 1; b < core; ++b) {
      edges.emplace_back(a, b);
      ends.push_back(a);
      ends.push_back(b);
    }
  }
  std::vector<int32_t> picks;
  for (int32_t v = core; v < n; ++v) {
    picks.clear();
    while (static_cast<int32_t>(picks.size()) < m) {
      const int32_t t = ends[SplitMix(seed) % ends.size()];
      bool dup = false;
      for (int32_t p : picks) dup = dup || p == t;
      if (!dup) picks.push_back(t);
    }
    for (int32_t t : picks) {
      edges.emplace_back(v, t);
      ends.push_back(v);
      ends.push_back(t);
    }
  }
  return BuildCsrGraph(n, edges);
}

struct Row {
  std::string network, method;
  int64_t nodes = 0, edges = 0, removed = 0, largest = 0, target_size = 0;
  double wall = 0, cpu = 0;
  bool ok = false;
};

void Print(const Row& r, bool json) {
  const double fraction = r.nodes > 0 ? static_cast<double>(r.removed) / r.nodes : 0.0;
  if (json) {
    std::string out;
    JsonWriter w(out);
    w.BeginObject().Field("network", r.network).Field("method", r.method);
    w.Field("nodes", r.nodes).Field("edges", r.edges).Field("removed", r.removed);
    w.Field("fraction", fraction).Field("largest_component", r.largest);
    w.Field("target_size", r.target_size).Field("valid", r.ok);
    w.Field("seconds", r.wall).Field("cpu_seconds", r.cpu).EndObject();
    std::printf("%s\n", out.c_str());
  } else {
    std::printf("%-28s %-15s %9lld %9lld %8lld  %.4f %8lld %9.3f %9.3f %s\n", r.network.c_str(),
                r.method.c_str(), static_cast<long long>(r.nodes), static_cast<long long>(r.edges),
                static_cast<long long>(r.removed), fraction, static_cast<long long>(r.largest),
                r.wall, r.cpu, r.ok ? "ok" : "INVALID");
  }
  std::fflush(stdout);
}

bool RunMethods(const std::string& name, const CsrGraph& g, double target,
                const std::vector<DismantleMethod>& methods, bool json) {
  bool all_ok = true;
  for (DismantleMethod m : methods) {
    DismantleOptions o;
    o.target = target;
    o.method = m;
    const double w0 = WallSeconds(), c0 = CpuSeconds();
    auto r = Dismantle(g, o);
    const double wall = WallSeconds() - w0, cpu = CpuSeconds() - c0;
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), r.status().ToString().c_str());
      return false;
    }
    Row row;
    row.network = name;
    row.method =
        m == DismantleMethod::kBest ? "best:" + r->method : std::string(DismantleMethodName(m));
    row.nodes = g.num_nodes();
    row.edges = g.num_edges();
    row.removed = static_cast<int64_t>(r->removed.size());
    row.largest = LargestComponent(g, r->removed);  // recomputed, not trusted
    row.target_size = TargetSize(g.num_nodes(), target);
    row.ok = row.largest <= row.target_size && row.largest == r->largest_component;
    row.wall = wall;
    row.cpu = cpu;
    all_ok = all_ok && row.ok;
    Print(row, json);
    if (!json && r->runs.size() > 1) {
      for (const auto& run : r->runs) {
        std::printf("%-28s   %-13s %29lld %24.3f (wall, removed before reinsertion: %lld)\n", "",
                    run.method.c_str(), static_cast<long long>(run.removed), run.seconds,
                    static_cast<long long>(run.removed_before_reinsertion));
      }
    }
  }
  return all_ok;
}

int Check(const std::string& network, const std::string& removed_path, double target) {
  auto lg = ReadEdgeList(network);
  if (!lg.ok()) {
    std::fprintf(stderr, "%s\n", lg.status().ToString().c_str());
    return 1;
  }
  std::unordered_map<std::string, int32_t> id;
  for (size_t v = 0; v < lg->labels.size(); ++v) id.emplace(lg->labels[v], static_cast<int32_t>(v));
  LineReader reader;
  if (Status st = reader.Open(removed_path, 1 << 16); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  std::vector<int32_t> removed;
  std::vector<char> seen(lg->labels.size(), 0);
  int64_t unknown = 0, repeats = 0;
  Line line;
  while (reader.Next(line)) {
    std::string label(line.text);
    while (!label.empty() && (label.back() == ' ' || label.back() == '\t')) label.pop_back();
    if (label.empty()) continue;
    auto it = id.find(label);
    if (it == id.end()) {
      ++unknown;
    } else if (seen[it->second]) {
      ++repeats;
    } else {
      seen[it->second] = 1;
      removed.push_back(it->second);
    }
  }
  const CsrGraph& g = lg->graph;
  std::string out;
  JsonWriter w(out);
  const int64_t n = g.num_nodes();
  w.BeginObject().Field("nodes", n).Field("removed", static_cast<int64_t>(removed.size()));
  w.Field("fraction", n > 0 ? static_cast<double>(removed.size()) / n : 0.0);
  w.Field("largest_component", LargestComponent(g, removed));
  w.Field("target_size", TargetSize(n, target));
  w.Field("unknown_labels", unknown).Field("repeats", repeats).EndObject();
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  double target = 0.01;
  bool json = false;
  int64_t synthetic = 0;
  int32_t m = 10;
  uint64_t seed = 1;
  std::string write, check_removed;
  std::vector<std::string> files;
  std::vector<DismantleMethod> methods = {DismantleMethod::kDegree, DismantleMethod::kCoreHd,
                                          DismantleMethod::kGreedy, DismantleMethod::kBest};
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value after %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--target") {
      target = std::atof(next().c_str());
    } else if (a == "--json") {
      json = true;
    } else if (a == "--synthetic") {
      synthetic = std::atoll(next().c_str());
    } else if (a == "--m") {
      m = std::atoi(next().c_str());
    } else if (a == "--seed") {
      seed = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--write") {
      write = next();
    } else if (a == "--check") {
      check = true;
    } else if (a == "--methods") {
      methods.clear();
      std::string list = next();
      size_t pos = 0;
      while (pos <= list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        auto parsed = ParseDismantleMethod(list.substr(pos, comma - pos));
        if (!parsed.ok()) {
          std::fprintf(stderr, "%s\n", parsed.status().ToString().c_str());
          return 2;
        }
        methods.push_back(*parsed);
        pos = comma + 1;
      }
    } else {
      files.push_back(a);
    }
  }
  if (check) {
    if (files.size() != 2) {
      std::fprintf(stderr, "usage: dismantle_bench --check NETWORK REMOVED\n");
      return 2;
    }
    return Check(files[0], files[1], target);
  }
  if (!json) {
    std::printf("%-28s %-15s %9s %9s %8s  %-6s %8s %9s %9s\n", "network", "method", "nodes",
                "edges", "removed", "frac", "largest", "wall_s", "cpu_s");
  }
  bool ok = true;
  if (synthetic > 0) {
    if (synthetic > (int64_t{1} << 30) || m < 1 || m >= synthetic) {
      std::fprintf(stderr, "bad --synthetic/--m\n");
      return 2;
    }
    const double w0 = WallSeconds();
    CsrGraph g = BarabasiAlbert(static_cast<int32_t>(synthetic), m, seed);
    std::fprintf(stderr, "generated Barabasi-Albert n=%d m=%d: %lld edges in %.1f s\n",
                 g.num_nodes(), m, static_cast<long long>(g.num_edges()), WallSeconds() - w0);
    if (!write.empty()) {
      std::FILE* f = std::fopen(write.c_str(), "wb");
      if (f == nullptr) {
        std::fprintf(stderr, "cannot write %s\n", write.c_str());
        return 1;
      }
      for (int32_t v = 0; v < g.num_nodes(); ++v) {
        for (int32_t w : g.Neighbors(v)) {
          if (v < w) std::fprintf(f, "%d %d\n", v, w);
        }
      }
      std::fclose(f);
    }
    ok = RunMethods("ba-" + std::to_string(synthetic) + "-m" + std::to_string(m), g, target,
                    methods, json);
  }
  for (const auto& file : files) {
    auto lg = ReadEdgeList(file);
    if (!lg.ok()) {
      std::fprintf(stderr, "%s\n", lg.status().ToString().c_str());
      ok = false;
      continue;
    }
    std::string name = file.substr(file.find_last_of('/') + 1);
    ok = RunMethods(name, lg->graph, target, methods, json) && ok;
  }
  return ok ? 0 : 1;
}
