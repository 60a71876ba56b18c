#include "cordon/enforce/regen_index.h"

#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

namespace cordon::enforce {
namespace {

TEST(AvatarIndex, FindsWhatAScanFinds) {
  std::mt19937_64 rng(5);
  std::vector<PdqHash> hashes;
  AvatarIndex index;
  // Random hashes and near-copies of a few of them at every distance up to 40.
  for (uint32_t i = 0; i < 400; ++i) {
    PdqHash h;
    if (i >= 20 && i % 3 == 0) {
      h = hashes[i % 20];
      const int flips = static_cast<int>(i % 41);
      for (int k = 0; k < flips; ++k) {
        const int bit = static_cast<int>(rng() % 256);
        h.bits[static_cast<size_t>(bit / 64)] ^= uint64_t{1} << (bit % 64);
      }
    } else {
      for (auto& w : h.bits) w = rng();
    }
    hashes.push_back(h);
    index.Insert(1000 + i, h);
  }
  ASSERT_EQ(index.size(), 400u);
  size_t found_total = 0;
  for (int radius : {0, 8, 20, 31}) {
    for (uint32_t q = 0; q < 40; ++q) {
      std::vector<std::pair<uint32_t, int>> want, got;
      for (uint32_t i = 0; i < hashes.size(); ++i) {
        const int d = Distance(hashes[q], hashes[i]);
        if (d <= radius) want.emplace_back(1000 + i, d);
      }
      index.Search(hashes[q], radius, got);
      EXPECT_EQ(got, want) << "query " << q << " radius " << radius;
      found_total += got.size();
    }
  }
  EXPECT_GT(found_total, 160u);  // more than the queries themselves
  index.Clear();
  std::vector<std::pair<uint32_t, int>> none;
  index.Search(hashes[0], 31, none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace cordon::enforce
