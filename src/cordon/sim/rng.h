// The simulator's own pseudo-random numbers: xoshiro256** seeded by splitmix64, and the few
// distributions it needs, written out here because std:: distributions differ between standard
// libraries and the simulator must give byte-identical output for a seed.
//
// The floating-point draws use only log, exp, pow, sqrt and cos from the C library; on one
// platform and libm they are deterministic (docs/simulation.md, "Determinism").
//
// The rule for callers: never draw in two unsequenced subexpressions of one expression (two
// arguments of one call, both operands of +, -, * or of an overloaded operator such as
// std::string's +), counting hidden draws (any helper that takes an Rng& or uses the World's
// rng_/crng_: Past, MadeUpWord, RandomColor, NewAccount, ...). C++ leaves the order of those
// unspecified (GCC on x86-64 evaluates call arguments right to left, Clang left to right), so
// such a statement gives another world with another compiler. Draw into named locals in
// separate statements; &&, ||, ?:, the comma operator, braced initialiser lists and the
// init-declarators of one declaration are sequenced and fine. The locals that replaced such
// statements draw in the order GCC 12 evaluated them (often the last argument first), so GCC's
// worlds did not change. Same seed, same world with any compiler (docs/design.md, "Simulator
// worlds do not depend on the compiler"; scripts/sim-compiler-check.sh compares two builds).
//
// Thread safety: an Rng is a plain value; one per thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cordon::sim {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Mixes values into one 64-bit seed (for sub-streams: an image, a name, a chat).
inline uint64_t MixSeed(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
  return SplitMix64(s);
}
inline uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c) { return MixSeed(MixSeed(a, b), c); }
inline uint64_t HashString(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return MixSeed(h, s.size());
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { Seed(seed); }

  void Seed(uint64_t seed) {
    uint64_t sm = seed;
    for (auto& x : s_) x = SplitMix64(sm);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1].
  double UniformPos() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

  // Uniform integer in [0, n); n > 0. Rejection keeps it unbiased.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Bernoulli(double p) { return Uniform() < p; }

  double Exponential(double rate) { return -std::log(UniformPos()) / rate; }
  double Normal() {
    // Box-Muller; the second value is dropped to keep the stream simple.
    const double u1 = UniformPos(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  // Pareto with scale xm and shape alpha (heavy tail for alpha near 1).
  double Pareto(double xm, double alpha) { return xm / std::pow(UniformPos(), 1.0 / alpha); }

  int64_t Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30) {
      const double limit = std::exp(-mean);
      double prod = UniformPos();
      int64_t n = 0;
      while (prod > limit) {
        prod *= UniformPos();
        ++n;
      }
      return n;
    }
    const double v = std::floor(mean + std::sqrt(mean) * Normal() + 0.5);
    return v < 0 ? 0 : static_cast<int64_t>(v);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Draws indices in proportion to fixed weights (cumulative table, binary search).
class WeightedPicker {
 public:
  WeightedPicker() = default;
  explicit WeightedPicker(const std::vector<double>& weights) {
    double sum = 0;
    cum_.reserve(weights.size());
    for (double w : weights) cum_.push_back(sum += std::max(0.0, w));
  }
  size_t Pick(Rng& rng) const {
    const double x = rng.Uniform() * cum_.back();
    return static_cast<size_t>(std::upper_bound(cum_.begin(), cum_.end(), x) - cum_.begin());
  }
  bool empty() const { return cum_.empty() || cum_.back() <= 0; }

 private:
  std::vector<double> cum_;
};

}  // namespace cordon::sim
