#include "cordon/network/plan.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <queue>

#include <simdjson.h>

#include "cordon/util/progress.h"

namespace cordon::network {

// ---------------------------------------------------------------- ReachGraph

int32_t ReachGraph::Add(std::string_view key, NodeKind kind) {
  auto [it, inserted] = index_.emplace(std::string(key), static_cast<int32_t>(nodes_.size()));
  if (inserted) {
    ReachNode n;
    n.key = std::string(key);
    n.kind = kind;
    nodes_.push_back(std::move(n));
  }
  return it->second;
}

int32_t ReachGraph::Find(std::string_view key) const {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? -1 : it->second;
}

void ReachGraph::AddParent(int32_t child, int32_t parent, std::string ref) {
  if (child == parent) return;
  ReachNode& c = node(child);
  if (std::find(c.parents.begin(), c.parents.end(), parent) != c.parents.end()) return;
  c.parents.push_back(parent);
  c.parent_refs.push_back(std::move(ref));
}

void ReachGraph::AddPoster(int32_t chat, int32_t poster, std::string ref) {
  if (chat == poster) return;
  ReachNode& c = node(chat);
  if (std::find(c.posters.begin(), c.posters.end(), poster) != c.posters.end()) return;
  c.posters.push_back(poster);
  c.poster_refs.push_back(std::move(ref));
}

void ReachGraph::Finalize() {
  children_.assign(nodes_.size(), {});
  for (size_t v = 0; v < nodes_.size(); ++v) {
    for (int32_t p : nodes_[v].parents)
      children_[static_cast<size_t>(p)].push_back(static_cast<int32_t>(v));
  }
}

// ---------------------------------------------------------------- the model

namespace {

std::string RoleText(const RoleAssignment& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " %.2f", r.confidence);
  return std::string(RoleName(r.role)) + buf;
}

bool Gone(const ReachGraph& g, const std::vector<char>& removed, int32_t v) {
  return g.node(v).down || (!removed.empty() && removed[static_cast<size_t>(v)]);
}

bool Silent(const ReachGraph& g, const std::vector<char>& removed, int32_t v) {
  const ReachNode& x = g.node(v);
  if (x.posters.empty()) return false;
  for (int32_t p : x.posters) {
    if (!Gone(g, removed, p)) return false;
  }
  return true;
}

bool Active(const ReachGraph& g, const std::vector<char>& removed, int32_t v) {
  return g.node(v).carrier && !Gone(g, removed, v) && !Silent(g, removed, v);
}

std::string Count(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", x);
  return buf;
}

}  // namespace

ReachGraph MakeReachGraph(const Network& net, const Roles& roles, const ReachOptions& o) {
  ReachGraph g;
  const size_t n = net.nodes().size();
  std::vector<int32_t> rid(n, -1);
  std::vector<char> carrier(n, 0);
  // Carriers.
  for (size_t v = 0; v < n; ++v) {
    const Node& node = net.nodes()[v];
    if (node.merged || IsAccount(node.kind)) continue;
    const auto& rs = roles.by_node[v];
    const RoleAssignment* best = nullptr;
    bool root = false;
    for (const RoleAssignment& r : rs) {
      if (!IsCarrierRole(r.role) || r.confidence < o.min_confidence) continue;
      if (best == nullptr) best = &r;
      root |= r.role == Role::kOfficial || r.role == Role::kInjector;
    }
    if (best == nullptr) continue;
    carrier[v] = 1;
    const int32_t id = g.Add(node.key, node.kind);
    rid[v] = id;
    ReachNode& x = g.node(id);
    x.carrier = true;
    x.root = root;
    x.down = node.down;
    if (node.subscribers && *node.subscribers > 0) {
      x.audience = static_cast<double>(*node.subscribers);
    } else if (node.views_max > 0) {
      x.audience = std::ceil(static_cast<double>(node.views_max) * o.views_to_audience);
    } else {
      x.audience = static_cast<double>(std::max<int64_t>(node.members, 1));
    }
    x.role = RoleText(*best);
    x.evidence = best->evidence.refs;
  }
  auto account = [&](int32_t a) {
    const Node& an = net.node(a);
    if (rid[static_cast<size_t>(a)] < 0) {
      const int32_t id = g.Add(an.key, an.kind == NodeKind::kUnknown ? NodeKind::kUser : an.kind);
      rid[static_cast<size_t>(a)] = id;
      g.node(id).down = an.down;
      const auto& rs = roles.by_node[static_cast<size_t>(a)];
      if (!rs.empty()) {
        g.node(id).role = RoleText(rs[0]);
        g.node(id).evidence = rs[0].evidence.refs;
      }
    }
    return rid[static_cast<size_t>(a)];
  };
  // Posters: admins and creators, bots used.
  for (size_t v = 0; v < n; ++v) {
    if (!carrier[v]) continue;
    for (int32_t e : net.InEdges(static_cast<int32_t>(v))) {
      const Edge& edge = net.edge(e);
      const Node& from = net.node(edge.from);
      if (from.merged || IsChat(from.kind) || from.kind == NodeKind::kName) continue;
      if ((edge.kind == EdgeKind::kAdmin && edge.active) || edge.kind == EdgeKind::kBot) {
        const std::string ref =
            edge.evidence.sample.empty() ? std::string() : edge.evidence.sample[0].refs[0];
        g.AddPoster(rid[v], account(edge.from), ref);
      }
    }
  }
  // Supply: who passed releases on to whom. A chat's own feed is what it posts as itself
  // (channel posts) or through its admins and bots; members forwarding releases into a group
  // is chatter, not its supply. Forwards name their source; a re-upload's source is inferred,
  // so re-uploads count only for chats with too few forwards to go by.
  struct Supply {
    int64_t forwards = 0, reuploads = 0;
  };
  std::map<std::pair<int32_t, int32_t>, Supply> supply;  // (child, parent)
  std::vector<Supply> received(n);
  std::vector<std::vector<int32_t>> feeders(n);  // admins and bots of each carrier
  for (size_t v = 0; v < n; ++v) {
    if (!carrier[v]) continue;
    for (int32_t e : net.InEdges(static_cast<int32_t>(v))) {
      const Edge& edge = net.edge(e);
      if ((edge.kind == EdgeKind::kAdmin && edge.active) || edge.kind == EdgeKind::kBot) {
        feeders[v].push_back(edge.from);
      }
    }
  }
  std::map<std::pair<int32_t, int32_t>, std::string> senders;  // (chat, account) -> message
  for (int32_t i : roles.release_items) {
    for (const Carrier& c : net.items()[static_cast<size_t>(i)].carriers) {
      const auto chat = static_cast<size_t>(c.chat);
      if (!carrier[chat]) continue;
      if (c.sender >= 0) senders.emplace(std::make_pair(c.chat, c.sender), c.message);
      if (c.source < 0 || c.source == c.chat || !carrier[static_cast<size_t>(c.source)]) continue;
      const auto& f = feeders[chat];
      if (c.sender >= 0 && !f.empty() && std::find(f.begin(), f.end(), c.sender) == f.end() &&
          (c.via_bot < 0 || std::find(f.begin(), f.end(), c.via_bot) == f.end())) {
        continue;
      }
      Supply& s = supply[{c.chat, c.source}];
      if (c.forwarded) {
        ++s.forwards;
        ++received[chat].forwards;
      } else {
        ++s.reuploads;
        ++received[chat].reuploads;
      }
    }
  }
  for (const auto& [cs, msg] : senders) {
    const int32_t chat = rid[static_cast<size_t>(cs.first)];
    if (!g.node(chat).posters.empty() && g.node(chat).poster_refs[0].rfind("sender ", 0) != 0) {
      continue;
    }
    g.AddPoster(chat, account(cs.second), "sender " + msg);
  }
  for (const auto& [cp, s] : supply) {
    const auto child = static_cast<size_t>(cp.first);
    const bool by_forward = received[child].forwards >= o.min_supply;
    const int64_t count = by_forward ? s.forwards : s.reuploads;
    const int64_t total = by_forward ? received[child].forwards : received[child].reuploads;
    if (count == 0 || total == 0) continue;
    const double share = static_cast<double>(count) / static_cast<double>(total);
    if (count < o.min_supply && share < o.min_supply_share) continue;
    std::string ref;
    const int32_t e =
        net.FindEdge(cp.second, cp.first, by_forward ? EdgeKind::kForward : EdgeKind::kReupload);
    if (e >= 0 && !net.edge(e).evidence.sample.empty())
      ref = net.edge(e).evidence.sample[0].refs[0];
    g.AddParent(rid[child], rid[static_cast<size_t>(cp.second)], ref);
  }
  // Successors: a chat whose first day reposts content that a chat taken down shortly before
  // had carried (a replacement reposting its predecessor's backlog) takes the predecessor's
  // place: it gets the predecessor's supply, and the chats the predecessor supplied get it
  // from the successor. Roots pass their first-hand access on.
  {
    // Every content item counts, not only releases: a backlog repeats the predecessor's own
    // posts too, which no other chat carried.
    std::vector<char> is_release(net.items().size(), 0);
    for (int32_t i : roles.release_items) is_release[static_cast<size_t>(i)] = 1;
    std::vector<std::vector<std::pair<int32_t, TimeMs>>> carried(n);  // chat -> (item, time)
    for (size_t i = 0; i < net.items().size(); ++i) {
      const auto& cs = net.items()[i].carriers;
      if (cs.size() < 2) continue;
      for (const Carrier& c : cs) {
        carried[static_cast<size_t>(c.chat)].push_back({static_cast<int32_t>(i), c.time});
      }
    }
    std::vector<int32_t> successor(n, -1);
    std::vector<std::pair<TimeMs, int32_t>> order;  // successors in the time they appeared
    for (size_t r = 0; r < n; ++r) {
      const Node& rn = net.nodes()[r];
      if (!carrier[r] || rn.first_active == kNoTime) continue;
      std::map<int32_t, int64_t> votes;
      std::map<int32_t, TimeMs> oldest;  // per candidate: its earliest carry of the backlog
      int64_t backlog = 0;               // old items it reposted that a chat taken down had carried
      for (const auto& [item, t] : carried[r]) {
        if (t - rn.first_active > o.successor_window) continue;
        const ContentItem& it = net.items()[static_cast<size_t>(item)];
        // A release carried within a day of its first appearance is news, not backlog.
        if (is_release[static_cast<size_t>(item)] &&
            t - it.carriers[0].time <= o.successor_window) {
          continue;
        }
        bool counted = false;
        for (const Carrier& c : it.carriers) {
          const Node& dn = net.node(c.chat);
          if (c.chat == static_cast<int32_t>(r) || c.time >= t || !dn.down ||
              dn.down_since > rn.first_active ||
              rn.first_active - dn.down_since > o.successor_gap) {
            continue;
          }
          // Chats the model does not hold as carriers are candidates too: the predecessor may
          // not have carried enough releases to count as one.
          if (!counted) ++backlog;
          counted = true;
          if (!IsChat(dn.kind) || dn.merged) continue;
          ++votes[c.chat];
          auto [pos, fresh] = oldest.emplace(c.chat, c.time);
          if (!fresh) pos->second = std::min(pos->second, c.time);
        }
      }
      // The predecessor is the chat whose last posts the backlog reproduces: many of them
      // (votes), and few of its posts from that time on left out. A busy source that carried
      // the same releases too, among many others, explains the backlog less well than the
      // chat it was copied from.
      int32_t best = -1;
      int64_t best_votes = 0;
      double best_score = 0, second_score = 0;
      for (const auto& [d, count] : votes) {
        const TimeMs from = oldest[d];
        const TimeMs to = net.node(d).down_since;
        int64_t posted = 0;  // what it posted then that a backlog could count (as above)
        for (const auto& [item, t] : carried[static_cast<size_t>(d)]) {
          if (t < from || t > to) continue;
          const TimeMs first = net.items()[static_cast<size_t>(item)].carriers[0].time;
          posted += !is_release[static_cast<size_t>(item)] ||
                    rn.first_active - first > o.successor_window;
        }
        const double share =
            static_cast<double>(count) / static_cast<double>(std::max<int64_t>(posted, count));
        const double score = static_cast<double>(count) * share;
        if (score > best_score) {
          second_score = best_score;
          best = d;
          best_votes = count;
          best_score = score;
        } else {
          second_score = std::max(second_score, score);
        }
      }
      // The predecessor carried all of its backlog: one that accounts for less than half of
      // it, or no better than another chat does, is a guess (a source carries every release,
      // and so matches any backlog of releases in part), and is not taken.
      if (2 * best_votes < backlog || best_score <= second_score ||
          (best >= 0 && !carrier[static_cast<size_t>(best)])) {
        best = -1;
      }
      if (best >= 0 && best_votes >= o.min_backlog && successor[static_cast<size_t>(best)] < 0) {
        successor[static_cast<size_t>(best)] = static_cast<int32_t>(r);
        order.emplace_back(rn.first_active, best);
      }
    }
    std::sort(order.begin(), order.end());
    // The live end of a succession chain.
    auto live = [&](int32_t v) {
      for (int hops = 0; hops < 64 && successor[static_cast<size_t>(v)] >= 0; ++hops) {
        v = successor[static_cast<size_t>(v)];
      }
      return v;
    };
    for (const auto& [t, d] : order) {
      const int32_t r = successor[static_cast<size_t>(d)];
      ReachNode& dn = g.node(rid[static_cast<size_t>(d)]);
      ReachNode& rn = g.node(rid[static_cast<size_t>(r)]);
      rn.root = rn.root || dn.root;
      const std::string ref = "successor of " + dn.key;
      const std::vector<int32_t> parents = dn.parents;
      for (int32_t p : parents) g.AddParent(rid[static_cast<size_t>(r)], p, ref);
    }
    // Children of a replaced chat get their releases from its live successor.
    for (size_t v = 0; v < n; ++v) {
      if (!carrier[v]) continue;
      const std::vector<int32_t> parents = g.node(rid[v]).parents;
      for (int32_t p : parents) {
        const int32_t pv = net.Find(g.node(p).key);
        if (pv < 0) continue;
        const int32_t now = live(pv);
        if (now != pv)
          g.AddParent(rid[v], rid[static_cast<size_t>(now)], "successor of " + g.node(p).key);
      }
    }
  }
  // A carrier whose supply is unknown gets releases where they start: the official sources.
  for (size_t v = 0; v < n; ++v) {
    if (!carrier[v]) continue;
    ReachNode& x = g.node(rid[v]);
    if (x.root || !x.parents.empty()) continue;
    for (int32_t off : roles.officials) {
      if (carrier[static_cast<size_t>(off)]) g.AddParent(rid[v], rid[static_cast<size_t>(off)]);
    }
  }
  g.Finalize();
  return g;
}

double Reach(const ReachGraph& g, const std::vector<char>& removed,
             std::vector<char>* reached_out) {
  const int32_t n = g.size();
  thread_local std::vector<char> reached;
  thread_local std::vector<int32_t> queue;
  reached.assign(static_cast<size_t>(n), 0);
  queue.clear();
  double total = 0;
  for (int32_t v = 0; v < n; ++v) {
    if (g.node(v).root && Active(g, removed, v)) {
      reached[static_cast<size_t>(v)] = 1;
      queue.push_back(v);
    }
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    const int32_t u = queue[head];
    total += g.node(u).audience;
    for (int32_t c : g.children(u)) {
      if (reached[static_cast<size_t>(c)] || !Active(g, removed, c)) continue;
      reached[static_cast<size_t>(c)] = 1;
      queue.push_back(c);
    }
  }
  if (reached_out != nullptr) *reached_out = reached;
  return total;
}

// ---------------------------------------------------------------- costs

double Costs::Of(NodeKind k) const {
  switch (k) {
    case NodeKind::kChannel:
      return channel;
    case NodeKind::kGroup:
      return group;
    case NodeKind::kBot:
      return bot;
    default:
      return user;
  }
}

StatusOr<Costs> ParseCosts(std::string_view spec) {
  Costs c;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) {
      if (end == spec.size()) break;
      continue;
    }
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("--costs: expected kind=value, got '" + std::string(item) +
                                     "'");
    }
    const std::string_view kind = item.substr(0, eq);
    const std::string value(item.substr(eq + 1));
    char* stop = nullptr;
    const double v = std::strtod(value.c_str(), &stop);
    if (value.empty() || stop != value.c_str() + value.size() || !std::isfinite(v) || v <= 0) {
      return Status::InvalidArgument("--costs: '" + std::string(kind) +
                                     "' needs a positive number, got '" + value + "'");
    }
    if (kind == "channel") {
      c.channel = v;
    } else if (kind == "group") {
      c.group = v;
    } else if (kind == "chat") {
      c.channel = c.group = v;
    } else if (kind == "user" || kind == "account") {
      c.user = v;
    } else if (kind == "bot") {
      c.bot = v;
    } else {
      return Status::InvalidArgument("--costs: unknown kind '" + std::string(kind) +
                                     "' (channel, group, chat, user, account, bot)");
    }
    if (end == spec.size()) break;
  }
  return c;
}

// ---------------------------------------------------------------- planning

namespace {

// Each evaluation is a pass over the graph: a progress report per 16 is cheap.
constexpr int64_t kProgressEvery = 16;

class Search {
 public:
  Search(const ReachGraph& g, const PlanOptions& o) : g_(g), o_(o) {
    removed_.assign(static_cast<size_t>(g.size()), 0);
    base_ = Eval();
    // Candidates: carriers that are live now, and the live posters of live carriers.
    std::vector<char> is(static_cast<size_t>(g.size()), 0);
    for (int32_t v = 0; v < g.size(); ++v) {
      if (!Active(g, removed_, v)) continue;
      is[static_cast<size_t>(v)] = 1;
      for (int32_t p : g.node(v).posters) {
        if (!g.node(p).down) is[static_cast<size_t>(p)] = 1;
      }
    }
    for (int32_t v = 0; v < g.size(); ++v) {
      if (is[static_cast<size_t>(v)] && Cost(v) <= o.budget) candidates_.push_back(v);
    }
  }

  double base() const { return base_; }
  int64_t evaluations() const { return evals_; }
  size_t candidates() const { return candidates_.size(); }
  double Cost(int32_t v) const { return o_.costs.Of(g_.node(v).kind); }
  // The cheapest candidate not in `set`; infinity when every candidate is in it.
  double CheapestOutside(const std::vector<int32_t>& set) const {
    double cheapest = std::numeric_limits<double>::infinity();
    for (int32_t v : candidates_) {
      if (std::find(set.begin(), set.end(), v) == set.end()) cheapest = std::min(cheapest, Cost(v));
    }
    return cheapest;
  }

  double Eval() {
    ++evals_;
    if (step_ != nullptr) step_->Advance();
    return Reach(g_, removed_);
  }

  // Lazy greedy (CELF). by_ratio: gain per cost, else plain gain.
  std::vector<int32_t> Greedy(bool by_ratio) {
    std::fill(removed_.begin(), removed_.end(), 0);
    struct Entry {
      double key;
      double gain;
      int32_t v;
      int round;
    };
    auto less = [](const Entry& a, const Entry& b) {
      return a.key != b.key ? a.key < b.key : a.v > b.v;
    };
    std::priority_queue<Entry, std::vector<Entry>, decltype(less)> q(less);
    double cur = base_;
    // The first pass scores every candidate; the lazy rounds after it re-score only a few.
    ProgressStep step(o_.progress, by_ratio ? "plan: greedy" : "plan: greedy by gain",
                      static_cast<int64_t>(candidates_.size()), "evaluations", kProgressEvery);
    step_ = &step;
    for (int32_t v : candidates_) {
      removed_[static_cast<size_t>(v)] = 1;
      const double gain = cur - Eval();
      removed_[static_cast<size_t>(v)] = 0;
      q.push({by_ratio ? gain / Cost(v) : gain, gain, v, 0});
    }
    std::vector<int32_t> chosen;
    double spent = 0;
    int round = 0;
    while (!q.empty() && evals_ < o_.max_evaluations) {
      Entry top = q.top();
      q.pop();
      if (spent + Cost(top.v) > o_.budget + 1e-9) continue;
      if (top.round == round) {
        if (top.gain <= 1e-9) break;
        removed_[static_cast<size_t>(top.v)] = 1;
        chosen.push_back(top.v);
        spent += Cost(top.v);
        cur -= top.gain;
        ++round;
        continue;
      }
      removed_[static_cast<size_t>(top.v)] = 1;
      const double gain = cur - Eval();
      removed_[static_cast<size_t>(top.v)] = 0;
      q.push({by_ratio ? gain / Cost(top.v) : gain, gain, top.v, round});
    }
    step_ = nullptr;
    return chosen;
  }

  double ReachOf(const std::vector<int32_t>& set) {
    std::fill(removed_.begin(), removed_.end(), 0);
    for (int32_t v : set) removed_[static_cast<size_t>(v)] = 1;
    return Eval();
  }

  // Swaps a chosen target for a candidate while that lowers the reach; then spends what
  // budget is left greedily.
  void Improve(std::vector<int32_t>& set) {
    double cur = ReachOf(set);
    double spent = 0;
    for (int32_t v : set) spent += Cost(v);
    bool improved = true;
    for (int pass = 1; improved && evals_ < o_.max_evaluations && cur > 1e-9; ++pass) {
      improved = false;
      ProgressStep step(o_.progress, "plan: swaps, pass " + std::to_string(pass),
                        static_cast<int64_t>(set.size() * candidates_.size()), "evaluations",
                        kProgressEvery);
      step_ = &step;
      for (size_t i = 0; i < set.size() && evals_ < o_.max_evaluations; ++i) {
        const int32_t s = set[i];
        removed_[static_cast<size_t>(s)] = 0;
        double best = cur;
        int32_t best_c = -1;
        for (int32_t c : candidates_) {
          if (removed_[static_cast<size_t>(c)] || c == s) continue;
          if (spent - Cost(s) + Cost(c) > o_.budget + 1e-9) continue;
          removed_[static_cast<size_t>(c)] = 1;
          const double r = Eval();
          removed_[static_cast<size_t>(c)] = 0;
          if (r < best - 1e-9) {
            best = r;
            best_c = c;
          }
          if (evals_ >= o_.max_evaluations) break;
        }
        if (best_c >= 0) {
          set[i] = best_c;
          removed_[static_cast<size_t>(best_c)] = 1;
          spent += Cost(best_c) - Cost(s);
          cur = best;
          improved = true;
        } else {
          removed_[static_cast<size_t>(s)] = 1;
        }
      }
      step_ = nullptr;
    }
    // Budget left over (costs differ): add the best affordable candidate while it helps.
    while (evals_ < o_.max_evaluations && cur > 1e-9) {
      double best = cur;
      int32_t best_c = -1;
      for (int32_t c : candidates_) {
        if (removed_[static_cast<size_t>(c)] || spent + Cost(c) > o_.budget + 1e-9) continue;
        removed_[static_cast<size_t>(c)] = 1;
        const double r = Eval();
        removed_[static_cast<size_t>(c)] = 0;
        if (r < best - 1e-9) {
          best = r;
          best_c = c;
        }
      }
      if (best_c < 0) break;
      removed_[static_cast<size_t>(best_c)] = 1;
      set.push_back(best_c);
      spent += Cost(best_c);
      cur = best;
    }
  }

  // Orders a set so that each next target adds the largest drop.
  std::vector<int32_t> Order(std::vector<int32_t> set) {
    std::fill(removed_.begin(), removed_.end(), 0);
    std::vector<int32_t> out;
    double cur = base_;
    const auto n = static_cast<int64_t>(set.size());
    ProgressStep step(o_.progress, "plan: ordering", n * (n + 1) / 2, "evaluations",
                      kProgressEvery);
    step_ = &step;
    while (!set.empty()) {
      size_t best_i = 0;
      double best = -1;
      for (size_t i = 0; i < set.size(); ++i) {
        removed_[static_cast<size_t>(set[i])] = 1;
        const double gain = cur - Eval();
        removed_[static_cast<size_t>(set[i])] = 0;
        if (gain > best + 1e-9) {
          best = gain;
          best_i = i;
        }
      }
      removed_[static_cast<size_t>(set[best_i])] = 1;
      cur -= best;
      out.push_back(set[best_i]);
      set.erase(set.begin() + static_cast<std::ptrdiff_t>(best_i));
    }
    step_ = nullptr;
    return out;
  }

 private:
  const ReachGraph& g_;
  const PlanOptions& o_;
  std::vector<char> removed_;
  std::vector<int32_t> candidates_;
  double base_ = 0;
  int64_t evals_ = 0;
  ProgressStep* step_ = nullptr;  // the step evaluations are counted in, if any
};

std::string Names(const ReachGraph& g, const std::vector<int32_t>& ids, size_t max) {
  std::string s;
  for (size_t i = 0; i < ids.size() && i < max; ++i) {
    if (i) s += ", ";
    s += g.node(ids[i]).key;
  }
  if (ids.size() > max) s += ", ... (" + std::to_string(ids.size() - max) + " more)";
  return s;
}

}  // namespace

void Explain(const ReachGraph& g, std::vector<PlanTarget>& targets) {
  std::vector<char> removed(static_cast<size_t>(g.size()), 0);
  std::vector<char> before, after;
  double cur = Reach(g, removed, &before);
  for (size_t rank = 0; rank < targets.size(); ++rank) {
    PlanTarget& t = targets[rank];
    t.rank = static_cast<int>(rank + 1);
    t.evidence.signal = "target";
    if (t.node < 0) {
      t.evidence.detail = "not in the reach model: carries no releases and posts in no carrier";
      continue;
    }
    const ReachNode& x = g.node(t.node);
    t.key = x.key;
    t.kind = x.kind;
    if (removed[static_cast<size_t>(t.node)]) {
      t.evidence.detail = "listed twice";
      continue;
    }
    removed[static_cast<size_t>(t.node)] = 1;
    const double r = Reach(g, removed, &after);
    t.drop = cur - r;
    cur = r;
    std::vector<int32_t> silenced, starved;
    double silenced_aud = 0, starved_aud = 0;
    for (int32_t v = 0; v < g.size(); ++v) {
      if (!before[static_cast<size_t>(v)] || after[static_cast<size_t>(v)] || v == t.node) continue;
      const auto& ps = g.node(v).posters;
      if (std::find(ps.begin(), ps.end(), t.node) != ps.end() && Silent(g, removed, v)) {
        silenced.push_back(v);
        silenced_aud += g.node(v).audience;
      } else {
        starved.push_back(v);
        starved_aud += g.node(v).audience;
      }
    }
    std::string reason;
    if (x.carrier) {
      reason = "takes down a carrier (" + x.role + ", audience " + Count(x.audience) + ")";
      if (!before[static_cast<size_t>(t.node)]) reason += " that no longer gets releases";
    } else if (!silenced.empty()) {
      reason = "last poster standing in " + std::to_string(silenced.size()) +
               " carriers: silences " + Names(g, silenced, 5) + " (audience " +
               Count(silenced_aud) + ")";
    } else {
      reason = "posts in carriers" + (x.role.empty() ? std::string() : " (" + x.role + ")") +
               " whose other posters are still up";
    }
    if (!starved.empty()) {
      reason += "; cuts the supply of " + std::to_string(starved.size()) +
                " more carriers (audience " + Count(starved_aud) + ")";
    }
    reason += "; reach drop " + Count(t.drop);
    t.evidence.detail = std::move(reason);
    // Evidence: why it is a carrier or poster, then the links it cuts.
    t.evidence.refs = x.evidence;
    for (int32_t v : silenced) {
      const ReachNode& c = g.node(v);
      for (size_t i = 0; i < c.posters.size(); ++i) {
        if (c.posters[i] == t.node && !c.poster_refs[i].empty() && t.evidence.refs.size() < 16) {
          t.evidence.refs.push_back(c.poster_refs[i]);
        }
      }
    }
    for (int32_t v : starved) {
      const ReachNode& c = g.node(v);
      for (size_t i = 0; i < c.parents.size(); ++i) {
        if (c.parents[i] == t.node && !c.parent_refs[i].empty() && t.evidence.refs.size() < 16) {
          t.evidence.refs.push_back(c.parent_refs[i]);
        }
      }
    }
    before = after;
  }
}

PlanResult Plan(const ReachGraph& g, const PlanOptions& o) {
  PlanResult out;
  Search s(g, o);
  out.reach_before = s.base();
  out.candidates = static_cast<int64_t>(s.candidates());
  std::vector<int32_t> set = s.Greedy(true);
  const Costs& c = o.costs;
  const bool uniform = c.channel == c.group && c.group == c.user && c.user == c.bot;
  if (!uniform) {
    std::vector<int32_t> plain = s.Greedy(false);
    if (s.ReachOf(plain) < s.ReachOf(set)) set = std::move(plain);
  }
  if (o.local_search) s.Improve(set);
  set = s.Order(std::move(set));
  for (int32_t v : set) {
    PlanTarget t;
    t.node = v;
    t.cost = s.Cost(v);
    out.cost += t.cost;
    out.targets.push_back(std::move(t));
  }
  Explain(g, out.targets);
  // Targets that add nothing once the others are gone are dropped.
  std::erase_if(out.targets, [](const PlanTarget& t) { return t.drop <= 1e-9; });
  out.cost = 0;
  for (size_t i = 0; i < out.targets.size(); ++i) {
    out.targets[i].rank = static_cast<int>(i + 1);
    out.cost += out.targets[i].cost;
  }
  std::vector<char> removed(static_cast<size_t>(g.size()), 0);
  for (const PlanTarget& t : out.targets) removed[static_cast<size_t>(t.node)] = 1;
  out.reach_after = Reach(g, removed);
  out.evaluations = s.evaluations();
  std::vector<int32_t> chosen;
  for (const PlanTarget& t : out.targets) chosen.push_back(t.node);
  const double left = o.budget - out.cost;
  if (left >= s.CheapestOutside(chosen) - 1e-9) {
    if (out.reach_before <= 0) {
      out.shortfall = "the network as built reaches no audience: nothing to cut";
    } else if (out.reach_after <= 1e-9) {
      out.shortfall = "these targets already cut the predicted reach to zero";
    } else {
      out.shortfall = "no other candidate (of " + std::to_string(out.candidates) +
                      " accounts and chats that carry or post releases) lowers the predicted "
                      "reach further";
    }
  } else if (left > 1e-9 && out.targets.size() == static_cast<size_t>(out.candidates)) {
    out.shortfall = "every candidate (" + std::to_string(out.candidates) +
                    " accounts and chats that carry or post releases) is in the plan";
  }
  return out;
}

PlanResult EvaluateTargets(const ReachGraph& g, const std::vector<std::string>& keys,
                           const Costs& costs) {
  PlanResult out;
  std::vector<char> removed(static_cast<size_t>(g.size()), 0);
  out.reach_before = Reach(g, removed);
  for (const std::string& k : keys) {
    PlanTarget t;
    t.key = k;
    t.node = g.Find(k);
    if (t.node < 0) {
      out.unknown.push_back(k);
    } else {
      t.kind = g.node(t.node).kind;
      t.cost = costs.Of(t.kind);
      out.cost += t.cost;
      removed[static_cast<size_t>(t.node)] = 1;
    }
    out.targets.push_back(std::move(t));
  }
  Explain(g, out.targets);
  out.reach_after = Reach(g, removed);
  out.evaluations = static_cast<int64_t>(keys.size()) + 2;
  return out;
}

StatusOr<std::vector<std::string>> ParseTargetList(std::string_view text, const std::string& file) {
  std::vector<std::string> keys;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{')) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element doc;
    if (auto err = parser.parse(padded).get(doc)) {
      return Status::Corrupt(std::string("not valid JSON: ") + simdjson::error_message(err),
                             Location{file});
    }
    simdjson::dom::array arr;
    if (doc.is_object()) {
      if (doc["targets"].get_array().get(arr)) {
        return Status::Corrupt("expected a \"targets\" array", Location{file});
      }
    } else if (doc.get_array().get(arr)) {
      return Status::Corrupt("expected an array of entity keys", Location{file});
    }
    int64_t i = 0;
    for (simdjson::dom::element e : arr) {
      std::string_view key;
      if (e.is_string()) {
        key = e.get_string().value_unsafe();
      } else if (!e.is_object() || e["entity"].get_string().get(key)) {
        return Status::Corrupt(
            "targets[" + std::to_string(i) + "]: expected a key or an object with \"entity\"",
            Location{file});
      }
      if (key.empty()) {
        return Status::Corrupt("targets[" + std::to_string(i) + "]: empty key", Location{file});
      }
      keys.emplace_back(key);
      ++i;
    }
    return keys;
  }
  int64_t line = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    ++line;
    pos = end + 1;
    if (const size_t hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r'))
      l.remove_suffix(1);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (l.empty()) {
      if (end == text.size()) break;
      continue;
    }
    if (l.find_first_of(" \t") != std::string_view::npos) {
      return Status::Corrupt("expected one entity key per line", Location{file, line});
    }
    keys.emplace_back(l);
    if (end == text.size()) break;
  }
  return keys;
}

}  // namespace cordon::network
