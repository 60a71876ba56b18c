// Indexes over known signals: exact lookup for digests, Hamming-radius search for PDQ.
//
// PdqIndex returns every entry within a radius of the query, with its distance: the result is
// exactly what a brute-force scan returns (tests/content/index_test.cc checks it). Two ways:
//   - a flat scan, with the popcount kernel chosen at run time (AVX-512 VPOPCNTDQ, AVX2 with a
//     nibble table, the POPCNT instruction, or portable code);
//   - multi-index hashing (Norouzi et al.): m disjoint bit ranges of the hash, each with a table
//     from range value to entry ids. An entry within radius r of the query is within floor(r/m)
//     of it on at least one range (pigeonhole), so probing every key near the query's range
//     value finds it. Each match is reported once, by the first table that can find it.
// Search uses multi-index hashing when the index is large and the probe count small enough, and
// falls back to the flat scan when the buckets it would visit hold too many entries (clustered
// data, or a large radius). docs/matching.md has the measurements behind the choices.
//
// Thread safety: an index is immutable once built; Search may run from many threads at once.
// Ownership: the index owns copies of the hashes it was built from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cordon/content/pdq.h"

namespace cordon {

// Popcount kernels, best last.
enum class SimdLevel { kPortable = 0, kPopcnt = 1, kAvx2 = 2, kAvx512 = 3 };

// The best level this CPU runs.
SimdLevel DetectSimdLevel();
bool CpuSupports(SimdLevel level);
std::string_view SimdLevelName(SimdLevel level);

struct PdqHit {
  uint32_t id = 0;  // position in the hashes the index was built from
  int distance = 0;
  friend bool operator==(const PdqHit&, const PdqHit&) = default;
};

// Appends to `out` every i < n with Distance(hashes[i], query) <= radius, in order of i, with
// id = first_id + i. `level` must be supported by the CPU (CpuSupports).
void ScanPdq(SimdLevel level, const PdqHash* hashes, size_t n, const PdqHash& query, int radius,
             uint32_t first_id, std::vector<PdqHit>& out);

struct PdqIndexOptions {
  enum class Mode { kAuto, kFlat, kMultiIndex };
  Mode mode = Mode::kAuto;
  // Bits per multi-index range; 0 picks from the size (about log2 of the entry count, 4 fewer
  // with bucket_filters).
  int range_bits = 0;
  // Below this many entries kAuto builds no tables: a flat scan is as fast and uses no memory.
  size_t min_multi_index_entries = size_t{1} << 16;
  // The flat-scan kernel; defaults to the best the CPU has.
  SimdLevel simd = DetectSimdLevel();
  // Threads that build the multi-index tables (one table each at a time).
  int build_threads = 2;
  // Each table also keeps, beside every entry id, 128 bits of the entry's hash from outside the
  // table's range. Their distance to the query bounds the full distance from below, so a search
  // rejects almost every bucket entry while reading its bucket in order, and only the few that
  // pass touch the hash array at random. 16 bytes per entry per table more memory for several
  // times the searches per second at 1M entries and more (bench/index_bench.cc, --filters).
  bool bucket_filters = false;
};

class PdqIndex {
 public:
  PdqIndex() = default;
  explicit PdqIndex(std::vector<PdqHash> hashes, const PdqIndexOptions& options = {});
  PdqIndex(PdqIndex&&) noexcept = default;
  PdqIndex& operator=(PdqIndex&&) noexcept = default;

  size_t size() const { return hashes_.size(); }
  const PdqHash& hash(uint32_t id) const { return hashes_[id]; }
  bool multi_index() const { return !tables_.empty(); }
  bool bucket_filters() const { return !tables_.empty() && !tables_[0].filters.empty(); }
  int range_bits() const { return range_bits_; }
  int ranges() const { return static_cast<int>(tables_.size()); }

  // Appends every entry within `radius` (0..256) of `query` to `out`, ordered by id.
  void Search(const PdqHash& query, int radius, std::vector<PdqHit>& out) const;
  // The same with a forced strategy, for tests and benchmarks. SearchMultiIndex requires
  // multi_index().
  void SearchFlat(const PdqHash& query, int radius, std::vector<PdqHit>& out) const;
  void SearchMultiIndex(const PdqHash& query, int radius, std::vector<PdqHit>& out) const;

  // Heap bytes held (hashes and tables).
  size_t MemoryBytes() const;

 private:
  struct Table {
    int start = 0;                   // first bit of the range
    int bits = 0;                    // range length
    std::array<uint64_t, 4> mask{};  // the range's bits, for the first-table check
    std::vector<uint32_t> offsets;   // 2^bits + 1 bucket starts into ids
    std::vector<uint32_t> ids;       // entry ids sorted by range value
    // With bucket_filters: words filter_words[0] and [1] of ids[j]'s hash at 2j and 2j + 1.
    std::vector<uint64_t> filters;
    std::array<int, 2> filter_words{};
  };
  // Bucket ranges the multi-index search would visit; false when it would visit more entries
  // than a flat scan costs.
  bool ProbeAll(const PdqHash& query, int radius, std::vector<uint32_t>& ranges,
                size_t budget) const;
  void Verify(const PdqHash& query, int radius, const std::vector<uint32_t>& ranges,
              std::vector<PdqHit>& out) const;

  std::vector<PdqHash> hashes_;
  std::vector<Table> tables_;
  int range_bits_ = 0;
  SimdLevel simd_ = SimdLevel::kPortable;
};

// Exact lookup of digests (hex strings, compared as given: callers lower-case them).
// Thread safety: immutable after building; Find may run from many threads.
class DigestIndex {
 public:
  void Add(std::string digest, uint32_t id) { map_.emplace(std::move(digest), id); }
  // Every id stored under `digest`.
  void Find(std::string_view digest, std::vector<uint32_t>& out) const;
  size_t size() const { return map_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_multimap<std::string, uint32_t, Hash, std::equal_to<>> map_;
};

}  // namespace cordon
