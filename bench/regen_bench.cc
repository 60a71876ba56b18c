// Regeneration detector evaluation on simulated worlds (docs/benchmarks.md, "Regeneration").
//
//   regen_bench --sim DIR [--threshold T] [--fit] [--pairs FILE] [--misses FILE] [--no-baseline]
//   regen_bench [--families heldout|fitting|all|NAME,NAME...] [--seeds 3001,3002]
//               [--scale small] [--days N] [--work DIR] [--threshold T]
//   either form: [--no-strong] [--require-non-name] [--no-audience] [--no-audience-any]
//   (RegenOptions: the strong-evidence rule off, for comparison; the gate on; the audience
//   evidence off; split audience evidence not summed) [--dump FILE]
//   (every run's detections, for diffing two versions of the detector; see Detect)
//
// The second form simulates each family (sim/families.h) and seed into WORK/<family>-<seed>
// (--media hashes, no exports) and prints, per family, the detector beside the name-only
// baseline, then the worst case over the held-out families (kHeldOutFamilies below: never used
// to fit weights or thresholds; docs/enforcement.md lists the same).
//
// DIR is the output of `cordon simulate`. The detector reads only DIR/events.ndjson; this
// program alone reads DIR/truth.json, to score what the detector said:
//   precision   detections whose entity is a true regeneration / all detections
//   recall      true regenerations detected / all (parent taken down before the child's birth)
//   MRR         mean reciprocal rank of the true parent among the detection's ranked candidates
//   delay       detected_at - the child's creation; share detected before its second message
//               (chats: the second message in it; accounts and bots: the second one they sent)
// for the detector and for the baseline (name signals alone), plus the detector's throughput
// over the event stream (parsing excluded), and a reliability table of the scores.
// --no-baseline skips the baseline's run (to profile the detector alone).
// --fit fits the logistic weights on this world's scored pairs and prints them for
// regen_weights.h (use a development world only).
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "cordon/enforce/regen.h"
#include "cordon/ingest/importer.h"
#include "cordon/sim/families.h"
#include "cordon/sim/simulator.h"
#include "cordon/util/time.h"

namespace {
using namespace cordon;
using namespace cordon::enforce;
using Clock = std::chrono::steady_clock;

class CollectSink final : public EventSink {
 public:
  std::vector<Event> events;
  int64_t rejects = 0;
  Status OnEvent(Event&& e, const Location&) override {
    events.push_back(std::move(e));
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view) override { ++rejects; }
  void OnWeird(std::string_view, std::string_view, const Location&) override {}
};

struct Truth {
  struct Regen {
    std::string child, parent, kind, naming;
    TimeMs created = 0, parent_down = 0;
  };
  std::unordered_map<std::string, Regen> regens;  // by child
  std::set<std::string> relaunches, lookalikes;
  std::unordered_map<std::string, std::string> roles;
};

StatusOr<Truth> ReadTruth(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.load(path).get(root)) return Status::IoError("cannot parse", Location{path});
  Truth t;
  auto str = [](simdjson::dom::element o, const char* k) {
    std::string_view v;
    if (o[k].get(v)) return std::string();
    return std::string(v);
  };
  for (auto r : root["regenerations"].get_array()) {
    Truth::Regen g;
    g.child = str(r, "child");
    g.parent = str(r, "parent");
    g.kind = str(r, "kind");
    g.naming = str(r, "naming");
    g.created = ParseRfc3339Ms(str(r, "created")).value_or(0);
    const std::string pd = str(r, "parent_down");
    if (pd.empty()) continue;  // never taken down: nothing to regenerate from
    g.parent_down = ParseRfc3339Ms(pd).value_or(0);
    if (g.parent_down > g.created) continue;
    t.regens[g.child] = g;
  }
  for (auto r : root["benign_relaunches"].get_array()) t.relaunches.insert(str(r, "child"));
  for (auto r : root["lookalikes"].get_array()) t.lookalikes.insert(str(r, "entity"));
  for (auto e : root["entities"].get_array()) t.roles[str(e, "key")] = str(e, "role");
  return t;
}

// Second message per entity: in the chat, or sent by the account.
std::unordered_map<std::string, TimeMs> SecondMessages(const std::vector<Event>& events) {
  std::unordered_map<std::string, std::pair<int, TimeMs>> n;
  auto bump = [&](const std::string& k, TimeMs t) {
    auto& [c, second] = n[k];
    if (++c == 2) second = t;
  };
  for (const Event& e : events) {
    if (const auto* m = std::get_if<MessageEvent>(&e)) {
      bump(m->chat, m->time);
      if (!m->from.empty() && m->from != m->chat) bump(m->from, m->time);
    }
  }
  std::unordered_map<std::string, TimeMs> out;
  for (const auto& [k, v] : n) {
    if (v.first >= 2) out[k] = v.second;
  }
  return out;
}

struct Run {
  std::vector<RegenDetection> detections;
  double seconds = 0;
  double cpu_seconds = 0;  // process CPU time over the same span: steadier on a loaded machine
  RegenStats stats;
  std::vector<RegenScoredPair> pairs;
};

// --dump FILE: every run's detections, to check that a change to the detector leaves them
// unchanged (diff two dumps). Per run a "# label" line, then one line per detection: its JSON
// and the unrounded score of its best pair (%.17g); then "#stats" (evaluations, pairs scored: may
// change with the candidate generation) and "#pairs" (an FNV-1a digest of every scored pair's
// entity, parent, time, features and score bits: unchanged as long as the same pairs are scored).
std::FILE* g_dump = nullptr;

uint64_t Fnv(uint64_t h, const void* data, size_t n) {
  const auto* b = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

Run Detect(const std::vector<Event>& events, const RegenOptions& opt, bool keep_pairs,
           const std::string& label = "") {
  Run r;
  auto det = RegenDetector::Create(opt);
  if (!det.ok()) {
    std::fprintf(stderr, "%s\n", det.status().ToString().c_str());
    std::exit(1);
  }
  // For the dump: the best unrounded score of each entity's last evaluation, and the digest.
  std::unordered_map<std::string, std::pair<TimeMs, double>> best;
  uint64_t digest = 1469598103934665603ull;
  if (keep_pairs) {
    (*det)->SetPairSink([&](const RegenScoredPair& p) { r.pairs.push_back(p); });
  } else if (g_dump != nullptr) {
    (*det)->SetPairSink([&](const RegenScoredPair& p) {
      auto& [t, s] = best[p.entity];
      if (t != p.time) {
        t = p.time;
        s = p.score;
      } else {
        s = std::max(s, p.score);
      }
      digest = Fnv(digest, p.entity.data(), p.entity.size());
      digest = Fnv(digest, p.parent.data(), p.parent.size());
      digest = Fnv(digest, &p.time, sizeof p.time);
      digest = Fnv(digest, p.x.data(), sizeof(double) * p.x.size());
      digest = Fnv(digest, &p.score, sizeof p.score);
    });
  }
  auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  (*det)->OnEvents(events, r.detections);
  for (auto& x : (*det)->Flush()) r.detections.push_back(std::move(x));
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu_seconds = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  r.stats = (*det)->stats();
  if (g_dump != nullptr && !keep_pairs) {
    std::fprintf(g_dump, "# %s\n", label.c_str());
    for (const RegenDetection& d : r.detections) {
      std::string line;
      AppendDetectionJson(line, d);
      auto it = best.find(d.entity);
      std::fprintf(
          g_dump, "%s %.17g\n", line.c_str(),
          it != best.end() && it->second.first == d.detected_at ? it->second.second : -1.0);
    }
    std::fprintf(g_dump, "#stats %lld evaluations %lld pairs\n",
                 static_cast<long long>(r.stats.evaluations),
                 static_cast<long long>(r.stats.pairs_scored));
    std::fprintf(g_dump, "#pairs %016llx\n", static_cast<unsigned long long>(digest));
    std::fflush(g_dump);
  }
  return r;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

struct Metrics {
  int64_t detections = 0, tp = 0, parent_right = 0, positives = 0, found = 0;
  double precision = 0, recall = 0, mrr_detected = 0, mrr_all = 0;
  double delay_median_h = NAN, delay_p90_h = NAN, before_second = 0;
  int64_t fp_relaunch = 0, fp_lookalike = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> by_group;  // found, total
  std::map<std::string, int64_t> fp_roles;
};

Metrics Score(const Run& run, const Truth& truth,
              const std::unordered_map<std::string, TimeMs>& second) {
  Metrics m;
  m.detections = static_cast<int64_t>(run.detections.size());
  m.positives = static_cast<int64_t>(truth.regens.size());
  double rr = 0;
  std::vector<double> delays;
  int64_t before = 0;
  std::set<std::string> found;
  for (const RegenDetection& d : run.detections) {
    auto it = truth.regens.find(d.entity);
    if (it == truth.regens.end()) {
      if (truth.relaunches.count(d.entity)) ++m.fp_relaunch;
      if (truth.lookalikes.count(d.entity)) ++m.fp_lookalike;
      auto role = truth.roles.find(d.entity);
      ++m.fp_roles[role == truth.roles.end() ? "?" : role->second];
      continue;
    }
    ++m.tp;
    found.insert(d.entity);
    if (d.parent == it->second.parent) ++m.parent_right;
    for (size_t k = 0; k < d.candidates.size(); ++k) {
      if (d.candidates[k].parent == it->second.parent) {
        rr += 1.0 / static_cast<double>(k + 1);
        break;
      }
    }
    delays.push_back(static_cast<double>(d.detected_at - it->second.created) / 3.6e6);
    auto s = second.find(d.entity);
    if (s == second.end() || d.detected_at < s->second) ++before;
  }
  m.found = static_cast<int64_t>(found.size());
  for (const auto& [child, g] : truth.regens) {
    auto& [f, n] = m.by_group[g.kind + "/" + g.naming];
    ++n;
    f += found.count(child);
  }
  m.precision = m.detections ? static_cast<double>(m.tp) / m.detections : 0;
  m.recall = m.positives ? static_cast<double>(m.found) / m.positives : 0;
  m.mrr_detected = m.tp ? rr / m.tp : 0;
  m.mrr_all = m.positives ? rr / m.positives : 0;
  m.delay_median_h = Quantile(delays, 0.5);
  m.delay_p90_h = Quantile(delays, 0.9);
  m.before_second = m.tp ? static_cast<double>(before) / m.tp : 0;
  return m;
}

void Print(const char* label, const Metrics& m, const Run& run, int64_t events) {
  std::printf(
      "%-9s detections %5lld  precision %.4f  recall %.4f (%lld/%lld)  parent-top1 %.4f  "
      "MRR %.4f (all %.4f)  delay median %.2f h p90 %.2f h  before 2nd msg %.4f  "
      "FP relaunch %lld lookalike %lld  %.0f events/s (%.0f per CPU second)\n",
      label, static_cast<long long>(m.detections), m.precision, m.recall,
      static_cast<long long>(m.found), static_cast<long long>(m.positives),
      m.tp ? static_cast<double>(m.parent_right) / m.tp : 0.0, m.mrr_detected, m.mrr_all,
      m.delay_median_h, m.delay_p90_h, m.before_second, static_cast<long long>(m.fp_relaunch),
      static_cast<long long>(m.fp_lookalike), events / std::max(1e-9, run.seconds),
      events / std::max(1e-9, run.cpu_seconds));
}

// L2-regularised logistic regression by Newton's method over columns `cols`.
std::vector<double> Fit(const std::vector<RegenFeatures>& x, const std::vector<int>& y,
                        const std::vector<int>& cols, double lambda) {
  const size_t k = cols.size() + 1;  // + bias (last)
  std::vector<double> w(k, 0.0);
  for (int iter = 0; iter < 50; ++iter) {
    std::vector<double> g(k, 0.0), h(k * k, 0.0);
    for (size_t i = 0; i < x.size(); ++i) {
      std::vector<double> v(k, 1.0);
      for (size_t j = 0; j < cols.size(); ++j) v[j] = x[i][static_cast<size_t>(cols[j])];
      double z = 0;
      for (size_t j = 0; j < k; ++j) z += w[j] * v[j];
      const double p = 1.0 / (1.0 + std::exp(-z));
      for (size_t a = 0; a < k; ++a) {
        g[a] += (p - y[i]) * v[a];
        for (size_t b = 0; b < k; ++b) h[a * k + b] += p * (1 - p) * v[a] * v[b];
      }
    }
    for (size_t a = 0; a + 1 < k; ++a) {
      g[a] += lambda * w[a];
      h[a * k + a] += lambda;
    }
    h[(k - 1) * k + (k - 1)] += 1e-9;
    // Solve h d = g (Gaussian elimination with partial pivoting).
    std::vector<double> d = g;
    std::vector<double> a = h;
    for (size_t c = 0; c < k; ++c) {
      size_t piv = c;
      for (size_t r = c + 1; r < k; ++r) {
        if (std::fabs(a[r * k + c]) > std::fabs(a[piv * k + c])) piv = r;
      }
      for (size_t j = 0; j < k; ++j) std::swap(a[c * k + j], a[piv * k + j]);
      std::swap(d[c], d[piv]);
      for (size_t r = c + 1; r < k; ++r) {
        const double f = a[r * k + c] / a[c * k + c];
        for (size_t j = c; j < k; ++j) a[r * k + j] -= f * a[c * k + j];
        d[r] -= f * d[c];
      }
    }
    for (size_t c = k; c-- > 0;) {
      for (size_t j = c + 1; j < k; ++j) d[c] -= a[c * k + j] * d[j];
      d[c] /= a[c * k + c];
    }
    double step = 0;
    for (size_t j = 0; j < k; ++j) {
      w[j] -= d[j];
      step = std::max(step, std::fabs(d[j]));
    }
    if (step < 1e-8) break;
  }
  return w;
}

void PrintWeights(const char* name, const std::vector<double>& w, const std::vector<int>& cols) {
  std::printf("inline constexpr RegenFeatures %s = {\n   ", name);
  for (int i = 0; i < kRegenFeatures; ++i) {
    double v = 0;
    for (size_t j = 0; j < cols.size(); ++j) {
      if (cols[j] == i) v = w[j];
    }
    std::printf(" %.4f,", v);
  }
  std::printf("\n};\nbias %s %.4f\n", name, w.back());
}

// Families never used to fit weights or thresholds: the final check (issue #14). The same list
// is in docs/enforcement.md, "Evaluation over parameter families".
constexpr const char* kHeldOutFamilies[] = {"independent", "unrelated_sparse", "slow", "users"};

bool HeldOut(const std::string& f) {
  for (const char* h : kHeldOutFamilies) {
    if (f == h) return true;
  }
  return false;
}

// Counts pooled over a family's worlds.
struct Pooled {
  int64_t detections = 0, tp = 0, positives = 0, found = 0, events = 0;
  int64_t unrelated_found = 0, unrelated = 0;  // replacement chats with an unrelated name
  double rr = 0, before = 0, seconds = 0;
  void Add(const Metrics& m, const Run& r, int64_t n) {
    for (const char* g : {"channel/unrelated", "group/unrelated"}) {
      if (auto it = m.by_group.find(g); it != m.by_group.end()) {
        unrelated_found += it->second.first;
        unrelated += it->second.second;
      }
    }
    detections += m.detections;
    tp += m.tp;
    positives += m.positives;
    found += m.found;
    rr += m.mrr_detected * static_cast<double>(m.tp);
    before += m.before_second * static_cast<double>(m.tp);
    seconds += r.seconds;
    events += n;
  }
  double Precision() const { return detections ? static_cast<double>(tp) / detections : 0; }
  double Recall() const { return positives ? static_cast<double>(found) / positives : 0; }
  double Mrr() const { return tp ? rr / static_cast<double>(tp) : 0; }
  double Before() const { return tp ? before / static_cast<double>(tp) : 0; }
  double Rate() const { return static_cast<double>(events) / std::max(1e-9, seconds); }
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, ',');) {
    if (!x.empty()) out.push_back(x);
  }
  return out;
}

int RunFamilies(const std::string& which, const std::string& seeds_arg, const std::string& scale,
                int days, const std::string& work, const RegenOptions& base) {
  const double threshold = base.threshold;
  std::vector<std::string> families;
  for (const sim::SimFamily& f : sim::SimFamilies()) {
    if (which == "all" || (which == "heldout" && HeldOut(f.name)) ||
        (which == "fitting" && !HeldOut(f.name))) {
      families.push_back(f.name);
    }
  }
  if (families.empty()) {
    families = SplitList(which);
    for (const std::string& f : families) {
      if (auto found = sim::FindSimFamily(f); !found.ok()) {
        std::fprintf(stderr, "%s\n", found.status().ToString().c_str());
        return 2;
      }
    }
  }
  const auto sc = sim::ParseScale(scale);
  if (!sc) {
    std::fprintf(stderr, "unknown scale %s\n", scale.c_str());
    return 2;
  }
  std::vector<uint64_t> seeds;
  for (const std::string& x : SplitList(seeds_arg)) seeds.push_back(std::stoull(x));
  std::printf("families %s, seeds %s, scale %s%s, threshold %.3f\n", which.c_str(),
              seeds_arg.c_str(), scale.c_str(),
              days > 0 ? (", " + std::to_string(days) + " days").c_str() : "", threshold);
  std::printf(
      "| family | held out | detector | true regenerations | detections | precision | recall | "
      "MRR of the parent | before 2nd message | unrelated-name chats caught | events/s |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n");
  bool any_held_out = false;
  double worst_p[2] = {1, 1}, worst_r[2] = {1, 1}, worst_mrr[2] = {1, 1}, worst_b[2] = {1, 1};
  std::string worst_p_f[2], worst_r_f[2];
  for (const std::string& family : families) {
    Pooled pooled[2];
    for (uint64_t seed : seeds) {
      sim::SimOptions so;
      so.out_dir = work + "/" + family + "-" + std::to_string(seed);
      so.seed = seed;
      so.scale = *sc;
      so.days = days;
      so.media = sim::MediaMode::kHashes;
      so.telegram_exports = false;
      so.overwrite = true;
      so.family = family;
      std::filesystem::create_directories(so.out_dir);
      if (Status st = sim::Simulate(so); !st.ok()) {
        std::fprintf(stderr, "simulate %s: %s\n", family.c_str(), st.ToString().c_str());
        return 1;
      }
      CollectSink sink;
      Status st =
          FindImporter("cordon-events")->Import(InputFile{so.out_dir + "/events.ndjson"}, {}, sink);
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return 1;
      }
      std::stable_sort(sink.events.begin(), sink.events.end(),
                       [](const Event& x, const Event& y) { return EventTime(x) < EventTime(y); });
      // Only the scoring below reads the truth; the detectors see the events alone.
      auto truth = ReadTruth(so.out_dir + "/truth.json");
      if (!truth.ok()) {
        std::fprintf(stderr, "%s\n", truth.status().ToString().c_str());
        return 1;
      }
      const auto second = SecondMessages(sink.events);
      const int64_t n = static_cast<int64_t>(sink.events.size());
      for (int b = 0; b < 2; ++b) {
        RegenOptions opt = base;
        opt.name_only = b == 1;
        Run run = Detect(sink.events, opt, false,
                         family + "-" + std::to_string(seed) + (b == 1 ? " baseline" : ""));
        pooled[b].Add(Score(run, *truth, second), run, n);
      }
    }
    for (int b = 0; b < 2; ++b) {
      const Pooled& p = pooled[b];
      std::printf(
          "| %s | %s | %s | %lld | %lld | %.3f | %.3f | %.3f | %.3f | %lld / %lld | %.0f |\n",
          family.c_str(), HeldOut(family) ? "yes" : "no", b == 0 ? "detector" : "names alone",
          static_cast<long long>(p.positives), static_cast<long long>(p.detections), p.Precision(),
          p.Recall(), p.Mrr(), p.Before(), static_cast<long long>(p.unrelated_found),
          static_cast<long long>(p.unrelated), p.Rate());
      if (!HeldOut(family)) continue;
      if (p.Precision() < worst_p[b]) worst_p_f[b] = family;
      if (p.Recall() < worst_r[b]) worst_r_f[b] = family;
      worst_p[b] = std::min(worst_p[b], p.Precision());
      worst_r[b] = std::min(worst_r[b], p.Recall());
      worst_mrr[b] = std::min(worst_mrr[b], p.Mrr());
      worst_b[b] = std::min(worst_b[b], p.Before());
      any_held_out = true;
    }
    std::fflush(stdout);
  }
  for (int b = 0; b < 2 && any_held_out; ++b) {
    std::printf(
        "worst over held-out families, %s: precision %.3f (%s)  recall %.3f (%s)  MRR %.3f  "
        "before 2nd message %.3f\n",
        b == 0 ? "detector" : "names alone", worst_p[b], worst_p_f[b].c_str(), worst_r[b],
        worst_r_f[b].c_str(), worst_mrr[b], worst_b[b]);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sim;
  double threshold = RegenOptions{}.threshold;
  bool fit = false, no_strong = false, require_non_name = false, no_audience = false,
       no_audience_any = false, no_baseline = false;
  std::string misses_out;
  std::string pairs_out;
  std::string families = "heldout", seeds = "3001", scale = "small", work = "/tmp/regen_bench";
  int days = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--families" && i + 1 < argc) {
      families = argv[++i];
    } else if (a == "--seeds" && i + 1 < argc) {
      seeds = argv[++i];
    } else if (a == "--scale" && i + 1 < argc) {
      scale = argv[++i];
    } else if (a == "--days" && i + 1 < argc) {
      days = std::atoi(argv[++i]);
    } else if (a == "--work" && i + 1 < argc) {
      work = argv[++i];
    } else if (a == "--sim" && i + 1 < argc) {
      sim = argv[++i];
    } else if (a == "--threshold" && i + 1 < argc) {
      threshold = std::atof(argv[++i]);
    } else if (a == "--fit") {
      fit = true;
    } else if (a == "--no-strong") {
      no_strong = true;
    } else if (a == "--require-non-name") {
      require_non_name = true;
    } else if (a == "--no-audience") {
      no_audience = true;
    } else if (a == "--no-baseline") {
      no_baseline = true;
    } else if (a == "--no-audience-any") {
      no_audience_any = true;
    } else if (a == "--misses" && i + 1 < argc) {
      misses_out = argv[++i];  // each missed regeneration with the signals its parent pair had
    } else if (a == "--dump" && i + 1 < argc) {
      g_dump = std::fopen(argv[++i], "w");
      if (g_dump == nullptr) {
        std::fprintf(stderr, "cannot write %s\n", argv[i]);
        return 1;
      }
    } else if (a == "--pairs" && i + 1 < argc) {
      pairs_out = argv[++i];  // every scored pair as TSV, for diagnosis
    } else {
      std::fprintf(stderr,
                   "usage: regen_bench --sim DIR [--threshold T] [--fit] [--pairs FILE] "
                   "[--misses FILE] [--no-baseline]\n"
                   "       regen_bench [--families heldout|fitting|all|NAME,...] [--seeds N,...] "
                   "[--scale small] [--days N] [--work DIR] [--threshold T]\n"
                   "       either: [--no-strong] [--require-non-name] [--no-audience] "
                   "[--no-audience-any] [--dump FILE]\n");
      return 2;
    }
  }
  RegenOptions opt;
  opt.threshold = threshold;
  opt.strong_evidence = !no_strong;
  opt.audience = !no_audience;
  opt.audience_any = !no_audience_any;
  opt.require_non_name = require_non_name;
  if (sim.empty() && no_baseline) {
    std::fprintf(stderr, "--no-baseline applies to --sim DIR only\n");
    return 2;
  }
  if (sim.empty()) return RunFamilies(families, seeds, scale, days, work, opt);
  CollectSink sink;
  Status s = FindImporter("cordon-events")->Import(InputFile{sim + "/events.ndjson"}, {}, sink);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  auto truth = ReadTruth(sim + "/truth.json");
  if (!truth.ok()) {
    std::fprintf(stderr, "%s\n", truth.status().ToString().c_str());
    return 1;
  }
  // The stream in time order (a simulator world may hold a few events out of order; a stream
  // arrives in order). Stable, so events of one millisecond keep their order.
  std::stable_sort(sink.events.begin(), sink.events.end(),
                   [](const Event& x, const Event& y) { return EventTime(x) < EventTime(y); });
  const auto second = SecondMessages(sink.events);
  // Regenerations that left no trace at all: an unrelated name and not one membership,
  // message, admin role or creation of anything while watched. No causal detector can find
  // them; recall is also given without them.
  std::set<std::string> inert;
  {
    std::set<std::string> active;
    for (const Event& e : sink.events) {
      if (const auto* m = std::get_if<MessageEvent>(&e)) {
        active.insert(m->chat);
        active.insert(m->from);
      } else if (const auto* mm = std::get_if<MemberEvent>(&e)) {
        active.insert(mm->user);
        active.insert(mm->chat);
      } else if (const auto* en = std::get_if<EntityEvent>(&e)) {
        if (en->creator) active.insert(*en->creator);
      }
    }
    for (const auto& [child, g] : truth->regens) {
      if (g.naming == "unrelated" && active.count(child) == 0) inert.insert(child);
    }
  }
  const int64_t n = static_cast<int64_t>(sink.events.size());
  std::printf("world %s: %lld events, %zu regenerations to find\n", sim.c_str(),
              static_cast<long long>(n), truth->regens.size());

  opt.score_detected = fit || !pairs_out.empty() || !misses_out.empty();
  Run full = Detect(sink.events, opt, opt.score_detected, "detector");
  if (!pairs_out.empty()) {
    std::FILE* f = std::fopen(pairs_out.c_str(), "w");
    if (f == nullptr) return 1;
    std::fprintf(f, "entity\tparent\ttime\tlabel\tscore");
    for (const char* name : kRegenFeatureNames) std::fprintf(f, "\t%s", name);
    std::fprintf(f, "\taudience\taudience_nats\taudience_prior\taudience_missing\n");
    for (const auto& p : full.pairs) {
      auto it = truth->regens.find(p.entity);
      const int label = it == truth->regens.end() ? -1 : it->second.parent == p.parent ? 1 : 0;
      std::fprintf(f, "%s\t%s\t%lld\t%d\t%.4f", p.entity.c_str(), p.parent.c_str(),
                   static_cast<long long>(p.time), label, p.score);
      for (double v : p.x) std::fprintf(f, "\t%.4f", v);
      std::fprintf(f, "\t%.4f\t%.4f\t%.4f\t%d\n", p.audience, p.audience_nats, p.audience_prior,
                   p.audience_missing);
    }
    std::fclose(f);
  }
  if (!misses_out.empty()) {
    // Each missed regeneration with the signals of its last scored pair with the true parent,
    // then the misses counted by kind/naming and signal set.
    std::set<std::string> detected;
    for (const auto& d : full.detections) detected.insert(d.entity);
    std::map<std::string, const RegenScoredPair*> last;  // child -> last pair with its parent
    for (const auto& p : full.pairs) {
      auto it = truth->regens.find(p.entity);
      if (it != truth->regens.end() && it->second.parent == p.parent) last[p.entity] = &p;
    }
    std::FILE* f = std::fopen(misses_out.c_str(), "w");
    if (f == nullptr) return 1;
    std::map<std::string, int> combos;
    for (const auto& [child, g] : truth->regens) {
      if (detected.count(child)) continue;
      std::string sig;
      auto it = last.find(child);
      if (it == last.end()) {
        sig = "parent never a candidate";
        std::fprintf(f, "%s\t%s\t%s\t%s\n", child.c_str(), g.parent.c_str(),
                     (g.kind + "/" + g.naming).c_str(), sig.c_str());
      } else {
        const RegenFeatures& x = it->second->x;
        auto add = [&](bool on, const char* name) {
          if (on) sig += (sig.empty() ? "" : "+") + std::string(name);
        };
        add(x[kFeatNameExact] > 0 || x[kFeatNameDice] >= 0.5 || x[kFeatNameLoose] >= 0.5, "name");
        add(x[kFeatAvatar] >= 1.0 - 31.0 / 64.0, "avatar");
        add(x[kFeatAdmins] > 0, "admins");
        add(x[kFeatContent] > 0, "content");
        add(x[kFeatAdvertRelated] > 0, "advert");
        add(x[kFeatMembers] > 0, "members");
        if (sig.empty()) sig = "nothing";
        char buf[300];
        const RegenScoredPair& sp = *it->second;
        const auto& n = sp.nats;
        std::snprintf(buf, sizeof buf,
                      " (score %.3f, members %.0f, nats avatar %.1f admins %.1f content %.1f "
                      "advert %.1f; audience %.3f: %.1f nats, prior %.1f, %d missing, split %d)",
                      sp.score, std::expm1(x[kFeatMembers]), n[0], n[1], n[2], n[3], sp.audience,
                      sp.audience_nats, sp.audience_prior, sp.audience_missing, sp.audience_split);
        std::fprintf(f, "%s\t%s\t%s\t%s%s\n", child.c_str(), g.parent.c_str(),
                     (g.kind + "/" + g.naming).c_str(), sig.c_str(), buf);
      }
      ++combos[g.kind + "/" + g.naming + ": " + sig];
    }
    std::fclose(f);
    std::vector<std::pair<int, std::string>> order;
    for (const auto& [k, n] : combos) order.emplace_back(n, k);
    std::sort(order.rbegin(), order.rend());
    std::printf("misses by kind/naming and signals present with the true parent:\n");
    for (size_t k = 0; k < order.size() && k < 25; ++k) {
      std::printf("  %5d  %s\n", order[k].first, order[k].second.c_str());
    }
  }
  if (fit) {
    auto fit_pairs = [&](const std::vector<RegenScoredPair>& pairs, const std::vector<int>& cols,
                         const char* name) {
      // One row per (entity, candidate): its last scoring, with the most evidence.
      std::map<std::pair<std::string, std::string>, const RegenScoredPair*> last;
      for (const auto& p : pairs) last[{p.entity, p.parent}] = &p;
      std::vector<RegenFeatures> x;
      std::vector<int> y;
      for (const auto& [key, p] : last) {
        auto it = truth->regens.find(p->entity);
        x.push_back(p->x);
        y.push_back(it != truth->regens.end() && it->second.parent == p->parent ? 1 : 0);
      }
      std::printf("fitting %s on %zu distinct scored pairs (%lld positive)\n", name, x.size(),
                  static_cast<long long>(std::count(y.begin(), y.end(), 1)));
      PrintWeights(name, Fit(x, y, cols, 1.0), cols);
    };
    std::vector<int> all;
    for (int i = 0; i < kRegenFeatures; ++i) all.push_back(i);
    fit_pairs(full.pairs, all, "kRegenWeights");
    RegenOptions base = opt;
    base.name_only = true;
    Run name_run = Detect(sink.events, base, true);
    fit_pairs(name_run.pairs,
              {kFeatNameDice, kFeatNameEdit, kFeatNameLoose, kFeatNameExact, kFeatNameBest},
              "kBaselineWeights");
    return 0;
  }
  Metrics m = Score(full, *truth, second);
  Print("detector", m, full, n);
  std::printf("          recall without the %zu inert regenerations: %.4f\n", inert.size(),
              static_cast<double>(m.found) /
                  std::max<double>(
                      1.0, static_cast<double>(m.positives - static_cast<int64_t>(inert.size()))));
  if (!no_baseline) {
    RegenOptions base = opt;
    base.name_only = true;
    Run baseline = Detect(sink.events, base, false, "baseline");
    Print("baseline", Score(baseline, *truth, second), baseline, n);
  }
  std::printf("recall by kind/naming:");
  for (const auto& [g, fn] : m.by_group) {
    std::printf("  %s %lld/%lld", g.c_str(), static_cast<long long>(fn.first),
                static_cast<long long>(fn.second));
  }
  {
    std::map<std::string, std::pair<int, int>> wrong;  // kind/naming -> wrong parent, detected
    for (const auto& d : full.detections) {
      auto it = truth->regens.find(d.entity);
      if (it == truth->regens.end()) continue;
      auto& [w, n] = wrong[it->second.kind + "/" + it->second.naming];
      ++n;
      w += d.parent != it->second.parent;
    }
    std::printf("\nwrong parent by kind/naming:");
    for (const auto& [g, wn] : wrong) {
      if (wn.first > 0) std::printf("  %s %d/%d", g.c_str(), wn.first, wn.second);
    }
  }
  std::printf("\nfalse positives by role:");
  for (const auto& [r, c] : m.fp_roles)
    std::printf("  %s %lld", r.c_str(), static_cast<long long>(c));
  // Reliability: detections binned by score, share that are true regenerations.
  std::printf("\nreliability (score bin: detections, share true):");
  // From the threshold's bin up (a lower --threshold shows how the scores below 0.5 hold).
  for (int b = std::clamp(static_cast<int>(std::floor(opt.threshold * 10)), 0, 9); b < 10; ++b) {
    int64_t nb = 0, tb = 0;
    for (const auto& d : full.detections) {
      if (d.score >= b / 10.0 && (d.score < (b + 1) / 10.0 || b == 9)) {
        ++nb;
        tb += truth->regens.count(d.entity) > 0;
      }
    }
    std::printf("  [%.1f,%.1f) %lld %.3f", b / 10.0, (b + 1) / 10.0, static_cast<long long>(nb),
                nb ? static_cast<double>(tb) / nb : 0.0);
  }
  std::printf(
      "\nstats: %lld evaluations, %lld pairs scored, %lld late events, %.3f s (%.3f s CPU)\n",
      static_cast<long long>(full.stats.evaluations),
      static_cast<long long>(full.stats.pairs_scored),
      static_cast<long long>(full.stats.late_events), full.seconds, full.cpu_seconds);
  return 0;
}
