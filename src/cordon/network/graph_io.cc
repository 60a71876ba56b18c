#include "cordon/network/graph_io.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "cordon/util/line_reader.h"
#include "cordon/util/utf8.h"

namespace cordon::network {

CsrGraph BuildCsrGraph(int32_t n, std::span<const std::pair<int32_t, int32_t>> edges,
                       CsrBuildCounts* counts) {
  CsrGraph g;
  g.offsets.assign(static_cast<size_t>(n) + 1, 0);
  int64_t loops = 0;
  for (const auto& [u, v] : edges) {
    if (u == v) {
      ++loops;
      continue;
    }
    ++g.offsets[u + 1];
    ++g.offsets[v + 1];
  }
  for (int32_t v = 0; v < n; ++v) g.offsets[v + 1] += g.offsets[v];
  g.adj.resize(static_cast<size_t>(g.offsets[n]));
  std::vector<int64_t> fill(g.offsets.begin(), g.offsets.end() - 1);
  for (const auto& [u, v] : edges) {
    if (u == v) continue;
    g.adj[fill[u]++] = v;
    g.adj[fill[v]++] = u;
  }
  // Sort each list, drop repeats and compact in place.
  int64_t out = 0;
  int64_t begin = 0;
  for (int32_t v = 0; v < n; ++v) {
    const int64_t end = g.offsets[v + 1];
    std::sort(g.adj.begin() + begin, g.adj.begin() + end);
    const int64_t start = out;
    for (int64_t i = begin; i < end; ++i) {
      if (i > begin && g.adj[i] == g.adj[i - 1]) continue;
      g.adj[out++] = g.adj[i];
    }
    begin = end;
    g.offsets[v] = start;
  }
  g.offsets[n] = out;
  const int64_t dropped = static_cast<int64_t>(g.adj.size()) - out;
  g.adj.resize(static_cast<size_t>(out));
  g.adj.shrink_to_fit();
  if (counts != nullptr) {
    counts->self_loops = loops;
    counts->duplicates = dropped / 2;
  }
  return g;
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Splits on whitespace; a line with no whitespace is split on commas (CSV edge lists).
// Returns how many fields were found, keeping the first two.
int Split(std::string_view s, std::array<std::string_view, 2>& out) {
  int found = 0;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    while (i < n && IsSpace(s[i])) ++i;
    if (i == n) break;
    size_t j = i;
    while (j < n && !IsSpace(s[j])) ++j;
    if (found < 2) out[found] = s.substr(i, j - i);
    ++found;
    i = j;
  }
  if (found == 1 && out[0].find(',') != std::string_view::npos) {
    std::string_view t = out[0];
    found = 0;
    size_t start = 0;
    for (;;) {
      size_t comma = t.find(',', start);
      std::string_view field =
          t.substr(start, comma == std::string_view::npos ? t.npos : comma - start);
      if (!field.empty()) {
        if (found < 2) out[found] = field;
        ++found;
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return found;
}

// "0" or a decimal without leading zeros that fits in `limit`; returns -1 otherwise.
int64_t CanonicalNumber(std::string_view s, int64_t limit) {
  if (s.empty() || s.size() > 12) return -1;
  if (s[0] == '0') return s.size() == 1 ? 0 : -1;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v < limit ? v : -1;
}

bool IsNumber(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool IsHeaderWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {"source", "target", "from",  "to",  "src",
                                                "dst",    "node1",  "node2", "id1", "id2"};
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (std::string_view w : kWords) {
    if (lower == w) return true;
  }
  return false;
}

}  // namespace

// Maps labels to dense ids. Small canonical numbers go through a table (most benchmark files
// are numbered); everything else through a hash map whose keys live in an arena.
struct EdgeListParser::Interner {
  static constexpr int64_t kTableLimit = int64_t{1} << 24;
  std::vector<int32_t> table;
  std::unordered_map<std::string_view, int32_t> map;
  std::vector<std::unique_ptr<char[]>> chunks;
  size_t chunk_left = 0;
  char* chunk_pos = nullptr;
  std::vector<std::string_view> labels;

  std::string_view Store(std::string_view s) {
    if (s.size() > chunk_left) {
      const size_t size = std::max<size_t>(s.size(), 1 << 20);
      chunks.push_back(std::make_unique<char[]>(size));
      chunk_pos = chunks.back().get();
      chunk_left = size;
    }
    std::memcpy(chunk_pos, s.data(), s.size());
    std::string_view stored(chunk_pos, s.size());
    chunk_pos += s.size();
    chunk_left -= s.size();
    return stored;
  }

  // Returns the id, or -1 when the node limit is reached.
  int32_t Intern(std::string_view s, int64_t max_nodes) {
    const int64_t num = CanonicalNumber(s, kTableLimit);
    if (num >= 0) {
      // The table grows with the number of nodes, so one large number cannot make it huge;
      // numbers beyond it go to the map, where a later lookup still finds them.
      const size_t want = static_cast<size_t>(num);
      const size_t room = std::max<size_t>(size_t{1} << 12, 4 * (labels.size() + 1));
      if (want >= table.size() && want < room) {
        const size_t size = std::max(want + 1, table.size() * 2);
        table.resize(std::min<size_t>(size, kTableLimit), -1);
      }
      if (want < table.size()) {
        int32_t& slot = table[want];
        if (slot >= 0) return slot;
        if (!map.empty()) {
          auto it = map.find(s);
          if (it != map.end()) return it->second;
        }
        if (static_cast<int64_t>(labels.size()) >= max_nodes) return -1;
        slot = static_cast<int32_t>(labels.size());
        labels.push_back(Store(s));
        return slot;
      }
    }
    auto it = map.find(s);
    if (it != map.end()) return it->second;
    if (static_cast<int64_t>(labels.size()) >= max_nodes) return -1;
    const int32_t id = static_cast<int32_t>(labels.size());
    std::string_view stored = Store(s);
    labels.push_back(stored);
    map.emplace(stored, id);
    return id;
  }
};

EdgeListParser::EdgeListParser(EdgeListOptions options)
    : options_(options), interner_(std::make_unique<Interner>()) {}
EdgeListParser::~EdgeListParser() = default;

void EdgeListParser::Bad(int64_t line, std::string reason) {
  ++report_.bad_lines;
  if (report_.issues.size() < options_.max_issues) {
    report_.issues.push_back({line, std::move(reason)});
  }
}

void EdgeListParser::AddTooLongLine(int64_t line_number) {
  ++report_.lines;
  Bad(line_number, "line longer than " + std::to_string(options_.max_line_bytes) + " bytes");
}

Status EdgeListParser::AddEdge(std::string_view a, std::string_view b) {
  const int32_t u = interner_->Intern(a, options_.max_nodes);
  const int32_t v = u < 0 ? -1 : interner_->Intern(b, options_.max_nodes);
  if (u < 0 || v < 0) {
    return Status::ResourceExhausted("more than " + std::to_string(options_.max_nodes) + " nodes");
  }
  edges_.emplace_back(u, v);
  ++report_.edge_lines;
  return Status::Ok();
}

Status EdgeListParser::AddLine(std::string_view text, int64_t line_number) {
  ++report_.lines;
  size_t first = 0;
  while (first < text.size() && IsSpace(text[first])) ++first;
  if (first == text.size() || text[first] == '#' || text[first] == '%' ||
      text.substr(first, 2) == "//") {
    ++report_.comments;
    return Status::Ok();
  }
  std::array<std::string_view, 2> f;
  const int fields = Split(text, f);
  if (fields < 2) {
    Bad(line_number, "expected two node labels, found one");
    return Status::Ok();
  }
  if (!IsValidUtf8(f[0]) || !IsValidUtf8(f[1])) {
    Bad(line_number, "node label is not valid UTF-8");
    return Status::Ok();
  }
  ++data_lines_;
  if (data_lines_ == 1) {
    if (IsHeaderWord(f[0]) && IsHeaderWord(f[1])) {
      report_.header = true;
      return Status::Ok();
    }
    if (!IsNumber(f[0]) && !IsNumber(f[1])) {
      pending_ = true;
      pending_a_ = f[0];
      pending_b_ = f[1];
      return Status::Ok();
    }
  } else if (pending_) {
    pending_ = false;
    if (IsNumber(f[0]) && IsNumber(f[1])) {
      report_.header = true;
    } else {
      RETURN_IF_ERROR(AddEdge(pending_a_, pending_b_));
    }
  }
  return AddEdge(f[0], f[1]);
}

StatusOr<LabeledGraph> EdgeListParser::Finish() {
  if (pending_) {
    pending_ = false;
    RETURN_IF_ERROR(AddEdge(pending_a_, pending_b_));
  }
  LabeledGraph out;
  const int32_t n = static_cast<int32_t>(interner_->labels.size());
  CsrBuildCounts counts;
  out.graph = BuildCsrGraph(n, edges_, &counts);
  edges_ = {};
  report_.self_loops = counts.self_loops;
  report_.duplicates = counts.duplicates;
  out.labels.reserve(static_cast<size_t>(n));
  for (std::string_view l : interner_->labels) out.labels.emplace_back(l);
  interner_ = std::make_unique<Interner>();
  out.report = std::move(report_);
  report_ = {};
  return out;
}

StatusOr<LabeledGraph> ReadEdgeList(const std::string& path, const EdgeListOptions& options) {
  LineReader reader;
  RETURN_IF_ERROR(reader.Open(path, options.max_line_bytes));
  EdgeListParser parser(options);
  Line line;
  while (reader.Next(line)) {
    if (line.too_long) {
      parser.AddTooLongLine(line.number);
      continue;
    }
    Status st = parser.AddLine(line.text, line.number);
    if (!st.ok()) return st.At(Location{path, line.number});
  }
  RETURN_IF_ERROR(reader.status());
  return parser.Finish();
}

StatusOr<LabeledGraph> ParseEdgeList(std::string_view text, const EdgeListOptions& options) {
  EdgeListParser parser(options);
  int64_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    ++number;
    if (line.size() > options.max_line_bytes) {
      parser.AddTooLongLine(number);
    } else {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      Status st = parser.AddLine(line, number);
      if (!st.ok()) return st.At(Location{"", number});
    }
    pos = end + 1;
  }
  return parser.Finish();
}

}  // namespace cordon::network
