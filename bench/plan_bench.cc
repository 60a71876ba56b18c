// Planning benchmark (issue 5): how much of the next release's reach `cordon plan` removes,
// against (a) the K network chats with the most subscribers and (b) a greedy choice made with
// full knowledge of the true network. Also how well roles match the truth.
//
// For each seed: simulate a world (cordon simulate), ingest its events.ndjson, and at two
// times (the eve of the day of action, and the last event) plan at K = 5, 10, 20 from the
// reconstructed network only. Every plan is then scored with the same reach model
// (network/plan.h) on the TRUE network, built from truth.json (carriers, roots, mirror
// relations, lineages) plus the platform's complete record of admins, subscribers and
// takedowns. Only this program reads truth.json; the planner never does.
//
// Usage: plan_bench [--seeds 11,12,13] [--scale small|medium|large] [--work DIR] [--keep]
//                   [--budgets 5,10,20] [--action nov2019|oct2018|none] [--reuse]
// --reuse takes DIR/seedN/world.db and DIR/seedN/sim/truth.json from an earlier --keep run.
// PLAN_BENCH_DIAG=<day30|eve|last> compares our reach model with the true one at that time:
// true carriers the release reaches that our model lacks or does not reach, the live true
// roots as we model them, and carriers we take for roots that are none (with their lineage).
#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cordon/ingest/ingest.h"
#include "cordon/network/build.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "cordon/util/time.h"

namespace {

using namespace cordon;
using namespace cordon::network;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct TruthEntity {
  std::string key, kind, role, replaces;
  bool network = false;
  TimeMs created = 0;
  int64_t lineage = -1;
};

struct Truth {
  std::vector<TruthEntity> entities;
  std::vector<std::pair<std::string, int64_t>> relations;  // mirror key, source lineage
  std::vector<std::string> action_days;
};

bool ReadTruth(const std::string& path, Truth& t) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(path).get(doc)) return false;
  for (auto d : doc["parameters"]["action_days"].get_array()) {
    t.action_days.emplace_back(std::string_view(d.get_string()));
  }
  for (auto e : doc["entities"].get_array()) {
    TruthEntity x;
    x.key = std::string(std::string_view(e["key"].get_string()));
    x.kind = std::string(std::string_view(e["kind"].get_string()));
    x.role = std::string(std::string_view(e["role"].get_string()));
    x.network = e["network"].get_bool().value_unsafe();
    std::string_view rep;
    if (!e["replaces"].get_string().get(rep)) x.replaces = std::string(rep);
    std::string_view created;
    if (!e["created"].get_string().get(created)) x.created = ParseRfc3339Ms(created).value_or(0);
    int64_t lin;
    if (!e["lineage"].get_int64().get(lin)) x.lineage = lin;
    t.entities.push_back(std::move(x));
  }
  for (auto r : doc["mirror_relations"].get_array()) {
    t.relations.emplace_back(std::string(std::string_view(r["mirror"].get_string())),
                             r["source_lineage"].get_int64().value_unsafe());
  }
  return true;
}

// The true network as it stood at the time of `net` (which supplies the platform's record:
// admins, subscribers, takedowns).
ReachGraph TrueGraph(const Truth& truth, const Network& net) {
  ReachGraph g;
  const TimeMs t = net.time();
  std::map<int64_t, const TruthEntity*> lineage_now;  // lineage -> latest chat created by t
  for (const TruthEntity& e : truth.entities) {
    if (!e.network || e.lineage < 0 || e.created > t) continue;
    auto& cur = lineage_now[e.lineage];
    if (cur == nullptr || e.created >= cur->created) cur = &e;
  }
  for (const TruthEntity& e : truth.entities) {
    if (!e.network || e.created > t || (e.kind != "channel" && e.kind != "group")) continue;
    const bool root =
        e.role == "official" || e.role == "injector" ||
        (e.role == "replacement" && (e.replaces == "official" || e.replaces == "injector"));
    const int32_t id = g.Add(e.key, e.kind == "channel" ? NodeKind::kChannel : NodeKind::kGroup);
    ReachNode& x = g.node(id);
    x.carrier = true;
    x.root = root;
    const int32_t v = net.Find(e.key);
    if (v >= 0) {
      const Node& n = net.node(v);
      x.down = n.down;
      x.audience = static_cast<double>(n.subscribers.value_or(1));
      for (int32_t ei : net.InEdges(v)) {
        const Edge& edge = net.edge(ei);
        if (edge.kind != EdgeKind::kAdmin || !edge.active) continue;
        const Node& a = net.node(edge.from);
        const int32_t p = g.Add(a.key, a.kind == NodeKind::kBot ? NodeKind::kBot : NodeKind::kUser);
        g.node(p).down = a.down;
        g.AddPoster(id, p);
      }
    } else {
      x.audience = 1;
    }
  }
  for (const auto& [mirror, lin] : truth.relations) {
    const int32_t child = g.Find(mirror);
    auto it = lineage_now.find(lin);
    if (child < 0 || it == lineage_now.end()) continue;
    const int32_t parent = g.Find(it->second->key);
    if (parent >= 0) g.AddParent(child, parent);
  }
  g.Finalize();
  return g;
}

double ReachWithout(const ReachGraph& g, const std::vector<std::string>& keys) {
  std::vector<char> removed(static_cast<size_t>(g.size()), 0);
  for (const auto& k : keys) {
    const int32_t v = g.Find(k);
    if (v >= 0) removed[static_cast<size_t>(v)] = 1;
  }
  return Reach(g, removed);
}

std::vector<std::string> Keys(const PlanResult& r) {
  std::vector<std::string> k;
  for (const auto& t : r.targets) k.push_back(t.key);
  return k;
}

std::vector<int> ParseList(const std::string& s) {
  std::vector<int> v;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    v.push_back(std::atoi(s.substr(pos, end - pos).c_str()));
    pos = end + 1;
  }
  return v;
}

struct RoleScore {
  int64_t tp = 0, fp = 0, fn = 0;
  std::string Text() const {
    char buf[96];
    const double p = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0;
    const double r = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0;
    std::snprintf(buf, sizeof buf, "precision %.3f recall %.3f (tp %lld fp %lld fn %lld)", p, r,
                  static_cast<long long>(tp), static_cast<long long>(fp),
                  static_cast<long long>(fn));
    return buf;
  }
};

// Roles against the truth: carriers (any carrier role vs network chats that posted releases),
// sources (official or injector), admins, bots; and calibration of carrier confidences.
void ScoreRoles(const Truth& truth, const Network& net, const Roles& roles,
                std::map<std::string, RoleScore>& scores,
                std::vector<std::array<double, 2>>& calib) {
  std::map<std::string, const TruthEntity*> by_key;
  for (const auto& e : truth.entities) by_key[e.key] = &e;
  for (int32_t v = 0; v < static_cast<int32_t>(net.nodes().size()); ++v) {
    const Node& n = net.node(v);
    if (n.merged) continue;
    auto it = by_key.find(n.key);
    const TruthEntity* te = it == by_key.end() ? nullptr : it->second;
    const std::string_view primary = roles.Primary(v);
    double carrier_conf = 0;
    for (const auto& r : roles.by_node[static_cast<size_t>(v)]) {
      if (IsCarrierRole(r.role)) carrier_conf = std::max(carrier_conf, r.confidence);
    }
    if (IsChat(n.kind)) {
      // A network chat counts as a carrier when it was active while releases flowed.
      const bool truly = te != nullptr && te->network && n.messages > 0;
      const bool said = carrier_conf >= 0.5;
      if (truly != said && std::getenv("PLAN_BENCH_VERBOSE") != nullptr) {
        const ChatFeatures& f = roles.features[static_cast<size_t>(v)];
        std::printf(
            "    %s %s (%s%s): releases %lld/%lld cov %.2f median %.0fs p90 %.0fs "
            "firsthand %lld msgs %lld first_app %lld\n",
            truly ? "missed" : "false", n.key.c_str(), te ? te->role.c_str() : "?",
            te && !te->replaces.empty() ? ("/" + te->replaces).c_str() : "",
            static_cast<long long>(f.releases), static_cast<long long>(f.opportunities), f.coverage,
            f.median_delay_s, f.p90_delay_s, static_cast<long long>(f.firsthand),
            static_cast<long long>(n.messages), static_cast<long long>(f.first_appearances));
      }
      auto& s = scores["carrier"];
      s.tp += truly && said;
      s.fp += !truly && said;
      s.fn += truly && !said;
      if (n.messages > 0) {
        // Calibration over chats that carried at least one release.
        if (roles.features[static_cast<size_t>(v)].releases > 0 || carrier_conf > 0) {
          calib.push_back({carrier_conf, truly ? 1.0 : 0.0});
        }
      }
      const bool src_truth =
          te != nullptr && (te->role == "official" || te->role == "injector" ||
                            (te->role == "replacement" &&
                             (te->replaces == "official" || te->replaces == "injector")));
      const bool src_said = primary == "official" || primary == "injector";
      if (src_truth != src_said && std::getenv("PLAN_BENCH_VERBOSE") != nullptr) {
        const ChatFeatures& f = roles.features[static_cast<size_t>(v)];
        std::printf(
            "    source %s %s (%s%s) said %s: releases %lld timely %lld firsthand %lld "
            "p90 %.0fs cov %.2f first_app %lld msgs %lld\n",
            src_truth ? "missed" : "false", n.key.c_str(), te ? te->role.c_str() : "?",
            te && !te->replaces.empty() ? ("/" + te->replaces).c_str() : "",
            std::string(primary).c_str(), static_cast<long long>(f.releases),
            static_cast<long long>(f.timely), static_cast<long long>(f.firsthand), f.p90_delay_s,
            f.coverage, static_cast<long long>(f.first_appearances),
            static_cast<long long>(n.messages));
      }
      auto& s2 = scores["source"];
      s2.tp += src_truth && src_said && n.messages > 0;
      s2.fp += !src_truth && src_said;
      s2.fn += src_truth && !src_said && n.messages > 0;
      const bool j = te != nullptr && te->role == "journalist";
      if (j) {
        auto& s3 = scores["journalist_as_carrier"];
        s3.tp += said;
        s3.fn += !said;
      }
      const bool benign = te != nullptr && !te->network;
      if (benign && n.messages > 0) {
        auto& s4 = scores["benign_as_carrier"];
        s4.tp += said;
        s4.fn += !said;
      }
    } else {
      const bool admin_truth = te != nullptr && te->role == "admin";
      const bool admin_said = primary == "admin";
      auto& s = scores["admin"];
      s.tp += admin_truth && admin_said;
      s.fp += !admin_truth && admin_said;
      const bool bot_truth = te != nullptr && te->role == "bot" && te->network;
      const bool bot_said = primary == "distribution_bot";
      auto& b = scores["distribution_bot"];
      b.tp += bot_truth && bot_said;
      b.fp += !bot_truth && bot_said;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string seeds_arg = "11,12,13", scale = "medium", work = "/tmp/cordon-plan-bench",
              budgets_arg = "5,10,20", action = "nov2019";
  bool keep = false, reuse = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--seeds") {
      seeds_arg = next();
    } else if (a == "--scale") {
      scale = next();
    } else if (a == "--work") {
      work = next();
    } else if (a == "--action") {
      action = next();
    } else if (a == "--budgets") {
      budgets_arg = next();
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--reuse") {
      reuse = keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: plan_bench [--seeds 11,12,13] [--scale medium] [--work DIR] "
                   "[--budgets 5,10,20] [--action nov2019] [--keep] [--reuse]\n");
      return 2;
    }
  }
  const std::vector<int> seeds = ParseList(seeds_arg), budgets = ParseList(budgets_arg);
  auto sc = sim::ParseScale(scale);
  auto preset = sim::ParseActionPreset(action);
  if (!sc || !preset) {
    std::fprintf(stderr, "unknown scale %s or action %s\n", scale.c_str(), action.c_str());
    return 2;
  }
  std::map<std::string, std::vector<double>> ratios;  // "time K" -> ours / greedy-true
  std::map<std::string, RoleScore> role_scores;
  std::vector<std::array<double, 2>> calib;
  std::printf(
      "scale %s, action %s, budgets %s; reductions are of the true reach, scored on the "
      "true network\n",
      scale.c_str(), action.c_str(), budgets_arg.c_str());
  for (int seed : seeds) {
    const std::string dir = work + "/seed" + std::to_string(seed);
    sim::SimOptions so;
    so.out_dir = dir + "/sim";
    so.seed = static_cast<uint64_t>(seed);
    so.scale = *sc;
    so.media = sim::MediaMode::kHashes;
    so.telegram_exports = false;
    so.action = *preset;
    sim::SimSummary summary;
    double sim_s = 0, ingest_s = 0;
    const bool have = reuse && std::filesystem::exists(dir + "/world.db") &&
                      std::filesystem::exists(so.out_dir + "/truth.json");
    if (!have) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(so.out_dir);
      auto t0 = Clock::now();
      if (Status s = sim::Simulate(so, &summary); !s.ok()) {
        std::fprintf(stderr, "simulate: %s\n", s.ToString().c_str());
        return 1;
      }
      sim_s = Since(t0);
    }
    auto t0 = Clock::now();
    auto store = Store::Open(dir + "/world.db");
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    if (!have) {
      IngestOptions io;
      auto rep = Ingest(**store, {so.out_dir + "/events.ndjson"}, io);
      if (!rep.ok()) {
        std::fprintf(stderr, "ingest: %s\n", rep.status().ToString().c_str());
        return 1;
      }
      ingest_s = Since(t0);
    }
    Truth truth;
    if (!ReadTruth(so.out_dir + "/truth.json", truth)) {
      std::fprintf(stderr, "cannot read truth.json\n");
      return 1;
    }
    std::printf("\nseed %d: simulate %.1fs, ingest %.1fs\n", seed, sim_s, ingest_s);
    std::vector<std::pair<std::string, std::optional<TimeMs>>> times;
    // A month in, the eve of the day of action, and the last event.
    auto last = LastEventTime(**store);
    if (last.ok()) {
      TimeMs first = *last;
      Statement q(StoreHandle(*(*store)), "SELECT min(time) FROM messages");
      if (q.ok() && q.Step()) first = q.Int(0);
      times.emplace_back("day30", first + 30LL * 24 * 3600 * 1000);
    }
    if (!truth.action_days.empty()) {
      times.emplace_back("eve", *ParseRfc3339Ms(truth.action_days[0] + "T00:00:00Z") - 1);
    }
    times.emplace_back("last", std::nullopt);
    for (const auto& [label, at] : times) {
      t0 = Clock::now();
      BuildOptions bo;
      bo.as_of = at;
      auto net = BuildNetwork(**store, bo);
      if (!net.ok()) {
        std::fprintf(stderr, "build: %s\n", net.status().ToString().c_str());
        return 1;
      }
      const double build_s = Since(t0);
      t0 = Clock::now();
      const Roles roles = AssignRoles(*net);
      const ReachGraph ours = MakeReachGraph(*net, roles);
      const double roles_s = Since(t0);
      const ReachGraph truth_g = TrueGraph(truth, *net);
      const char* roles_at = std::getenv("PLAN_BENCH_ROLES_AT");
      if (label == (roles_at != nullptr ? roles_at : "last")) {
        ScoreRoles(truth, *net, roles, role_scores, calib);
      }
      const double true_before = Reach(truth_g, {});
      int64_t carriers = 0;
      for (int32_t v = 0; v < ours.size(); ++v) carriers += ours.node(v).carrier;
      int64_t true_carriers = 0;
      for (int32_t v = 0; v < truth_g.size(); ++v) true_carriers += truth_g.node(v).carrier;
      std::printf(
          "  %s (%s): build %.1fs, roles+model %.2fs; carriers ours %lld, true %lld; "
          "true reach %.0f, our estimate %.0f\n",
          label.c_str(), FormatRfc3339Ms(net->time()).c_str(), build_s, roles_s,
          static_cast<long long>(carriers), static_cast<long long>(true_carriers), true_before,
          Reach(ours, {}));
      if (const char* d = std::getenv("PLAN_BENCH_DIAG"); d != nullptr && label == d) {
        // Where our model and the truth disagree: true carriers the release reaches, by how
        // our model treats them.
        std::vector<char> rt, ro;
        Reach(truth_g, {}, &rt);
        Reach(ours, {}, &ro);
        std::map<std::string, const TruthEntity*> by_key;
        for (const auto& e : truth.entities) by_key[e.key] = &e;
        double aud[4] = {0, 0, 0, 0};
        std::vector<std::pair<double, std::string>> lines;
        for (int32_t v = 0; v < truth_g.size(); ++v) {
          const ReachNode& x = truth_g.node(v);
          if (!x.carrier) continue;
          const int32_t o = ours.Find(x.key);
          const int cat = !rt[static_cast<size_t>(v)]
                              ? (o >= 0 && ro[static_cast<size_t>(o)] ? 3 : -1)
                          : o < 0                       ? 0
                          : !ro[static_cast<size_t>(o)] ? 1
                                                        : 2;
          if (cat < 0) continue;
          aud[cat] += x.audience;
          if (cat == 2) continue;
          const TruthEntity* te = by_key[x.key];
          const int32_t nv = net->Find(x.key);
          std::string s = x.key + " [" + (te ? te->role : "?") +
                          (te && !te->replaces.empty() ? "/" + te->replaces : "") +
                          (x.root ? " ROOT" : "") + (x.down ? " DOWN" : "") + "] aud " +
                          std::to_string(static_cast<long long>(x.audience)) +
                          (cat == 0   ? " ABSENT"
                           : cat == 1 ? " UNREACHED"
                                      : " EXTRA");
          if (nv >= 0) {
            const ChatFeatures& f = roles.features[static_cast<size_t>(nv)];
            const Node& nn = net->node(nv);
            char buf[256];
            std::snprintf(buf, sizeof buf,
                          " | rel %lld/%lld cov %.2f timely %lld fh %lld med %.0f p90 %.0f first "
                          "%lld msgs %lld share %.2f subs %lld",
                          (long long)f.releases, (long long)f.opportunities, f.coverage,
                          (long long)f.timely, (long long)f.firsthand, f.median_delay_s,
                          f.p90_delay_s, (long long)f.first_appearances, (long long)nn.messages,
                          f.release_share, (long long)nn.subscribers.value_or(-1));
            s += buf;
            for (const auto& r : roles.by_node[static_cast<size_t>(nv)]) {
              s += " " + std::string(RoleName(r.role)) + ":" +
                   std::to_string(r.confidence).substr(0, 4);
            }
          } else {
            s += " | not in net";
          }
          s += "\n        true parents:";
          for (int32_t p : x.parents)
            s += " " + truth_g.node(p).key + (rt[static_cast<size_t>(p)] ? "+" : "-");
          s += " posters:";
          for (int32_t p : x.posters)
            s += " " + truth_g.node(p).key + (truth_g.node(p).down ? "(down)" : "");
          if (o >= 0) {
            const ReachNode& y = ours.node(o);
            s += "\n        our parents:";
            for (int32_t p : y.parents)
              s += " " + ours.node(p).key + (ro[static_cast<size_t>(p)] ? "+" : "-");
            s += std::string(" root ") + (y.root ? "1" : "0") + " aud " +
                 std::to_string((long long)y.audience) + " posters:";
            for (int32_t p : y.posters)
              s += " " + ours.node(p).key + (ours.node(p).down ? "(down)" : "");
          }
          lines.emplace_back(-x.audience, s);
        }
        for (int32_t v = 0; v < truth_g.size(); ++v) {
          const ReachNode& x = truth_g.node(v);
          if (!x.root || x.down) continue;
          const int32_t o = ours.Find(x.key);
          const int32_t nv = net->Find(x.key);
          std::string s = "root " + x.key + " [" + (by_key[x.key] ? by_key[x.key]->role : "?") +
                          "] aud " + std::to_string((long long)x.audience) + " true children " +
                          std::to_string(truth_g.children(v).size());
          if (o >= 0) {
            s += " ours: root " + std::to_string(ours.node(o).root) + " children " +
                 std::to_string(ours.children(o).size()) + " parents " +
                 std::to_string(ours.node(o).parents.size());
          }
          if (nv >= 0) {
            const ChatFeatures& f = roles.features[static_cast<size_t>(nv)];
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          " | rel %lld timely %lld fh %lld p90 %.0f cov %.2f first %lld msgs %lld",
                          (long long)f.releases, (long long)f.timely, (long long)f.firsthand,
                          f.p90_delay_s, f.coverage, (long long)f.first_appearances,
                          (long long)net->node(nv).messages);
            s += buf;
            for (const auto& r : roles.by_node[static_cast<size_t>(nv)])
              s += " " + std::string(RoleName(r.role)) + ":" +
                   std::to_string(r.confidence).substr(0, 4);
          }
          std::printf("      %s\n", s.c_str());
        }
        for (int32_t o = 0; o < ours.size(); ++o) {
          const ReachNode& y = ours.node(o);
          if (!y.root || y.down) continue;
          const int32_t v = truth_g.Find(y.key);
          if (v >= 0 && truth_g.node(v).root) continue;
          std::printf("      false root %s [%s] %s aud %.0f children %zu\n", y.key.c_str(),
                      by_key[y.key] ? by_key[y.key]->role.c_str() : "?", y.role.c_str(), y.audience,
                      ours.children(o).size());
          const TruthEntity* fe = by_key[y.key];
          for (const auto& e : truth.entities) {
            if (fe == nullptr || e.lineage != fe->lineage || e.key == y.key) continue;
            const int32_t eo = ours.Find(e.key);
            const int32_t en = net->Find(e.key);
            std::printf("        lineage %s [%s] ours %s root %d down %d roles:", e.key.c_str(),
                        e.role.c_str(), eo >= 0 ? "carrier" : "-",
                        eo >= 0 ? (int)ours.node(eo).root : -1,
                        eo >= 0 ? (int)ours.node(eo).down : -1);
            if (en >= 0) {
              for (const auto& r : roles.by_node[static_cast<size_t>(en)])
                std::printf(" %s:%.2f", std::string(RoleName(r.role)).c_str(), r.confidence);
            }
            std::printf("\n");
          }
        }
        if (const char* k = std::getenv("PLAN_BENCH_NODE"); k != nullptr) {
          const int32_t v = truth_g.Find(k), o = ours.Find(k);
          std::printf("      node %s\n        true parents:", k);
          if (v >= 0)
            for (int32_t p : truth_g.node(v).parents)
              std::printf(" %s", truth_g.node(p).key.c_str());
          std::printf("\n        our parents:");
          if (o >= 0) {
            const ReachNode& y = ours.node(o);
            for (size_t i = 0; i < y.parents.size(); ++i) {
              std::printf(" %s(%s)%s", ours.node(y.parents[i]).key.c_str(),
                          y.parent_refs[i].c_str(), ours.node(y.parents[i]).down ? "DOWN" : "");
            }
          }
          std::printf("\n");
        }
        std::sort(lines.begin(), lines.end());
        std::printf(
            "    diag: reached-in-truth audience absent %.0f, unreached %.0f, reached %.0f; "
            "reached only in ours %.0f\n",
            aud[0], aud[1], aud[2], aud[3]);
        for (size_t i = 0; i < lines.size() && i < 40; ++i)
          std::printf("      %s\n", lines[i].second.c_str());
      }
      // Baseline (a): the K live network chats with the most subscribers.
      std::vector<std::pair<double, std::string>> by_subs;
      for (int32_t v = 0; v < truth_g.size(); ++v) {
        const ReachNode& x = truth_g.node(v);
        if (x.carrier && !x.down) by_subs.emplace_back(-x.audience, x.key);
      }
      std::sort(by_subs.begin(), by_subs.end());
      std::printf("    %4s %8s %8s %8s %8s %8s %8s  %s\n", "K", "ours", "ours-gr", "top-subs",
                  "greedy-T", "full-T", "ratio", "plan s");
      for (int k : budgets) {
        PlanOptions po;
        po.budget = k;
        auto tp = Clock::now();
        const PlanResult mine = Plan(ours, po);
        const double plan_s = Since(tp);
        PlanOptions greedy_only = po;
        greedy_only.local_search = false;
        const PlanResult mine_greedy = Plan(ours, greedy_only);
        const PlanResult greedy_true = Plan(truth_g, greedy_only);
        const PlanResult full_true = Plan(truth_g, po);
        std::vector<std::string> top;
        for (size_t i = 0; i < by_subs.size() && i < static_cast<size_t>(k); ++i) {
          top.push_back(by_subs[i].second);
        }
        auto red = [&](const std::vector<std::string>& keys) {
          return true_before > 0 ? 1 - ReachWithout(truth_g, keys) / true_before : 0;
        };
        const double r_mine = red(Keys(mine)), r_mine_g = red(Keys(mine_greedy)), r_top = red(top),
                     r_gt = red(Keys(greedy_true)), r_ft = red(Keys(full_true));
        const double best_true = std::max(r_gt, r_ft);
        const double ratio = best_true > 0 ? r_mine / best_true : 1;
        ratios[label + " K=" + std::to_string(k)].push_back(ratio);
        std::printf("    %4d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f  %.2f\n", k, r_mine, r_mine_g,
                    r_top, r_gt, r_ft, ratio, plan_s);
        if (std::getenv("PLAN_BENCH_VERBOSE") != nullptr) {
          for (const auto* p : {&mine, &full_true}) {
            std::printf("      %s:\n", p == &mine ? "ours" : "full-T");
            for (const auto& t : p->targets) {
              const int32_t tv = truth_g.Find(t.key);
              std::printf("        %s [%s] %s\n", t.key.c_str(),
                          tv < 0 ? "not in truth"
                                 : (truth_g.node(tv).root      ? "true root"
                                    : truth_g.node(tv).carrier ? "true carrier"
                                                               : "true poster"),
                          t.evidence.detail.substr(0, 150).c_str());
            }
          }
        }
      }
    }
    store->reset();
    if (!keep) std::filesystem::remove_all(dir);
  }
  std::printf("\nratio of our reduction to the best full-knowledge reduction (mean, min):\n");
  for (const auto& [k, v] : ratios) {
    double sum = 0, mn = 1e9;
    for (double x : v) {
      sum += x;
      mn = std::min(mn, x);
    }
    std::printf("  %-12s %.3f  %.3f\n", k.c_str(), sum / static_cast<double>(v.size()), mn);
  }
  std::printf(
      "\nroles at the last event, against truth.json (network chats count as carriers "
      "when they posted anything):\n");
  for (const auto& [k, s] : role_scores) std::printf("  %-22s %s\n", k.c_str(), s.Text().c_str());
  // Calibration of carrier confidence: share truly in the network per confidence bin.
  std::printf("\ncarrier confidence calibration (chats with any release):\n");
  const double edges[] = {0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001};
  for (int b = 0; b + 1 < 7; ++b) {
    int64_t n = 0;
    double pos = 0, conf = 0;
    for (const auto& c : calib) {
      if (c[0] >= edges[b] && c[0] < edges[b + 1]) {
        ++n;
        pos += c[1];
        conf += c[0];
      }
    }
    if (n == 0) continue;
    std::printf("  [%.2f, %.2f)  n %6lld  mean confidence %.3f  truly network %.3f\n", edges[b],
                std::min(1.0, edges[b + 1]), static_cast<long long>(n),
                conf / static_cast<double>(n), pos / static_cast<double>(n));
  }
  return 0;
}
