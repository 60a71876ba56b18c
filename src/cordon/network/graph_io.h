// Simple undirected graphs in compressed adjacency form, and a robust edge-list reader.
//
// Edge-list format: one edge per line, two node labels separated by spaces or tabs (or, when a
// line holds no whitespace, by a comma). Labels are strings as written ("01" and "1" are two
// nodes). Further columns (weights, timestamps) are ignored. Blank lines and lines starting with
// '#', '%' or "//" are comments. A first line of two non-numeric labels followed by a line of
// two numbers, or a first line of well-known column names (source/target, from/to, ...), is a
// header and is skipped. Lines with fewer than two labels, longer than the line limit or not
// valid UTF-8 are bad: counted, reported with their line numbers, and the rest goes on.
// Self-loops and duplicate edges (in either direction) are dropped and counted.
//
// Node ids are 0..n-1 in order of first appearance, so the same file always gives the same ids.
//
// Ownership and thread safety: CsrGraph and LabeledGraph are plain values; a const CsrGraph can be
// read from any number of threads. An EdgeListParser is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cordon/util/status.h"

namespace cordon::network {

// A simple undirected graph (no self-loops, no multi-edges); each edge is stored both ways.
struct CsrGraph {
  std::vector<int64_t> offsets{0};  // size num_nodes() + 1
  std::vector<int32_t> adj;         // neighbours of v: adj[offsets[v] .. offsets[v + 1])

  int32_t num_nodes() const { return static_cast<int32_t>(offsets.size() - 1); }
  int64_t num_edges() const { return static_cast<int64_t>(adj.size() / 2); }
  int32_t Degree(int32_t v) const { return static_cast<int32_t>(offsets[v + 1] - offsets[v]); }
  std::span<const int32_t> Neighbors(int32_t v) const {
    return {adj.data() + offsets[v], static_cast<size_t>(offsets[v + 1] - offsets[v])};
  }
};

struct CsrBuildCounts {
  int64_t self_loops = 0;
  int64_t duplicates = 0;  // repeated edges, counting u-v and v-u as the same edge
};

// Builds a graph of n nodes from (u, v) pairs with 0 <= u, v < n; self-loops and duplicates are
// dropped (and counted in `counts` when given). Neighbour lists come out sorted.
CsrGraph BuildCsrGraph(int32_t n, std::span<const std::pair<int32_t, int32_t>> edges,
                       CsrBuildCounts* counts = nullptr);

struct EdgeListIssue {
  int64_t line = 0;  // 1-based
  std::string reason;
};

struct EdgeListReport {
  int64_t lines = 0;       // every line, comments included
  int64_t edge_lines = 0;  // lines that gave an edge (before dropping loops and duplicates)
  int64_t comments = 0;    // comment and blank lines
  bool header = false;     // the first data line was taken as a header
  int64_t bad_lines = 0;
  int64_t self_loops = 0;
  int64_t duplicates = 0;
  std::vector<EdgeListIssue> issues;  // the first max_issues bad lines, in file order
};

struct EdgeListOptions {
  size_t max_line_bytes = 1 << 16;
  size_t max_issues = 100;
  int64_t max_nodes = (int64_t{1} << 31) - 2;
};

struct LabeledGraph {
  CsrGraph graph;
  std::vector<std::string> labels;  // labels[v] is node v as written in the file
  EdgeListReport report;
};

// Incremental parser: feed lines in order, then Finish(). For files use ReadEdgeList.
class EdgeListParser {
 public:
  explicit EdgeListParser(EdgeListOptions options = {});
  ~EdgeListParser();
  EdgeListParser(const EdgeListParser&) = delete;
  EdgeListParser& operator=(const EdgeListParser&) = delete;

  // `text` excludes the newline. Returns an error only when a limit is exceeded (too many
  // nodes); a bad line is recorded in the report and is not an error.
  Status AddLine(std::string_view text, int64_t line_number);
  // Records a line the reader skipped for being too long.
  void AddTooLongLine(int64_t line_number);
  // Builds the graph; the parser is spent afterwards.
  StatusOr<LabeledGraph> Finish();

 private:
  struct Interner;
  Status AddEdge(std::string_view a, std::string_view b);
  void Bad(int64_t line, std::string reason);

  EdgeListOptions options_;
  std::unique_ptr<Interner> interner_;
  std::vector<std::pair<int32_t, int32_t>> edges_;
  EdgeListReport report_;
  int64_t data_lines_ = 0;  // lines with two or more labels seen so far
  // A first data line of two non-numeric labels waits until the next data line says whether it
  // was a header.
  bool pending_ = false;
  std::string pending_a_, pending_b_;
};

// Reads an edge-list file. Fails only when the file cannot be read or a limit is exceeded;
// bad lines are listed in the report.
StatusOr<LabeledGraph> ReadEdgeList(const std::string& path, const EdgeListOptions& options = {});

// The same over text in memory (tests, fuzzing).
StatusOr<LabeledGraph> ParseEdgeList(std::string_view text, const EdgeListOptions& options = {});

}  // namespace cordon::network
