#include "cordon/network/roles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cordon::network {
namespace {

// Confidence from how far each condition's value clears its threshold: 0.5 when the weakest
// condition sits exactly at its threshold, rising (falling) as it clears (misses) it.
// z values are log-ratios of value to threshold.
double Confidence(std::initializer_list<double> z) {
  double m = *std::min_element(z.begin(), z.end());
  if (!std::isfinite(m)) m = m > 0 ? 20 : -20;
  return 1.0 / (1.0 + std::exp(-2.0 * m));
}

double LogRatio(double value, double threshold) {
  if (threshold <= 0) return 20;
  if (value <= 0) return -20;
  return std::log(value / threshold);
}

// Log-ratio of odds, for shares near 1.
double LogOdds(double share, double threshold) {
  share = std::clamp(share, 1e-6, 1 - 1e-6);
  threshold = std::clamp(threshold, 1e-6, 1 - 1e-6);
  return std::log(share / (1 - share)) - std::log(threshold / (1 - threshold));
}

std::string Minutes(double seconds) {
  char buf[32];
  if (seconds < 5400) {
    std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  }
  return buf;
}

std::string Percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
  return buf;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(std::floor(q * static_cast<double>(v.size() - 1) + 0.5));
  return v[std::min(i, v.size() - 1)];
}

// The chat an item started in: its first carrier, or the source that carrier forwarded from.
int32_t OriginOf(const ContentItem& it) {
  const Carrier& c = it.carriers[0];
  return c.forwarded && c.source >= 0 ? c.source : c.chat;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kDistributionBot:
      return "distribution_bot";
    case Role::kHub:
      return "hub";
    case Role::kInjector:
      return "injector";
    case Role::kMirror:
      return "mirror";
    case Role::kOfficial:
      return "official";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kDistributionBot, Role::kHub, Role::kInjector, Role::kMirror,
                 Role::kOfficial}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool IsCarrierRole(Role role) {
  return role == Role::kOfficial || role == Role::kInjector || role == Role::kMirror ||
         role == Role::kHub;
}

std::string_view Roles::Primary(int32_t node) const {
  const auto& r = by_node[static_cast<size_t>(node)];
  return r.empty() ? std::string_view() : RoleName(r[0].role);
}

double Roles::Confidence(int32_t node, std::string_view role) const {
  for (const RoleAssignment& a : by_node[static_cast<size_t>(node)]) {
    if (RoleName(a.role) == role) return a.confidence;
  }
  return 0;
}

Roles AssignRoles(const Network& net, const RoleOptions& o) {
  const size_t n = net.nodes().size();
  Roles out;
  out.by_node.resize(n);
  out.features.resize(n);
  auto F = [&](int32_t id) -> ChatFeatures& { return out.features[static_cast<size_t>(id)]; };
  const auto& items = net.items();

  // 1. Spread items and their first carriers.
  std::vector<char> spread(items.size(), 0);
  std::vector<std::vector<std::string>> origin_refs(n);
  for (size_t i = 0; i < items.size(); ++i) {
    const ContentItem& it = items[i];
    if (!it.known.empty() && it.carriers.size() >= 2) {
      spread[i] = 1;  // known content: one copy elsewhere is enough
    }
    if (it.carriers.size() < static_cast<size_t>(o.min_spread) + 1) continue;
    const TimeMs t0 = it.carriers[0].time;
    int k = 0;
    for (size_t c = 1; c < it.carriers.size(); ++c) {
      if (it.carriers[c].time - t0 <= o.spread_window) ++k;
    }
    if (k < o.min_spread) continue;
    spread[i] = 1;
    const int32_t origin = OriginOf(it);
    if (origin < 0) continue;
    ++F(origin).first_appearances;
    auto& refs = origin_refs[static_cast<size_t>(origin)];
    if (refs.size() < o.evidence_sample) refs.push_back(it.carriers[0].message);
  }
  // Sources are compared by rate (first appearances per day active, a day at least), not by
  // totals: a replacement that took over from a source taken down has had less time to
  // accumulate first appearances than the source it replaces had.
  auto rate = [&](size_t v) {
    const Node& node = net.nodes()[v];
    const double f = static_cast<double>(out.features[v].first_appearances);
    if (node.first_active == kNoTime || node.last_active == kNoTime) return f;
    const double days =
        static_cast<double>(node.last_active - node.first_active) / (24.0 * 3600 * 1000);
    return f / std::max(1.0, days);
  };
  double max_rate = 0;
  for (size_t v = 0; v < n; ++v) {
    const Node& node = net.nodes()[v];
    if (node.merged || IsAccount(node.kind)) continue;
    max_rate = std::max(max_rate, rate(v));
  }

  // 2. Official sources.
  std::vector<char> official(n, 0);
  for (size_t v = 0; v < n; ++v) {
    const Node& node = net.nodes()[v];
    const int64_t f = out.features[v].first_appearances;
    if (node.merged || f == 0 || IsAccount(node.kind)) continue;
    const double rel = rate(v) / max_rate;
    const double conf = Confidence({LogRatio(static_cast<double>(f), o.min_official_items),
                                    LogRatio(rel, o.official_relative)});
    if (conf < 0.5) continue;
    official[v] = 1;
    out.officials.push_back(static_cast<int32_t>(v));
    RoleAssignment r;
    r.role = Role::kOfficial;
    r.confidence = conf;
    char rates[96];
    std::snprintf(rates, sizeof rates, " (%.1f a day active; top source: %.1f a day)", rate(v),
                  max_rate);
    r.evidence.detail = "first carrier of " + std::to_string(f) + " items that reached " +
                        std::to_string(o.min_spread) + "+ other chats within " +
                        Minutes(static_cast<double>(o.spread_window) / 1000) + rates;
    r.evidence.refs = origin_refs[v];
    out.by_node[v].push_back(std::move(r));
  }

  // 3-5, twice: releases are the spread items that started at a source; the first pass knows
  // only the official sources, the second also the injectors the first pass found (after an
  // official source goes down, releases first appear at injectors).
  std::vector<char> source = official;
  std::vector<double> carrier_conf(n, 0);
  std::vector<std::optional<RoleAssignment>> carrier_role(n);
  std::vector<int64_t> posts_by(n, 0);
  std::vector<std::vector<std::string>> posts_refs(n);
  for (int pass = 0; pass < 2; ++pass) {
    out.release_items.clear();
    for (size_t v = 0; v < n; ++v) {
      const int64_t first = out.features[v].first_appearances;
      out.features[v] = ChatFeatures{};
      out.features[v].first_appearances = first;
    }
    std::fill(carrier_conf.begin(), carrier_conf.end(), 0.0);
    for (auto& r : carrier_role) r.reset();
    // 3. Releases: spread items that started at a source, or that a source posted first-hand
    // in the first minutes (a quick mirror may beat the sources to it); every spread item when
    // no source stands out.
    for (size_t i = 0; i < items.size(); ++i) {
      if (!spread[i]) continue;
      const ContentItem& it = items[i];
      const int32_t origin = OriginOf(it);
      // Content a known-content bank lists counts too.
      bool release = out.officials.empty() || !it.known.empty() ||
                     (origin >= 0 && source[static_cast<size_t>(origin)]);
      for (size_t c = 1; c < it.carriers.size() && !release; ++c) {
        const Carrier& cr = it.carriers[c];
        if (cr.time - it.carriers[0].time > o.injector_delay) break;
        release = !cr.forwarded && source[static_cast<size_t>(cr.chat)];
      }
      if (release) out.release_items.push_back(static_cast<int32_t>(i));
    }

    // 4. Per-chat release features.
    std::vector<std::vector<double>> delays(n);
    std::vector<std::vector<std::string>> carried_refs(n);
    std::vector<TimeMs> release_times;
    std::fill(posts_by.begin(), posts_by.end(), 0);
    for (auto& r : posts_refs) r.clear();
    for (int32_t i : out.release_items) {
      const ContentItem& it = items[static_cast<size_t>(i)];
      const TimeMs t0 = it.carriers[0].time;
      release_times.push_back(t0);
      const int32_t origin = OriginOf(it);
      for (const Carrier& c : it.carriers) {
        for (int32_t acc : {c.sender, c.via_bot}) {
          if (acc < 0) continue;
          ++posts_by[static_cast<size_t>(acc)];
          auto& refs = posts_refs[static_cast<size_t>(acc)];
          if (refs.size() < o.evidence_sample) refs.push_back(c.message);
        }
        if (c.chat == origin) continue;
        ChatFeatures& f = F(c.chat);
        ++f.releases;
        const TimeMs d = c.time - t0;
        if (d <= o.spread_window) {
          // Timing is judged on timely carries only: a replacement chat's backlog of old
          // releases says nothing about how fast it carries new ones.
          ++f.timely;
          if (!c.forwarded) ++f.firsthand;
          delays[static_cast<size_t>(c.chat)].push_back(static_cast<double>(d) / 1000.0);
        }
        auto& refs = carried_refs[static_cast<size_t>(c.chat)];
        if (refs.size() < o.evidence_sample) refs.push_back(c.message);
      }
    }
    std::sort(release_times.begin(), release_times.end());
    for (size_t v = 0; v < n; ++v) {
      const Node& node = net.nodes()[v];
      ChatFeatures& f = out.features[v];
      f.release_posts = posts_by[v];
      if (f.releases == 0 || node.first_active == kNoTime) continue;
      // Releases first published while it was active: from a day before its first message (a
      // chat's first message may carry a release of the day before) to its last.
      auto lo = std::lower_bound(release_times.begin(), release_times.end(),
                                 node.first_active - o.spread_window);
      auto hi = std::upper_bound(release_times.begin(), release_times.end(), node.last_active);
      f.opportunities = std::max<int64_t>(hi - lo, f.releases);
      f.coverage = static_cast<double>(f.releases) / static_cast<double>(f.opportunities);
      f.median_delay_s = Quantile(delays[v], 0.5);
      f.p90_delay_s = Quantile(delays[v], 0.9);
      f.release_share = node.messages > 0
                            ? static_cast<double>(f.releases) / static_cast<double>(node.messages)
                            : 0;
    }

    // 5. Injectors and mirrors.
    for (size_t v = 0; v < n; ++v) {
      const Node& node = net.nodes()[v];
      const ChatFeatures& f = out.features[v];
      if (node.merged || IsAccount(node.kind) || f.releases == 0 || official[v]) continue;
      const double timely = static_cast<double>(f.timely);
      const double firsthand_share = (static_cast<double>(f.firsthand) + 0.5) / (timely + 1.0);
      const double timely_share = (timely + 0.5) / (static_cast<double>(f.releases) + 1.0);
      std::string numbers = "carried " + std::to_string(f.releases) + " of " +
                            std::to_string(f.opportunities) + " releases while active (" +
                            Percent(f.coverage) + "), " + std::to_string(f.timely) +
                            " within a day";
      if (f.timely > 0) {
        numbers += ": median " + Minutes(f.median_delay_s) + " and 90% within " +
                   Minutes(f.p90_delay_s) + " of the first appearance, " +
                   Percent(static_cast<double>(f.firsthand) / timely) + " first-hand";
      }
      numbers += "; releases are " + Percent(f.release_share) + " of its messages";
      const double inj = Confidence(
          {LogRatio(timely, o.min_injector_releases),
           LogOdds(firsthand_share, o.injector_firsthand),
           LogRatio(static_cast<double>(o.injector_delay) / 1000.0, std::max(f.p90_delay_s, 1.0)),
           LogRatio(f.coverage, o.min_coverage)});
      // Timely: most carries within a day and a median delay within hours; or, for a chat that
      // reposts old releases (a replacement's backlog), releases are most of what it posts.
      const double z_timely =
          f.timely == 0 ? -20
                        : std::min(LogRatio(static_cast<double>(o.max_median_delay) / 1000.0,
                                            std::max(f.median_delay_s, 1.0)),
                                   LogOdds(timely_share, 0.25));
      const double z_time = std::max(z_timely, LogOdds(f.release_share, 0.5));
      const double mir = Confidence({LogRatio(static_cast<double>(f.releases), o.min_releases),
                                     LogRatio(f.coverage, o.min_coverage), z_time});
      if (std::max(inj, mir) < 0.5) {
        carrier_role[v].reset();
        continue;
      }
      RoleAssignment r;
      r.evidence.refs = carried_refs[v];
      r.evidence.detail = numbers;
      if (inj >= 0.5) {
        r.role = Role::kInjector;
        r.confidence = inj;
      } else {
        r.role = Role::kMirror;
        r.confidence = mir;
      }
      carrier_conf[v] = r.confidence;
      carrier_role[v] = std::move(r);
    }

    for (size_t v = 0; v < n; ++v) {
      if (carrier_role[v] && carrier_role[v]->role == Role::kInjector) source[v] = 1;
    }
  }
  for (size_t v = 0; v < n; ++v) {
    if (carrier_role[v]) out.by_node[v].push_back(std::move(*carrier_role[v]));
  }
  for (int32_t v : out.officials) {
    carrier_conf[static_cast<size_t>(v)] = out.by_node[static_cast<size_t>(v)][0].confidence;
  }

  // 6. Hubs: carriers that many carriers forward from.
  for (size_t v = 0; v < n; ++v) {
    if (carrier_conf[v] < 0.5) continue;
    int64_t followers = 0;
    std::vector<std::string> refs;
    for (int32_t e : net.OutEdges(static_cast<int32_t>(v))) {
      const Edge& edge = net.edge(e);
      if (edge.kind != EdgeKind::kForward || carrier_conf[static_cast<size_t>(edge.to)] < 0.5) {
        continue;
      }
      ++followers;
      if (refs.size() < o.evidence_sample && !edge.evidence.sample.empty()) {
        refs.push_back(edge.evidence.sample[0].refs[0]);
      }
    }
    out.features[v].followers = followers;
    if (official[v] || followers == 0) continue;
    const double conf = Confidence({LogRatio(static_cast<double>(followers), o.min_hub_followers),
                                    LogOdds(carrier_conf[v], 0.5) / 2});
    if (conf < 0.5) continue;
    RoleAssignment r;
    r.role = Role::kHub;
    r.confidence = conf;
    r.evidence.detail = std::to_string(followers) + " carriers forward from it";
    r.evidence.refs = std::move(refs);
    out.by_node[v].push_back(std::move(r));
  }

  // 7. Accounts: distribution bots and admins.
  for (size_t v = 0; v < n; ++v) {
    const Node& node = net.nodes()[v];
    if (node.merged || IsChat(node.kind)) continue;
    ChatFeatures& f = out.features[v];
    std::vector<std::string> admin_refs;
    for (int32_t e : net.OutEdges(static_cast<int32_t>(v))) {
      const Edge& edge = net.edge(e);
      if (edge.kind != EdgeKind::kAdmin || !edge.active) continue;
      if (carrier_conf[static_cast<size_t>(edge.to)] < 0.5) continue;
      ++f.carriers_run;
      if (admin_refs.size() < o.evidence_sample && !edge.evidence.sample.empty()) {
        admin_refs.push_back(edge.evidence.sample[0].refs[0]);
      }
    }
    bool via = false;
    for (int32_t e : net.OutEdges(static_cast<int32_t>(v)))
      via |= net.edge(e).kind == EdgeKind::kBot;
    const bool bot = node.kind == NodeKind::kBot || (node.kind == NodeKind::kUnknown && via);
    if (bot && (f.release_posts > 0 || f.carriers_run > 0)) {
      RoleAssignment r;
      r.role = Role::kDistributionBot;
      r.confidence = Confidence({std::max(LogRatio(static_cast<double>(f.release_posts), 2),
                                          LogRatio(static_cast<double>(f.carriers_run), 0.8))});
      r.evidence.detail = std::to_string(f.release_posts) + " release posts through it, admin of " +
                          std::to_string(f.carriers_run) + " carriers";
      r.evidence.refs = posts_refs[v];
      for (auto& a : admin_refs) {
        if (r.evidence.refs.size() < 2 * o.evidence_sample) r.evidence.refs.push_back(a);
      }
      if (r.confidence >= 0.5) out.by_node[v].push_back(std::move(r));
    } else if (!bot && f.carriers_run > 0) {
      RoleAssignment r;
      r.role = Role::kAdmin;
      r.confidence = Confidence({LogRatio(static_cast<double>(f.carriers_run) + 1, 2)});
      r.evidence.detail = "administers " + std::to_string(f.carriers_run) + " carriers";
      r.evidence.refs = std::move(admin_refs);
      out.by_node[v].push_back(std::move(r));
    }
  }
  for (auto& v : out.by_node) {
    for (RoleAssignment& r : v) {
      r.evidence.signal = RoleName(r.role);
      r.evidence.value = r.confidence;
    }
    std::stable_sort(v.begin(), v.end(), [](const RoleAssignment& a, const RoleAssignment& b) {
      return a.confidence > b.confidence;
    });
  }
  return out;
}

}  // namespace cordon::network
