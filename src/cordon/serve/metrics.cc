#include "cordon/serve/metrics.h"

#include <fmt/format.h>

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
  std::string route = "other";
  if (path == "/status" || path == "/status/live" || path == "/c/banks" || path == "/m/lookup" ||
      path == "/m/compare" || path == "/h/hash" || path == "/metrics" || path == "/v1/stats" ||
      path == "/v1/events") {
    route = path;
  } else if (path == "/") {
    route = "/";  // the dashboard's page
  } else if (path.rfind("/dashboard/", 0) == 0) {
    route = "/dashboard/{file}";
  } else if (path.rfind("/c/bank/", 0) == 0) {
    const std::string rest = path.substr(8);
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      route = "/c/bank/{name}";
    } else if (rest.substr(slash) == "/signal" || rest.substr(slash) == "/content") {
      route = "/c/bank/{name}" + rest.substr(slash);
    }
  }
  return method + " " + route;
}

}  // namespace cordon::serve
