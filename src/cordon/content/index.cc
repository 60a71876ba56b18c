#include "cordon/content/index.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <thread>

namespace cordon {

namespace {

// How many entries a flat scan checks in the time multi-index hashing spends on one probe or
// one candidate (each a likely cache miss). bench/index_bench.cc measured about 20 at 1M
// entries and 57 at 10M (AVX-512 scan, radius 31); 32 sits between.
constexpr size_t kFlatEntriesPerProbe = 32;

#define CORDON_POPCNT_TARGET __attribute__((target("popcnt")))
#define CORDON_AVX2_TARGET __attribute__((target("avx2,popcnt")))
#define CORDON_AVX512_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vpopcntdq,avx2,popcnt")))

inline int DistancePortable(const PdqHash& a, const PdqHash& b) {
  return std::popcount(a.bits[0] ^ b.bits[0]) + std::popcount(a.bits[1] ^ b.bits[1]) +
         std::popcount(a.bits[2] ^ b.bits[2]) + std::popcount(a.bits[3] ^ b.bits[3]);
}

CORDON_POPCNT_TARGET inline int DistancePopcnt(const PdqHash& a, const PdqHash& b) {
  return __builtin_popcountll(a.bits[0] ^ b.bits[0]) + __builtin_popcountll(a.bits[1] ^ b.bits[1]) +
         __builtin_popcountll(a.bits[2] ^ b.bits[2]) + __builtin_popcountll(a.bits[3] ^ b.bits[3]);
}

void ScanPortable(const PdqHash* h, size_t n, const PdqHash& q, int radius, uint32_t first,
                  std::vector<PdqHit>& out) {
  for (size_t i = 0; i < n; ++i) {
    int d = DistancePortable(h[i], q);
    if (d <= radius) out.push_back({first + static_cast<uint32_t>(i), d});
  }
}

CORDON_POPCNT_TARGET void ScanPopcnt(const PdqHash* h, size_t n, const PdqHash& q, int radius,
                                     uint32_t first, std::vector<PdqHit>& out) {
  for (size_t i = 0; i < n; ++i) {
    int d = DistancePopcnt(h[i], q);
    if (d <= radius) out.push_back({first + static_cast<uint32_t>(i), d});
  }
}

// Per-word popcounts of one entry xor the query: [w0, w1 | w2, w3].
CORDON_AVX2_TARGET inline __m256i CountAvx2(const PdqHash* p, __m256i qv) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                       1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  __m256i x = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), qv);
  __m256i c =
      _mm256_add_epi8(_mm256_shuffle_epi8(lut, _mm256_and_si256(x, low)),
                      _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));
  return _mm256_sad_epu8(c, _mm256_setzero_si256());
}

// Four entries per step: bytes counted with a nibble table (vpshufb), summed per 64-bit word
// (vpsadbw), then the four words of each entry added across lanes.
CORDON_AVX2_TARGET void ScanAvx2(const PdqHash* h, size_t n, const PdqHash& q, int radius,
                                 uint32_t first, std::vector<PdqHit>& out) {
  const __m256i qv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.bits.data()));
  const __m256i rv = _mm256_set1_epi64x(radius);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256i s0 = CountAvx2(h + i, qv), s1 = CountAvx2(h + i + 1, qv);
    __m256i s2 = CountAvx2(h + i + 2, qv), s3 = CountAvx2(h + i + 3, qv);
    __m256i a = _mm256_add_epi64(_mm256_unpacklo_epi64(s0, s1), _mm256_unpackhi_epi64(s0, s1));
    __m256i b = _mm256_add_epi64(_mm256_unpacklo_epi64(s2, s3), _mm256_unpackhi_epi64(s2, s3));
    __m256i d = _mm256_add_epi64(_mm256_permute2x128_si256(a, b, 0x20),
                                 _mm256_permute2x128_si256(a, b, 0x31));
    int over = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(d, rv)));
    if (over != 0xf) {
      alignas(32) int64_t ds[4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(ds), d);
      for (int k = 0; k < 4; ++k) {
        if (!(over & (1 << k)))
          out.push_back({first + static_cast<uint32_t>(i + k), static_cast<int>(ds[k])});
      }
    }
  }
  for (; i < n; ++i) {
    int d = DistancePopcnt(h[i], q);
    if (d <= radius) out.push_back({first + static_cast<uint32_t>(i), d});
  }
}

// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*, which its own
// uninitialised-use warnings flag.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

// Per-word popcounts of two entries xor the query.
CORDON_AVX512_TARGET inline __m512i CountAvx512(const PdqHash* p, __m512i qv) {
  return _mm512_popcnt_epi64(
      _mm512_xor_si512(_mm512_loadu_si512(reinterpret_cast<const void*>(p)), qv));
}

// Eight entries per step, two per register: per-word popcounts (vpopcntq), then the four words
// of each entry added with two unpack and two 128-bit-lane shuffles. The lanes come out in the
// order 0 2 1 3 4 6 5 7, which kLane undoes.
CORDON_AVX512_TARGET void ScanAvx512(const PdqHash* h, size_t n, const PdqHash& q, int radius,
                                     uint32_t first, std::vector<PdqHit>& out) {
  static constexpr int kLane[8] = {0, 2, 1, 3, 4, 6, 5, 7};  // lane of entry k
  const __m512i qv =
      _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.bits.data())));
  const __m512i rv = _mm512_set1_epi64(radius);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512i p0 = CountAvx512(h + i, qv), p1 = CountAvx512(h + i + 2, qv);
    __m512i p2 = CountAvx512(h + i + 4, qv), p3 = CountAvx512(h + i + 6, qv);
    __m512i s01 = _mm512_add_epi64(_mm512_unpacklo_epi64(p0, p1), _mm512_unpackhi_epi64(p0, p1));
    __m512i s23 = _mm512_add_epi64(_mm512_unpacklo_epi64(p2, p3), _mm512_unpackhi_epi64(p2, p3));
    __m512i d = _mm512_add_epi64(_mm512_shuffle_i64x2(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)),
                                 _mm512_shuffle_i64x2(s01, s23, _MM_SHUFFLE(3, 1, 3, 1)));
    __mmask8 hit = _mm512_cmple_epu64_mask(d, rv);
    if (hit) {
      alignas(64) int64_t ds[8];
      _mm512_store_si512(reinterpret_cast<void*>(ds), d);
      for (int k = 0; k < 8; ++k) {
        if (hit & (1u << kLane[k])) {
          out.push_back({first + static_cast<uint32_t>(i + k), static_cast<int>(ds[kLane[k]])});
        }
      }
    }
  }
  for (; i < n; ++i) {
    int d = DistancePopcnt(h[i], q);
    if (d <= radius) out.push_back({first + static_cast<uint32_t>(i), d});
  }
}

#pragma GCC diagnostic pop

// Bits [start, start + bits) of the hash, bits <= 32.
inline uint32_t Extract(const PdqHash& h, int start, int bits) {
  const int w = start >> 6, o = start & 63;
  uint64_t v = h.bits[w] >> o;
  if (o + bits > 64) v |= h.bits[w + 1] << (64 - o);
  return static_cast<uint32_t>(v & ((uint64_t{1} << bits) - 1));
}

// Sum over s = 0..radius of C(bits, s): the probes one table needs.
size_t ProbeCount(int bits, int radius) {
  size_t total = 0, c = 1;
  for (int s = 0; s <= radius && s <= bits; ++s) {
    total += c;
    c = c * static_cast<size_t>(bits - s) / static_cast<size_t>(s + 1);
  }
  return total;
}

// Calls f(key ^ flips) for every flips of up to `radius` set bits among the low `bits`.
template <typename F>
void ForEachNear(uint32_t key, int bits, int radius, int from, F&& f) {
  f(key);
  if (radius == 0) return;
  for (int b = from; b < bits; ++b)
    ForEachNear(key ^ (uint32_t{1} << b), bits, radius - 1, b + 1, f);
}

// The search radius of table t for query radius r over m tables: enough that an entry within r
// is within its table's radius on at least one table (pigeonhole), with the sum of
// (radius + 1) over the tables exactly r + 1. -1 means the table is skipped.
inline int TableRadius(int t, int m, int r) {
  const int s = r / m;
  const int wide = r + 1 - m * s;  // tables that need radius s; the rest s - 1
  return t < wide ? s : s - 1;
}

}  // namespace

bool CpuSupports(SimdLevel level) {
  __builtin_cpu_init();
  switch (level) {
    case SimdLevel::kPortable:
      return true;
    case SimdLevel::kPopcnt:
      return __builtin_cpu_supports("popcnt");
    case SimdLevel::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    case SimdLevel::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vpopcntdq") &&
             __builtin_cpu_supports("popcnt");
  }
  return false;
}

SimdLevel DetectSimdLevel() {
  static const SimdLevel level = [] {
    for (SimdLevel l : {SimdLevel::kAvx512, SimdLevel::kAvx2, SimdLevel::kPopcnt}) {
      if (CpuSupports(l)) return l;
    }
    return SimdLevel::kPortable;
  }();
  return level;
}

std::string_view SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kPortable:
      return "portable";
    case SimdLevel::kPopcnt:
      return "popcnt";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512-vpopcntdq";
  }
  return "?";
}

void ScanPdq(SimdLevel level, const PdqHash* hashes, size_t n, const PdqHash& query, int radius,
             uint32_t first_id, std::vector<PdqHit>& out) {
  if (radius < 0) return;
  switch (level) {
    case SimdLevel::kAvx512:
      return ScanAvx512(hashes, n, query, radius, first_id, out);
    case SimdLevel::kAvx2:
      return ScanAvx2(hashes, n, query, radius, first_id, out);
    case SimdLevel::kPopcnt:
      return ScanPopcnt(hashes, n, query, radius, first_id, out);
    case SimdLevel::kPortable:
      return ScanPortable(hashes, n, query, radius, first_id, out);
  }
}

PdqIndex::PdqIndex(std::vector<PdqHash> hashes, const PdqIndexOptions& options)
    : hashes_(std::move(hashes)), simd_(options.simd) {
  if (!CpuSupports(simd_)) simd_ = DetectSimdLevel();
  const size_t n = hashes_.size();
  bool build =
      options.mode == PdqIndexOptions::Mode::kMultiIndex ||
      (options.mode == PdqIndexOptions::Mode::kAuto && n >= options.min_multi_index_entries);
  if (!build || n == 0) return;
  int bits = std::clamp(options.range_bits, 8, 28);
  if (options.range_bits <= 0) {
    // About log2(n) bits per range keeps a bucket near one entry; at most 24 bounds the bucket
    // arrays (2^24 offsets = 64 MiB per table).
    bits = std::clamp(static_cast<int>(std::lround(std::log2(static_cast<double>(n)))), 16, 24);
    // With filters a bucket entry costs little, so shorter ranges (fewer probes, fuller buckets)
    // win: 16 bits at 1M measured about 1.5x faster than 20 (bench/index_bench.cc).
    if (options.bucket_filters) bits = std::max(16, bits - 4);
  }
  range_bits_ = bits;
  const int m = 256 / bits;
  tables_.resize(static_cast<size_t>(m));
  auto build_table = [&](Table& tb, int t) {
    tb.start = t * bits;
    tb.bits = bits;
    for (int k = tb.start; k < tb.start + bits; ++k) tb.mask[k >> 6] |= uint64_t{1} << (k & 63);
    // Counting sort of the entries by range value; offsets double as the write cursors and are
    // shifted back to bucket starts afterwards.
    tb.offsets.assign((size_t{1} << bits) + 1, 0);
    std::vector<uint32_t> keys(n);
    for (size_t i = 0; i < n; ++i) {
      keys[i] = Extract(hashes_[i], tb.start, bits);
      ++tb.offsets[keys[i] + 1];
    }
    for (size_t k = 1; k < tb.offsets.size(); ++k) tb.offsets[k] += tb.offsets[k - 1];
    tb.ids.resize(n);
    for (size_t i = 0; i < n; ++i) tb.ids[tb.offsets[keys[i]]++] = static_cast<uint32_t>(i);
    for (size_t k = tb.offsets.size() - 1; k > 0; --k) tb.offsets[k] = tb.offsets[k - 1];
    tb.offsets[0] = 0;
    if (options.bucket_filters) {
      // Two whole words the range does not touch: a range of at most 28 bits meets at most two
      // of the four, so two are always free.
      int found = 0;
      for (int w = 0; w < 4 && found < 2; ++w) {
        if (tb.mask[static_cast<size_t>(w)] == 0) tb.filter_words[static_cast<size_t>(found++)] = w;
      }
      tb.filters.resize(2 * n);
      for (size_t j = 0; j < n; ++j) {
        const PdqHash& h = hashes_[tb.ids[j]];
        tb.filters[2 * j] = h.bits[static_cast<size_t>(tb.filter_words[0])];
        tb.filters[2 * j + 1] = h.bits[static_cast<size_t>(tb.filter_words[1])];
      }
    }
  };
  // Tables are independent: build them on up to build_threads threads.
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int t; (t = next.fetch_add(1)) < m;) build_table(tables_[static_cast<size_t>(t)], t);
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < std::min(options.build_threads, m); ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

size_t PdqIndex::MemoryBytes() const {
  size_t bytes = hashes_.capacity() * sizeof(PdqHash);
  for (const Table& t : tables_) {
    bytes += t.offsets.capacity() * sizeof(uint32_t) + t.ids.capacity() * sizeof(uint32_t) +
             t.filters.capacity() * sizeof(uint64_t);
  }
  return bytes;
}

void PdqIndex::SearchFlat(const PdqHash& query, int radius, std::vector<PdqHit>& out) const {
  ScanPdq(simd_, hashes_.data(), hashes_.size(), query, radius, 0, out);
}

namespace {

// Per-thread scratch for multi-index searches, reused so a search allocates nothing.
struct MihScratch {
  std::vector<uint32_t> keys;     // probe keys of every table, in table order
  std::vector<size_t> table_end;  // end of each table's keys
  std::vector<uint32_t> ranges;   // (table, begin, end) of each non-empty bucket
  std::vector<uint64_t> cands;    // table << 32 | id
};
thread_local MihScratch t_scratch;

}  // namespace

// Three passes, each issuing its cache misses together (bucket offsets, then bucket contents,
// then candidate hashes) so the memory system overlaps them instead of waiting on a chain of
// three dependent misses per candidate.
bool PdqIndex::ProbeAll(const PdqHash& query, int radius, std::vector<uint32_t>& ranges,
                        size_t budget) const {
  const int m = static_cast<int>(tables_.size());
  size_t probes = 0;
  for (int t = 0; t < m; ++t) probes += ProbeCount(range_bits_, TableRadius(t, m, radius));
  if (probes > budget) return false;
  MihScratch& sc = t_scratch;
  sc.keys.clear();
  sc.table_end.assign(static_cast<size_t>(m), 0);
  for (int t = 0; t < m; ++t) {
    const int s = TableRadius(t, m, radius);
    const Table& tb = tables_[static_cast<size_t>(t)];
    if (s >= 0) {
      ForEachNear(Extract(query, tb.start, tb.bits), tb.bits, s, 0, [&](uint32_t key) {
        sc.keys.push_back(key);
        __builtin_prefetch(&tb.offsets[key]);
      });
    }
    sc.table_end[static_cast<size_t>(t)] = sc.keys.size();
  }
  size_t entries = probes;
  size_t k = 0;
  for (int t = 0; t < m; ++t) {
    const Table& tb = tables_[static_cast<size_t>(t)];
    const uint32_t* off = tb.offsets.data();
    for (; k < sc.table_end[static_cast<size_t>(t)]; ++k) {
      const uint32_t key = sc.keys[k];
      const uint32_t b = off[key], e = off[key + 1];
      if (e > b) {
        __builtin_prefetch(&tb.ids[b]);
        if (!tb.filters.empty()) {
          // The whole bucket's filters: they are read in order next, 16 bytes an entry.
          const char* f = reinterpret_cast<const char*>(&tb.filters[2 * size_t{b}]);
          const char* f_end = reinterpret_cast<const char*>(tb.filters.data() + 2 * size_t{e});
          for (; f < f_end; f += 64) __builtin_prefetch(f);
        }
        ranges.push_back(static_cast<uint32_t>(t));
        ranges.push_back(b);
        ranges.push_back(e);
        entries += e - b;
      }
    }
    if (entries > budget) return false;
  }
  return true;
}

namespace {

struct VerifyArgs {
  const PdqHash* hashes;
  const uint32_t* const* table_ids;
  const std::array<uint64_t, 4>* masks;
  int tables;
  // With bucket filters: each table's filter array and the query's words it compares with.
  const uint64_t* const* table_filters;
  const std::array<uint64_t, 2>* query_words;
};

// Checks the candidates of each visited bucket. Inlined into a POPCNT and a portable wrapper so
// std::popcount compiles to the instruction where the CPU has it.
__attribute__((always_inline)) inline void VerifyBody(const VerifyArgs& a, const PdqHash& query,
                                                      int radius,
                                                      const std::vector<uint32_t>& ranges,
                                                      std::vector<PdqHit>& out) {
  std::vector<uint64_t>& cands = t_scratch.cands;
  cands.clear();
  for (size_t r = 0; r < ranges.size(); r += 3) {
    const uint64_t t = ranges[r];
    const uint32_t* ids = a.table_ids[t];
    if (a.table_filters != nullptr) {
      // The filter words' distance bounds the full distance from below.
      const uint64_t* f = a.table_filters[t];
      const uint64_t q0 = a.query_words[t][0], q1 = a.query_words[t][1];
      for (uint32_t i = ranges[r + 1]; i < ranges[r + 2]; ++i) {
        if (std::popcount(f[2 * size_t{i}] ^ q0) + std::popcount(f[2 * size_t{i} + 1] ^ q1) >
            radius) {
          continue;
        }
        __builtin_prefetch(&a.hashes[ids[i]]);
        cands.push_back(t << 32 | ids[i]);
      }
      continue;
    }
    for (uint32_t i = ranges[r + 1]; i < ranges[r + 2]; ++i) {
      __builtin_prefetch(&a.hashes[ids[i]]);
      cands.push_back(t << 32 | ids[i]);
    }
  }
  for (uint64_t c : cands) {
    const int t = static_cast<int>(c >> 32);
    const uint32_t id = static_cast<uint32_t>(c);
    const PdqHash& h = a.hashes[id];
    const uint64_t x0 = h.bits[0] ^ query.bits[0], x1 = h.bits[1] ^ query.bits[1],
                   x2 = h.bits[2] ^ query.bits[2], x3 = h.bits[3] ^ query.bits[3];
    const int d = std::popcount(x0) + std::popcount(x1) + std::popcount(x2) + std::popcount(x3);
    if (d > radius) continue;
    // Reported by the first table whose radius covers it; skip it here if that is earlier.
    bool earlier = false;
    for (int u = 0; u < t && !earlier; ++u) {
      const auto& mk = a.masks[u];
      const int du = std::popcount(x0 & mk[0]) + std::popcount(x1 & mk[1]) +
                     std::popcount(x2 & mk[2]) + std::popcount(x3 & mk[3]);
      earlier = du <= TableRadius(u, a.tables, radius);
    }
    if (!earlier) out.push_back({id, d});
  }
}

CORDON_POPCNT_TARGET void VerifyPopcnt(const VerifyArgs& a, const PdqHash& query, int radius,
                                       const std::vector<uint32_t>& ranges,
                                       std::vector<PdqHit>& out) {
  VerifyBody(a, query, radius, ranges, out);
}

void VerifyPortable(const VerifyArgs& a, const PdqHash& query, int radius,
                    const std::vector<uint32_t>& ranges, std::vector<PdqHit>& out) {
  VerifyBody(a, query, radius, ranges, out);
}

}  // namespace

void PdqIndex::Verify(const PdqHash& query, int radius, const std::vector<uint32_t>& ranges,
                      std::vector<PdqHit>& out) const {
  const size_t first_out = out.size();
  // Per table; only the first tables_.size() are set and read (left uninitialised: zeroing 16 KiB
  // per search cost as much as a fifth of it).
  std::array<const uint32_t*, 256> ids;
  std::array<std::array<uint64_t, 4>, 256> masks;
  std::array<const uint64_t*, 256> filters;
  std::array<std::array<uint64_t, 2>, 256> query_words;
  for (size_t t = 0; t < tables_.size(); ++t) {
    const Table& tb = tables_[t];
    ids[t] = tb.ids.data();
    masks[t] = tb.mask;
    filters[t] = tb.filters.data();
    query_words[t] = {query.bits[static_cast<size_t>(tb.filter_words[0])],
                      query.bits[static_cast<size_t>(tb.filter_words[1])]};
  }
  VerifyArgs a{hashes_.data(),
               ids.data(),
               masks.data(),
               static_cast<int>(tables_.size()),
               bucket_filters() ? filters.data() : nullptr,
               query_words.data()};
  if (simd_ == SimdLevel::kPortable) {
    VerifyPortable(a, query, radius, ranges, out);
  } else {
    VerifyPopcnt(a, query, radius, ranges, out);
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_out), out.end(),
            [](const PdqHit& x, const PdqHit& y) { return x.id < y.id; });
}

void PdqIndex::SearchMultiIndex(const PdqHash& query, int radius, std::vector<PdqHit>& out) const {
  if (radius < 0) return;
  radius = std::min(radius, 256);
  std::vector<uint32_t>& ranges = t_scratch.ranges;
  ranges.clear();
  ProbeAll(query, radius, ranges, SIZE_MAX);
  Verify(query, radius, ranges, out);
}

void PdqIndex::Search(const PdqHash& query, int radius, std::vector<PdqHit>& out) const {
  if (radius < 0) return;
  radius = std::min(radius, 256);
  if (tables_.empty()) return SearchFlat(query, radius, out);
  // More probes and bucket entries than this cost more than streaming the whole array.
  const size_t budget = hashes_.size() / kFlatEntriesPerProbe;
  std::vector<uint32_t>& ranges = t_scratch.ranges;
  ranges.clear();
  if (!ProbeAll(query, radius, ranges, budget)) return SearchFlat(query, radius, out);
  Verify(query, radius, ranges, out);
}

void DigestIndex::Find(std::string_view digest, std::vector<uint32_t>& out) const {
  auto [b, e] = map_.equal_range(digest);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
}

}  // namespace cordon
