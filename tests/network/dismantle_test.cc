// Network dismantling: the edge-list reader, each method, reinsertion and the search, checked
// against known optimal answers and an independent component count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "cordon/network/dismantle.h"
#include "cordon/network/dismantle_search.h"
#include "cordon/network/graph_io.h"
#include "test_util.h"

namespace cordon::network {
namespace {

using Edges = std::vector<std::pair<int32_t, int32_t>>;

// Independent check: largest component by breadth-first search over a plain adjacency list
// built from the edge pairs (not from CsrGraph).
class Bfs {
 public:
  Bfs(int32_t n, const Edges& edges) : adj_(static_cast<size_t>(n)) {
    for (auto [u, v] : edges) {
      adj_[u].push_back(v);
      adj_[v].push_back(u);
    }
  }
  int64_t Largest(const std::vector<int32_t>& removed) {
    const size_t n = adj_.size();
    gone_.assign(n, 0);
    seen_.assign(n, 0);
    for (int32_t v : removed) gone_[v] = 1;
    int64_t best = 0;
    for (size_t s = 0; s < n; ++s) {
      if (gone_[s] || seen_[s]) continue;
      int64_t size = 0;
      queue_.assign(1, static_cast<int32_t>(s));
      seen_[s] = 1;
      for (size_t h = 0; h < queue_.size(); ++h) {
        ++size;
        for (int32_t w : adj_[queue_[h]]) {
          if (!gone_[w] && !seen_[w]) {
            seen_[w] = 1;
            queue_.push_back(w);
          }
        }
      }
      best = std::max(best, size);
    }
    return best;
  }

 private:
  std::vector<std::vector<int32_t>> adj_;
  std::vector<char> gone_, seen_;
  std::vector<int32_t> queue_;
};

int64_t BfsLargest(int32_t n, const Edges& edges, const std::vector<int32_t>& removed) {
  return Bfs(n, edges).Largest(removed);
}

struct TestGraph {
  int32_t n = 0;
  Edges edges;
  CsrGraph Csr() const { return BuildCsrGraph(n, edges); }
};

TestGraph Star(int32_t leaves) {
  TestGraph t{leaves + 1, {}};
  for (int32_t i = 1; i <= leaves; ++i) t.edges.emplace_back(0, i);
  return t;
}

// Two stars whose centres (0 and leaves + 1) are joined by an edge.
TestGraph TwoStars(int32_t leaves) {
  TestGraph t{2 * (leaves + 1), {}};
  const int32_t b = leaves + 1;
  for (int32_t i = 1; i <= leaves; ++i) {
    t.edges.emplace_back(0, i);
    t.edges.emplace_back(b, b + i);
  }
  t.edges.emplace_back(0, b);
  return t;
}

TestGraph Path(int32_t n) {
  TestGraph t{n, {}};
  for (int32_t i = 0; i + 1 < n; ++i) t.edges.emplace_back(i, i + 1);
  return t;
}

TestGraph Grid(int32_t rows, int32_t cols) {
  TestGraph t{rows * cols, {}};
  for (int32_t r = 0; r < rows; ++r) {
    for (int32_t c = 0; c < cols; ++c) {
      const int32_t v = r * cols + c;
      if (c + 1 < cols) t.edges.emplace_back(v, v + 1);
      if (r + 1 < rows) t.edges.emplace_back(v, v + cols);
    }
  }
  return t;
}

// Erdos-Renyi G(n, m) with a fixed linear congruential stream (repeats and loops included on
// purpose: BuildCsrGraph must drop them).
TestGraph Random(int32_t n, int64_t m, uint64_t seed) {
  TestGraph t{n, {}};
  for (int64_t i = 0; i < m; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const int32_t u = static_cast<int32_t>((seed >> 33) % static_cast<uint64_t>(n));
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const int32_t v = static_cast<int32_t>((seed >> 33) % static_cast<uint64_t>(n));
    t.edges.emplace_back(u, v);
  }
  return t;
}

// Exact minimum by trying every set of size 0, 1, 2, ... (small graphs only).
int64_t BruteForceMinimum(const TestGraph& t, int64_t target_size) {
  Bfs bfs(t.n, t.edges);
  for (int32_t r = 0; r <= t.n; ++r) {
    std::vector<int32_t> pick(static_cast<size_t>(r));
    std::iota(pick.begin(), pick.end(), 0);
    for (;;) {
      if (bfs.Largest(pick) <= target_size) return r;
      int32_t i = r - 1;
      while (i >= 0 && pick[i] == t.n - r + i) --i;
      if (i < 0) break;
      ++pick[i];
      for (int32_t j = i + 1; j < r; ++j) pick[j] = pick[j - 1] + 1;
    }
  }
  return t.n;
}

const DismantleMethod kAllMethods[] = {DismantleMethod::kDegree, DismantleMethod::kCoreHd,
                                       DismantleMethod::kGreedy, DismantleMethod::kBest};

DismantleResult RunMethod(const TestGraph& t, double target, DismantleMethod m,
                          bool reinsert = true) {
  DismantleOptions o;
  o.target = target;
  o.method = m;
  o.reinsert = reinsert;
  auto r = Dismantle(t.Csr(), o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : DismantleResult{};
}

// Valid: within the target by an independent count, no repeats, ids in range.
void ExpectValid(const TestGraph& t, const DismantleResult& r, int64_t target_size) {
  EXPECT_EQ(r.target_size, target_size);
  EXPECT_LE(BfsLargest(t.n, t.edges, r.removed), target_size);
  EXPECT_EQ(BfsLargest(t.n, t.edges, r.removed), r.largest_component);
  std::set<int32_t> unique(r.removed.begin(), r.removed.end());
  EXPECT_EQ(unique.size(), r.removed.size());
  for (int32_t v : r.removed) {
    EXPECT_GE(v, 0);
    EXPECT_LT(v, t.n);
  }
}

TEST(Dismantle, TargetSizeIsFloorWithoutRoundingSurprises) {
  EXPECT_EQ(TargetSize(300, 0.01), 3);
  EXPECT_EQ(TargetSize(309, 0.01), 3);
  EXPECT_EQ(TargetSize(100, 0.29), 29);  // 0.29 * 100 is 28.999999999999996 in doubles
  EXPECT_EQ(TargetSize(29, 0.1), 2);
  EXPECT_EQ(TargetSize(50, 0.01), 0);
}

TEST(Dismantle, RejectsBadTarget) {
  const CsrGraph g = Star(3).Csr();
  for (double target : {0.0, -0.5, 1.5}) {
    DismantleOptions o;
    o.target = target;
    EXPECT_FALSE(Dismantle(g, o).ok()) << target;
  }
}

TEST(Dismantle, StarNeedsOnlyItsCentre) {
  const TestGraph t = Star(20);  // 21 nodes, target 0.1 -> components of at most 2
  for (DismantleMethod m : kAllMethods) {
    const DismantleResult r = RunMethod(t, 0.1, m);
    ExpectValid(t, r, 2);
    EXPECT_EQ(r.removed, std::vector<int32_t>{0}) << DismantleMethodName(m);
  }
}

TEST(Dismantle, TwoJoinedStarsNeedBothCentres) {
  const TestGraph t = TwoStars(10);  // 22 nodes, target 0.1 -> at most 2
  for (DismantleMethod m : kAllMethods) {
    const DismantleResult r = RunMethod(t, 0.1, m);
    ExpectValid(t, r, 2);
    std::vector<int32_t> got = r.removed;
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<int32_t>{0, 11})) << DismantleMethodName(m);
  }
}

TEST(Dismantle, PathIsCutOptimally) {
  // A path of n nodes needs ceil((n - k) / (k + 1)) cuts for pieces of at most k.
  for (auto [n, target] : {std::pair{100, 0.09}, std::pair{100, 0.1}, std::pair{57, 0.05}}) {
    const TestGraph t = Path(n);
    const int64_t k = TargetSize(n, target);
    const int64_t optimum = n / (k + 1);  // = ceil((n - k) / (k + 1))
    for (DismantleMethod m : kAllMethods) {
      const DismantleResult r = RunMethod(t, target, m);
      ExpectValid(t, r, k);
      if (m == DismantleMethod::kCoreHd || m == DismantleMethod::kBest) {
        EXPECT_EQ(static_cast<int64_t>(r.removed.size()), optimum)
            << DismantleMethodName(m) << " n=" << n << " k=" << k;
      } else {
        EXPECT_GE(static_cast<int64_t>(r.removed.size()), optimum);
      }
    }
  }
}

TEST(Dismantle, GridMatchesBruteForceOptimum) {
  for (auto [rows, cols, target] :
       {std::tuple{4, 4, 0.2}, std::tuple{5, 5, 0.16}, std::tuple{4, 6, 0.25}}) {
    const TestGraph t = Grid(rows, cols);
    const int64_t k = TargetSize(t.n, target);
    const int64_t optimum = BruteForceMinimum(t, k);
    const DismantleResult r = RunMethod(t, target, DismantleMethod::kBest);
    ExpectValid(t, r, k);
    EXPECT_EQ(static_cast<int64_t>(r.removed.size()), optimum) << rows << "x" << cols << " k=" << k;
    for (DismantleMethod m : kAllMethods) {
      const DismantleResult any = RunMethod(t, target, m);
      ExpectValid(t, any, k);
      EXPECT_GE(static_cast<int64_t>(any.removed.size()), optimum);
    }
  }
}

TEST(Dismantle, SmallRandomGraphsMatchBruteForceOptimum) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const TestGraph t = Random(14, 22, seed);
    const int64_t k = TargetSize(t.n, 0.25);  // 3
    const int64_t optimum = BruteForceMinimum(t, k);
    const DismantleResult r = RunMethod(t, 0.25, DismantleMethod::kBest);
    ExpectValid(t, r, k);
    EXPECT_EQ(static_cast<int64_t>(r.removed.size()), optimum) << "seed " << seed;
  }
}

TEST(Dismantle, EveryMethodMeetsTheTargetOnRandomGraphs) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    for (auto [n, m] : {std::pair{300, 600}, std::pair{500, 2500}, std::pair{200, 150}}) {
      const TestGraph t = Random(n, m, seed);
      for (double target : {0.01, 0.05, 0.2}) {
        const int64_t k = TargetSize(n, target);
        for (DismantleMethod method : kAllMethods) {
          for (bool reinsert : {true, false}) {
            const DismantleResult r = RunMethod(t, target, method, reinsert);
            ExpectValid(t, r, k);
          }
        }
      }
    }
  }
}

TEST(Dismantle, ReinsertionKeepsTheTargetAndOnlyShrinks) {
  const TestGraph t = Random(400, 1600, 7);
  const CsrGraph g = t.Csr();
  for (double target : {0.01, 0.05, 0.1}) {
    const int64_t k = TargetSize(t.n, target);
    std::vector<int32_t> order = AdaptiveDegreeOrder(g);
    const int64_t prefix = ShortestPrefix(g, order, k);
    ASSERT_GE(prefix, 0);
    order.resize(static_cast<size_t>(prefix));
    ASSERT_LE(BfsLargest(t.n, t.edges, order), k);
    const std::vector<int32_t> back = Reinsert(g, order, k);
    EXPECT_LE(BfsLargest(t.n, t.edges, back), k);
    EXPECT_LE(back.size(), order.size());
    std::set<int32_t> before(order.begin(), order.end());
    for (int32_t v : back) EXPECT_TRUE(before.count(v)) << v;
    // Maximal: putting any single node back breaks the target.
    for (size_t i = 0; i < back.size(); ++i) {
      std::vector<int32_t> without = back;
      without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_GT(BfsLargest(t.n, t.edges, without), k) << "node " << back[i];
    }
  }
}

TEST(Dismantle, ShortestPrefixIsShortest) {
  const TestGraph t = Random(300, 900, 3);
  const CsrGraph g = t.Csr();
  const int64_t k = TargetSize(t.n, 0.05);
  const std::vector<int32_t> order = AdaptiveDegreeOrder(g);
  const int64_t p = ShortestPrefix(g, order, k);
  ASSERT_GT(p, 0);
  std::vector<int32_t> head(order.begin(), order.begin() + p);
  EXPECT_LE(BfsLargest(t.n, t.edges, head), k);
  head.pop_back();
  EXPECT_GT(BfsLargest(t.n, t.edges, head), k);
  // An order that cannot reach the target says so.
  EXPECT_EQ(ShortestPrefix(g, std::vector<int32_t>{0}, k), -1);
}

TEST(Dismantle, ReinsertionFromAnInsufficientSetOnlyReorders) {
  const TestGraph t = Path(50);
  const CsrGraph g = t.Csr();
  const std::vector<int32_t> few = {10, 20};  // pieces of 10, 9 and 29 nodes
  const std::vector<int32_t> back = Reinsert(g, few, 5);
  EXPECT_EQ(std::set<int32_t>(back.begin(), back.end()), std::set<int32_t>({10, 20}));
}

TEST(Dismantle, SearchNeverGrowsTheSetAndKeepsTheTarget) {
  const TestGraph t = Random(600, 2400, 11);
  const CsrGraph g = t.Csr();
  const int64_t k = TargetSize(t.n, 0.02);
  std::vector<int32_t> order = AdaptiveDegreeOrder(g);
  order.resize(static_cast<size_t>(ShortestPrefix(g, order, k)));
  const std::vector<int32_t> start = Reinsert(g, order, k);
  DismantleSearchOptions so;
  so.max_work = 2'000'000;
  DismantleSearchStats stats;
  const std::vector<int32_t> found = SearchRemovalSet(g, start, k, so, &stats);
  EXPECT_LE(found.size(), start.size());
  EXPECT_LE(BfsLargest(t.n, t.edges, found), k);
  EXPECT_GT(stats.rounds, 0);
  EXPECT_GE(stats.work, so.max_work);
  // Still maximal: Reinsert has nothing to put back.
  EXPECT_EQ(Reinsert(g, found, k).size(), found.size());
}

TEST(Dismantle, SameInputSameOutput) {
  const TestGraph t = Random(800, 3000, 5);
  for (DismantleMethod m : kAllMethods) {
    const DismantleResult a = RunMethod(t, 0.01, m);
    const DismantleResult b = RunMethod(t, 0.01, m);
    EXPECT_EQ(a.removed, b.removed) << DismantleMethodName(m);
    EXPECT_EQ(a.method, b.method);
  }
}

TEST(Dismantle, TargetBelowOneNodeRemovesEverything) {
  const TestGraph t = Path(30);  // target 0.01 of 30 nodes: components of 0 nodes
  for (DismantleMethod m : kAllMethods) {
    const DismantleResult r = RunMethod(t, 0.01, m);
    ExpectValid(t, r, 0);
    EXPECT_EQ(r.removed.size(), 30u) << DismantleMethodName(m);
  }
}

TEST(Dismantle, EmptyAndEdgelessGraphs) {
  const TestGraph empty{0, {}};
  const TestGraph isolated{200, {}};
  for (DismantleMethod m : kAllMethods) {
    EXPECT_TRUE(RunMethod(empty, 0.01, m).removed.empty());
    const DismantleResult r = RunMethod(isolated, 0.01, m);  // components of 1 <= 2
    EXPECT_TRUE(r.removed.empty());
    EXPECT_EQ(r.largest_component, 1);
  }
}

TEST(Dismantle, ParsesMethodNames) {
  for (DismantleMethod m : kAllMethods) {
    auto parsed = ParseDismantleMethod(DismantleMethodName(m));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_FALSE(ParseDismantleMethod("gnd").ok());
}

// ---- The edge-list reader ----

TEST(EdgeList, DropsLoopsAndDuplicatesAndKeepsLabelsAsWritten) {
  auto lg = ParseEdgeList("a b\nb a\na a\n01 1\n1 01\nc\tb\n b   c \n");
  ASSERT_TRUE(lg.ok()) << lg.status().ToString();
  EXPECT_EQ(lg->labels, (std::vector<std::string>{"a", "b", "01", "1", "c"}));
  EXPECT_EQ(lg->graph.num_nodes(), 5);
  EXPECT_EQ(lg->graph.num_edges(), 3);  // a-b, 01-1, c-b
  EXPECT_EQ(lg->report.self_loops, 1);
  EXPECT_EQ(lg->report.duplicates, 3);  // b a, 1 01, b c
  EXPECT_EQ(lg->report.bad_lines, 0);
  EXPECT_EQ(lg->graph.Degree(1), 2);
}

TEST(EdgeList, ReportsBadLinesWithLineNumbers) {
  const std::string text =
      "# a comment\n"
      "1 2\n"
      "3\n"  // line 3: one label
      "% konect style comment\n"
      "2 \xff\xfe\n"  // line 5: not UTF-8
      "\n"
      "4 5 1.0 1234\n"  // extra columns are fine
      "   \n"
      "6\t\n";  // line 9: one label
  EdgeListOptions o;
  auto lg = ParseEdgeList(text, o);
  ASSERT_TRUE(lg.ok());
  EXPECT_EQ(lg->report.bad_lines, 3);
  ASSERT_EQ(lg->report.issues.size(), 3u);
  EXPECT_EQ(lg->report.issues[0].line, 3);
  EXPECT_EQ(lg->report.issues[1].line, 5);
  EXPECT_EQ(lg->report.issues[2].line, 9);
  EXPECT_NE(lg->report.issues[1].reason.find("UTF-8"), std::string::npos);
  EXPECT_EQ(lg->report.comments, 4);
  EXPECT_EQ(lg->graph.num_edges(), 2);
  EXPECT_EQ(lg->report.lines, 9);
}

TEST(EdgeList, TooLongLinesAreBadAndTheRestIsKept) {
  testing::TempDir tmp;
  const std::string path = tmp.File("long.txt");
  testing::WriteFile(path, "1 2\n" + std::string(300, 'x') + " y\n2 3\n");
  EdgeListOptions o;
  o.max_line_bytes = 100;
  auto lg = ReadEdgeList(path, o);
  ASSERT_TRUE(lg.ok()) << lg.status().ToString();
  EXPECT_EQ(lg->graph.num_edges(), 2);
  ASSERT_EQ(lg->report.issues.size(), 1u);
  EXPECT_EQ(lg->report.issues[0].line, 2);
}

TEST(EdgeList, KeepsOnlyTheFirstIssuesButCountsAll) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "lonely\n";
  EdgeListOptions o;
  o.max_issues = 5;
  auto lg = ParseEdgeList(text, o);
  ASSERT_TRUE(lg.ok());
  EXPECT_EQ(lg->report.bad_lines, 50);
  EXPECT_EQ(lg->report.issues.size(), 5u);
}

TEST(EdgeList, SkipsHeaders) {
  auto named = ParseEdgeList("Source,Target\nx,y\ny,z\n");
  ASSERT_TRUE(named.ok());
  EXPECT_TRUE(named->report.header);
  EXPECT_EQ(named->labels, (std::vector<std::string>{"x", "y", "z"}));

  auto numeric = ParseEdgeList("alpha beta\n1 2\n2 3\n");  // words over numbers: a header
  ASSERT_TRUE(numeric.ok());
  EXPECT_TRUE(numeric->report.header);
  EXPECT_EQ(numeric->graph.num_nodes(), 3);

  auto words = ParseEdgeList("alpha beta\nbeta gamma\n");  // all words: data
  ASSERT_TRUE(words.ok());
  EXPECT_FALSE(words->report.header);
  EXPECT_EQ(words->graph.num_edges(), 2);

  auto single = ParseEdgeList("alpha beta");  // one line, no newline: data
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->graph.num_edges(), 1);
}

TEST(EdgeList, WindowsLineEndsAndCsv) {
  auto lg = ParseEdgeList("1,2\r\n2,3\r\n3 4\r\n");
  ASSERT_TRUE(lg.ok());
  EXPECT_EQ(lg->labels, (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(lg->graph.num_edges(), 3);
}

TEST(EdgeList, NodeLimitIsAnError) {
  EdgeListOptions o;
  o.max_nodes = 3;
  auto lg = ParseEdgeList("1 2\n3 4\n", o);
  ASSERT_FALSE(lg.ok());
  EXPECT_EQ(lg.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(lg.status().where().line, 2);
}

TEST(EdgeList, MissingFileIsAnError) {
  auto lg = ReadEdgeList("/nonexistent/cordon/edges.txt");
  EXPECT_FALSE(lg.ok());
  EXPECT_EQ(lg.status().code(), StatusCode::kIoError);
}

TEST(EdgeList, BigNumbersAndWordsShareOneIdSpace) {
  auto lg = ParseEdgeList("99999999999 7\n7 word\nword 99999999999\n");
  ASSERT_TRUE(lg.ok());
  EXPECT_EQ(lg->graph.num_nodes(), 3);
  EXPECT_EQ(lg->graph.num_edges(), 3);
}

TEST(EdgeList, ANumberSeenBeforeTheIdTableGrewKeepsItsNode) {
  // 70000 is first seen while the table is small (so it goes to the hash map); by its second
  // appearance the table covers it. It must still be one node.
  std::string text = "70000 0\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  text += "70000 5\n";
  auto lg = ParseEdgeList(text);
  ASSERT_TRUE(lg.ok());
  EXPECT_EQ(lg->graph.num_nodes(), 20002);
  EXPECT_EQ(std::count(lg->labels.begin(), lg->labels.end(), "70000"), 1);
  EXPECT_EQ(lg->graph.Degree(0), 2);  // node 0 is "70000": edges to 0 and 5
}

// ---- The command ----

std::string RunCli(const std::string& args, int* status) {
  const std::string cmd = std::string(CORDON_BINARY) + " dismantle " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, got);
  *status = pclose(p.release());
  return out;
}

TEST(DismantleCli, PrintsJsonWithLabelsInRemovalOrder) {
  testing::TempDir tmp;
  std::string text = "# two stars\n";
  for (int i = 0; i < 10; ++i) {
    text += "hub_a leaf_a" + std::to_string(i) + "\n";
    text += "hub_b leaf_b" + std::to_string(i) + "\n";
  }
  text += "hub_a hub_b\nbroken\n";
  testing::WriteFile(tmp.path() / "e.txt", text);
  int status = 0;
  const std::string out = RunCli("--edges " + tmp.File("e.txt") + " --target 0.1 --json", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("e.txt:23: expected two node labels"), std::string::npos) << out;
  EXPECT_NE(out.find("\"nodes\":22"), std::string::npos) << out;
  EXPECT_NE(out.find("\"edges\":21"), std::string::npos) << out;
  EXPECT_NE(out.find("\"target\":0.1"), std::string::npos) << out;
  const bool ab = out.find("\"removed\":[\"hub_a\",\"hub_b\"]") != std::string::npos;
  const bool ba = out.find("\"removed\":[\"hub_b\",\"hub_a\"]") != std::string::npos;
  EXPECT_TRUE(ab || ba) << out;
  EXPECT_NE(out.find("\"largest_component\":1"), std::string::npos) << out;
  EXPECT_NE(out.find("\"fraction\":"), std::string::npos) << out;
  EXPECT_NE(out.find("\"method\":"), std::string::npos) << out;
  EXPECT_NE(out.find("\"seconds\":"), std::string::npos) << out;

  const std::string summary = RunCli("--edges " + tmp.File("e.txt") + " --target 0.1", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(summary.find("removed:           2 nodes"), std::string::npos) << summary;

  RunCli("--edges " + tmp.File("e.txt") + " --method nonsense", &status);
  EXPECT_NE(status, 0);
  RunCli("--edges " + tmp.File("e.txt") + " --target 2", &status);
  EXPECT_NE(status, 0);
}

}  // namespace
}  // namespace cordon::network
