// vPDQ bank lookup: a bank of N synthetic videos (frame hashes in scenes of 5 similar frames, 30
// frames each, one a second) in a VpdqIndex, queried with edited copies of banked videos
// (8 bits flipped per frame, a third trimmed) and with unrelated videos; prints the build time
// and the median and 99th percentile lookup time, and checks every copy finds its original.
//
//   vpdq_bank_bench [--sizes 10000,100000] [--queries 200] [--frames 30]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cordon/content/vpdq_index.h"

namespace {

using cordon::PdqHash;
using cordon::VpdqFrame;
using Clock = std::chrono::steady_clock;

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.bits) w = rng();
  return h;
}

PdqHash Flip(PdqHash h, int bits, std::mt19937_64& rng) {
  for (int i = 0; i < bits; ++i) {
    const int b = static_cast<int>(rng() % 256);
    h.bits[b / 64] ^= uint64_t{1} << (b % 64);
  }
  return h;
}

std::vector<VpdqFrame> Video(std::mt19937_64& rng, int frames) {
  std::vector<VpdqFrame> v;
  PdqHash scene;
  for (int i = 0; i < frames; ++i) {
    if (i % 5 == 0) scene = RandomHash(rng);
    v.push_back({i, static_cast<double>(i), 100, Flip(scene, 4, rng)});
  }
  return v;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes{10000, 100000};
  int queries = 200, frames = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--sizes")) {
      sizes.clear();
      for (char* p = argv[i + 1]; *p;) {
        sizes.push_back(std::strtoull(p, &p, 10));
        if (*p == ',') ++p;
      }
    } else if (!std::strcmp(argv[i], "--queries")) {
      queries = std::atoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--frames")) {
      frames = std::atoi(argv[i + 1]);
    }
  }
  std::printf("%-9s %-8s %-9s %-12s %-12s %-12s %s\n", "videos", "frames", "build_s", "copy_p50_ms",
              "copy_p99_ms", "other_p50_ms", "copies_found");
  for (size_t n : sizes) {
    std::mt19937_64 rng(n);
    std::vector<std::vector<VpdqFrame>> bank;
    bank.reserve(n);
    for (size_t i = 0; i < n; ++i) bank.push_back(Video(rng, frames));
    const auto t0 = Clock::now();
    cordon::VpdqIndex index(bank, {.query_percent = 80, .target_percent = 0});
    const double build = Ms(Clock::now() - t0) / 1000;
    std::vector<double> copy, other;
    int found = 0;
    for (int q = 0; q < queries; ++q) {
      const size_t target = rng() % n;
      std::vector<VpdqFrame> c = bank[target];
      for (auto& f : c) f.pdq = Flip(f.pdq, 8, rng);
      c.resize(c.size() * 2 / 3);
      auto s = Clock::now();
      auto hits = index.Query(c);
      copy.push_back(Ms(Clock::now() - s));
      found += std::any_of(hits.begin(), hits.end(),
                           [&](const cordon::VpdqHit& h) { return h.video == target; });
      std::vector<VpdqFrame> u = Video(rng, frames);
      s = Clock::now();
      hits = index.Query(u);
      other.push_back(Ms(Clock::now() - s));
    }
    std::sort(copy.begin(), copy.end());
    std::sort(other.begin(), other.end());
    auto pct = [](const std::vector<double>& v, double p) {
      return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    };
    std::printf("%-9zu %-8zu %-9.2f %-12.3f %-12.3f %-12.3f %d/%d\n", n, index.frames(), build,
                pct(copy, 0.5), pct(copy, 0.99), pct(other, 0.5), found, queries);
  }
  return 0;
}
