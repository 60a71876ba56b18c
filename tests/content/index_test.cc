#include "cordon/content/index.h"

#include <gtest/gtest.h>

#include <random>

namespace cordon {
namespace {

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.bits) w = rng();
  return h;
}

// A copy of `h` with exactly `d` distinct bits flipped.
PdqHash Flip(const PdqHash& h, int d, std::mt19937_64& rng) {
  PdqHash out = h;
  std::vector<int> bits(256);
  for (int i = 0; i < 256; ++i) bits[i] = i;
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < d; ++i) out.bits[bits[i] >> 6] ^= uint64_t{1} << (bits[i] & 63);
  return out;
}

std::vector<PdqHit> BruteForce(const std::vector<PdqHash>& hashes, const PdqHash& q, int r) {
  std::vector<PdqHit> out;
  for (size_t i = 0; i < hashes.size(); ++i) {
    int d = Distance(hashes[i], q);
    if (d <= r) out.push_back({static_cast<uint32_t>(i), d});
  }
  return out;
}

struct Fixture {
  std::vector<PdqHash> hashes;
  std::vector<PdqHash> queries;
};

// Random entries, and for each query planted neighbours at every distance 0..40, so the radius
// 31 boundary (31 in, 32 out) is always exercised. The odd size leaves a tail for each kernel.
Fixture MakeFixture(size_t random_entries, int queries, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Fixture f;
  for (size_t i = 0; i < random_entries; ++i) f.hashes.push_back(RandomHash(rng));
  for (int q = 0; q < queries; ++q) {
    PdqHash query = RandomHash(rng);
    f.queries.push_back(query);
    for (int d = 0; d <= 40; ++d) f.hashes.push_back(Flip(query, d, rng));
  }
  std::shuffle(f.hashes.begin(), f.hashes.end(), rng);
  return f;
}

TEST(PdqScanTest, EveryKernelEqualsBruteForce) {
  Fixture f = MakeFixture(5003, 20, 1);
  int kernels = 0;
  for (SimdLevel level :
       {SimdLevel::kPortable, SimdLevel::kPopcnt, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (!CpuSupports(level)) continue;
    ++kernels;
    for (int r : {0, 1, 15, 30, 31, 32, 40, 256}) {
      for (const PdqHash& q : f.queries) {
        std::vector<PdqHit> got;
        ScanPdq(level, f.hashes.data(), f.hashes.size(), q, r, 0, got);
        std::vector<PdqHit> want = BruteForce(f.hashes, q, r);
        ASSERT_EQ(got, want) << SimdLevelName(level) << " radius " << r;
        if (r == 31) {
          EXPECT_GE(got.size(), 32u);  // the planted 0..31
        }
      }
    }
  }
  EXPECT_GE(kernels, 1);
  // Every size of tail: 0..9 entries.
  for (size_t n = 0; n < 10; ++n) {
    for (SimdLevel level :
         {SimdLevel::kPortable, SimdLevel::kPopcnt, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
      if (!CpuSupports(level)) continue;
      std::vector<PdqHash> part(f.hashes.begin(), f.hashes.begin() + static_cast<long>(n));
      std::vector<PdqHit> got;
      ScanPdq(level, part.data(), n, f.queries[0], 256, 7, got);
      ASSERT_EQ(got.size(), n);
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(got[i].id, 7 + i);
    }
  }
}

TEST(PdqScanTest, NegativeRadiusFindsNothing) {
  Fixture f = MakeFixture(100, 1, 2);
  std::vector<PdqHit> got;
  ScanPdq(DetectSimdLevel(), f.hashes.data(), f.hashes.size(), f.queries[0], -1, 0, got);
  EXPECT_TRUE(got.empty());
}

TEST(PdqIndexTest, MultiIndexEqualsBruteForce) {
  Fixture f = MakeFixture(30011, 25, 3);
  for (bool filters : {false, true}) {
    for (int bits : {8, 12, 15, 21}) {
      PdqIndexOptions opt;
      opt.mode = PdqIndexOptions::Mode::kMultiIndex;
      opt.range_bits = bits;
      opt.bucket_filters = filters;
      PdqIndex index(f.hashes, opt);
      ASSERT_TRUE(index.multi_index());
      EXPECT_EQ(index.bucket_filters(), filters);
      EXPECT_EQ(index.ranges(), 256 / bits);
      for (int r : {0, 1, 7, 16, 30, 31, 32, 40, 64}) {
        for (const PdqHash& q : f.queries) {
          std::vector<PdqHit> mih, any;
          index.SearchMultiIndex(q, r, mih);
          index.Search(q, r, any);
          std::vector<PdqHit> want = BruteForce(f.hashes, q, r);
          ASSERT_EQ(mih, want) << "bits " << bits << " radius " << r << " filters " << filters;
          ASSERT_EQ(any, want) << "bits " << bits << " radius " << r << " filters " << filters;
        }
      }
    }
  }
}

TEST(PdqIndexTest, ClusteredDataAndDuplicates) {
  // Many copies of a few hashes and their near neighbours: big buckets, where Search falls back
  // to the flat scan; every copy must still come back once.
  std::mt19937_64 rng(4);
  std::vector<PdqHash> seeds;
  for (int i = 0; i < 5; ++i) seeds.push_back(RandomHash(rng));
  std::vector<PdqHash> hashes;
  for (int i = 0; i < 20000; ++i) {
    hashes.push_back(Flip(seeds[static_cast<size_t>(i) % seeds.size()], (i / 5) % 45, rng));
  }
  PdqIndexOptions opt;
  opt.mode = PdqIndexOptions::Mode::kMultiIndex;
  opt.range_bits = 16;
  for (bool filters : {false, true}) {
    opt.bucket_filters = filters;
    PdqIndex index(hashes, opt);
    for (int r : {0, 10, 31}) {
      for (const PdqHash& q : seeds) {
        std::vector<PdqHit> mih, any;
        index.SearchMultiIndex(q, r, mih);
        index.Search(q, r, any);
        std::vector<PdqHit> want = BruteForce(hashes, q, r);
        ASSERT_EQ(mih, want) << "filters " << filters;
        ASSERT_EQ(any, want) << "filters " << filters;
        EXPECT_FALSE(want.empty());
      }
    }
  }
}

TEST(PdqIndexTest, SmallIndexIsFlatAndEmptyIndexFindsNothing) {
  Fixture f = MakeFixture(1000, 3, 5);
  PdqIndex small(f.hashes);
  EXPECT_FALSE(small.multi_index());
  for (const PdqHash& q : f.queries) {
    std::vector<PdqHit> got;
    small.Search(q, 31, got);
    EXPECT_EQ(got, BruteForce(f.hashes, q, 31));
  }
  EXPECT_EQ(small.MemoryBytes(), f.hashes.size() * sizeof(PdqHash));
  PdqIndex empty;
  std::vector<PdqHit> got;
  empty.Search(f.queries[0], 31, got);
  EXPECT_TRUE(got.empty());
}

TEST(PdqIndexTest, EachKernelThroughTheIndex) {
  Fixture f = MakeFixture(2000, 5, 6);
  for (SimdLevel level :
       {SimdLevel::kPortable, SimdLevel::kPopcnt, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (!CpuSupports(level)) continue;
    PdqIndexOptions opt;
    opt.simd = level;
    opt.mode = PdqIndexOptions::Mode::kMultiIndex;
    opt.range_bits = 12;
    PdqIndex index(f.hashes, opt);
    for (const PdqHash& q : f.queries) {
      std::vector<PdqHit> flat, mih;
      index.SearchFlat(q, 31, flat);
      index.SearchMultiIndex(q, 31, mih);
      std::vector<PdqHit> want = BruteForce(f.hashes, q, 31);
      EXPECT_EQ(flat, want) << SimdLevelName(level);
      EXPECT_EQ(mih, want) << SimdLevelName(level);
    }
  }
}

TEST(DigestIndexTest, FindsEveryIdUnderADigest) {
  DigestIndex index;
  index.Add("aa", 1);
  index.Add("bb", 2);
  index.Add("aa", 3);
  std::vector<uint32_t> got;
  index.Find("aa", got);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<uint32_t>{1, 3}));
  got.clear();
  index.Find("cc", got);
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace cordon
