// Counters and latency histograms of the service, written in Prometheus' text exposition format
// (version 0.0.4) by a small writer of our own: the few series below need no client library.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace cordon::serve {

struct IndexFigures {
  int64_t banks = 0;
  int64_t entries = 0;
  int64_t reloads = 0;
  bool loaded = false;
};

class ServeMetrics {
 public:
  // One finished request: its route label (RouteLabel), status and duration.
  void Observe(const std::string& route, int status, double seconds);
  void AddLookups(int64_t n) { lookups_.fetch_add(n, std::memory_order_relaxed); }
  void AddEventsIngested(int64_t n) { events_.fetch_add(n, std::memory_order_relaxed); }
  std::string Render(const IndexFigures& index) const;

  // Upper bounds of the latency buckets, seconds.
  static constexpr std::array<double, 13> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> counts{};  // not cumulative; Render sums them
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<int64_t> lookups_{0};
  std::atomic<int64_t> events_{0};
};

// The route a path belongs to, with names replaced ("/c/bank/{name}/signal"), for labels that
// stay few whatever clients send.
std::string RouteLabel(const std::string& method, const std::string& path);

}  // namespace cordon::serve
