#include "cordon/serve/metrics.h"

#include <fmt/format.h>

#include <set>
#include <string_view>

namespace cordon::serve {

void ServeMetrics::Observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  if (i < kBuckets.size()) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string ServeMetrics::Render(const IndexFigures& index) const {
  std::string out;
  out +=
      "# HELP cordon_http_requests_total HTTP requests by route and status.\n"
      "# TYPE cordon_http_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, n] : requests_) {
    out += fmt::format("cordon_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, n);
  }
  out +=
      "# HELP cordon_http_request_duration_seconds Time from the request read to the response.\n"
      "# TYPE cordon_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out +=
          fmt::format("cordon_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      route, kBuckets[i], cumulative);
    }
    out +=
        fmt::format("cordon_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    route, h.count);
    out +=
        fmt::format("cordon_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
    out += fmt::format("cordon_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out += fmt::format(
      "# HELP cordon_lookups_total PDQ lookups answered.\n"
      "# TYPE cordon_lookups_total counter\n"
      "cordon_lookups_total {}\n"
      "# HELP cordon_events_ingested_total Events applied through the API.\n"
      "# TYPE cordon_events_ingested_total counter\n"
      "cordon_events_ingested_total {}\n"
      "# HELP cordon_index_entries PDQ entries in the lookup index.\n"
      "# TYPE cordon_index_entries gauge\n"
      "cordon_index_entries {}\n"
      "# HELP cordon_index_banks Banks in the lookup index.\n"
      "# TYPE cordon_index_banks gauge\n"
      "cordon_index_banks {}\n"
      "# HELP cordon_index_reloads_total Lookup index snapshots built.\n"
      "# TYPE cordon_index_reloads_total counter\n"
      "cordon_index_reloads_total {}\n"
      "# HELP cordon_index_loaded Whether the first index snapshot is loaded.\n"
      "# TYPE cordon_index_loaded gauge\n"
      "cordon_index_loaded {}\n",
      lookups_.load(), events_.load(), index.entries, index.banks, index.reloads,
      index.loaded ? 1 : 0);
  return out;
}

std::string RouteLabel(const std::string& method, const std::string& path) {
  // Every route the server registers without a name in its path.
  static const std::set<std::string, std::less<>> kFixed = {"/",
                                                            "/favicon.ico",
                                                            "/status",
                                                            "/status/live",
                                                            "/metrics",
                                                            "/c/banks",
                                                            "/m/lookup",
                                                            "/m/compare",
                                                            "/h/hash",
                                                            "/v1/events",
                                                            "/v1/stats",
                                                            "/v1/entities",
                                                            "/v1/messages",
                                                            "/v1/matches",
                                                            "/v1/network",
                                                            "/v1/plan",
                                                            "/v1/impact",
                                                            "/v1/detections",
                                                            "/v1/ledger",
                                                            "/v1/appeals",
                                                            "/v1/referrals",
                                                            "/v1/deadlines",
                                                            "/v1/stream",
                                                            "/v1/takedowns",
                                                            "/v1/reinstatements",
                                                            "/v1/overview",
                                                            "/v1/queue",
                                                            "/v1/network/map"};
  std::string route = "other";
  auto starts = [&path](std::string_view prefix) { return path.rfind(prefix, 0) == 0; };
  // The segment after `prefix` and what follows it ("" when the path ends there).
  auto tail = [&path](size_t prefix) {
    const size_t slash = path.find('/', prefix);
    return slash == std::string::npos ? std::string() : path.substr(slash);
  };
  if (kFixed.count(path) != 0) {
    route = path;
  } else if (starts("/dashboard/")) {
    route = "/dashboard/{file}";
  } else if (starts("/c/bank/")) {
    const std::string rest = tail(8);
    if (rest.empty() || rest == "/signal" || rest == "/content") route = "/c/bank/{name}" + rest;
  } else if (starts("/v1/appeals/")) {
    if (tail(12) == "/deny") route = "/v1/appeals/{id}/deny";
  } else if (starts("/v1/referrals/")) {
    const std::string rest = tail(14);
    if (rest == "/act" || rest == "/reject") route = "/v1/referrals/{id}" + rest;
  }
  return method + " " + route;
}

}  // namespace cordon::serve
