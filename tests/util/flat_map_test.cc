#include "cordon/util/flat_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace cordon {
namespace {

TEST(FlatMap64, InsertsFindsAndErases) {
  FlatMap64<std::string> m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.find(7), m.end());
  auto [it, fresh] = m.try_emplace(7);
  EXPECT_TRUE(fresh);
  EXPECT_EQ(it->first, 7u);
  EXPECT_EQ(it->second, "");
  it->second = "seven";
  auto [it2, fresh2] = m.try_emplace(7);
  EXPECT_FALSE(fresh2);
  EXPECT_EQ(it2->second, "seven");
  m[0] = "zero";  // key 0 is an ordinary key
  m[~uint64_t{0}] = "max";
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.find(0)->second, "zero");
  EXPECT_EQ(m.find(~uint64_t{0})->second, "max");
  EXPECT_EQ(m.count(7), 1u);
  EXPECT_EQ(m.erase(7), 1u);
  EXPECT_EQ(m.erase(7), 0u);
  EXPECT_EQ(m.find(7), m.end());
  EXPECT_EQ(m.size(), 2u);
  m.erase(m.find(0));
  EXPECT_EQ(m.size(), 1u);
  // A key inserted again after its erasure starts from a default value.
  EXPECT_EQ(m[7], "");
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.begin(), m.end());
}

// Random inserts and erasures, checked against std::map after each step; keys drawn from a
// small range (many collide on the home slot after the multiplication) and from all 64 bits.
TEST(FlatMap64, AgreesWithStdMapUnderRandomOperations) {
  for (const uint64_t range : {uint64_t{64}, uint64_t{5000}, ~uint64_t{0}}) {
    std::mt19937_64 rng(42 + range);
    FlatMap64<std::vector<uint32_t>> m;
    std::map<uint64_t, std::vector<uint32_t>> ref;
    for (int step = 0; step < 20000; ++step) {
      const uint64_t key = range == ~uint64_t{0} ? rng() : rng() % range;
      const int op = static_cast<int>(rng() % 3);
      if (op < 2) {
        auto [it, fresh] = m.try_emplace(key);
        auto [rit, rfresh] = ref.try_emplace(key);
        ASSERT_EQ(fresh, rfresh);
        it->second.push_back(static_cast<uint32_t>(step));
        rit->second.push_back(static_cast<uint32_t>(step));
      } else {
        ASSERT_EQ(m.erase(key), ref.erase(key));
      }
      ASSERT_EQ(m.size(), ref.size());
      if (step % 997 == 0 || range == 64) {
        size_t seen = 0;
        for (const auto& [k, v] : m) {
          auto rit = ref.find(k);
          ASSERT_NE(rit, ref.end());
          ASSERT_EQ(v, rit->second);
          ++seen;
        }
        ASSERT_EQ(seen, ref.size());
        for (const auto& [k, v] : ref) {
          auto it = m.find(k);
          ASSERT_NE(it, m.end());
          ASSERT_EQ(it->second, v);
        }
      }
    }
  }
}

TEST(FlatMap64, ReserveKeepsEntries) {
  FlatMap64<int> m;
  for (int i = 0; i < 100; ++i) m[static_cast<uint64_t>(i) * 1000003] = i;
  m.reserve(100000);
  ASSERT_EQ(m.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(m.find(static_cast<uint64_t>(i) * 1000003)->second, i);
  const FlatMap64<int>& c = m;
  int sum = 0;
  for (auto it = c.begin(); it != c.end(); ++it) sum += it->second;
  EXPECT_EQ(sum, 99 * 100 / 2);
}

std::vector<uint64_t> KeysInOrder(const FlatMap64<int>& m) {
  std::vector<uint64_t> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  return keys;
}

// Keys that step by the same amount, as crafted ones could: where they land depends on the
// seed; a map given another's seed lands each key where the other did (what a saved detector
// state relies on to be read back in slot order), but for the probe runs that wrap around the
// table's end.
TEST(FlatMap64, TheSeedChoosesTheSlotsAndCanBeTaken) {
  FlatMap64<int> a, b;
  a.set_seed(1);
  b.set_seed(2);
  for (uint64_t i = 0; i < 1000; ++i) {
    a[i << 32] = static_cast<int>(i);
    b[i << 32] = static_cast<int>(i);
  }
  EXPECT_NE(KeysInOrder(a), KeysInOrder(b));
  for (uint64_t i = 0; i < 1000; ++i) {
    ASSERT_NE(b.find(i << 32), b.end());
    EXPECT_EQ(b.find(i << 32)->second, static_cast<int>(i));
  }
  FlatMap64<int> c;
  c.set_seed(a.seed());
  c.reserve(a.size());
  for (const auto& [k, v] : a) c[k] = v;
  const std::vector<uint64_t> in_a = KeysInOrder(a), in_c = KeysInOrder(c);
  size_t same = 0;
  for (size_t k = 0; k < in_a.size(); ++k) same += in_a[k] == in_c[k];
  EXPECT_GT(same, in_a.size() * 9 / 10);
  FlatMap64<int> d;  // another seed: another order
  d.set_seed(b.seed());
  d.reserve(a.size());
  for (const auto& [k, v] : a) d[k] = v;
  same = 0;
  const std::vector<uint64_t> in_d = KeysInOrder(d);
  for (size_t k = 0; k < in_a.size(); ++k) same += in_a[k] == in_d[k];
  EXPECT_LT(same, in_a.size() / 10);
  // Set on a full map, the seed places every entry again.
  b.set_seed(a.seed());
  EXPECT_EQ(b.size(), 1000u);
  for (uint64_t i = 0; i < 1000; ++i) {
    ASSERT_NE(b.find(i << 32), b.end());
    EXPECT_EQ(b.find(i << 32)->second, static_cast<int>(i));
  }
  b.erase(uint64_t{5} << 32);
  EXPECT_EQ(b.find(uint64_t{5} << 32), b.end());
  EXPECT_EQ(b.size(), 999u);
}

TEST(StringIds, InternsKeysOnce) {
  StringIds ids;
  EXPECT_EQ(ids.find("a"), nullptr);
  EXPECT_EQ(ids.emplace("telegram:user1", 0), std::make_pair(uint32_t{0}, true));
  EXPECT_EQ(ids.emplace("telegram:user1", 7), std::make_pair(uint32_t{0}, false));
  EXPECT_EQ(ids.emplace("", 1), std::make_pair(uint32_t{1}, true));  // the empty key too
  EXPECT_EQ(ids.emplace("short", 2), std::make_pair(uint32_t{2}, true));
  ASSERT_NE(ids.find("telegram:user1"), nullptr);
  EXPECT_EQ(*ids.find("telegram:user1"), 0u);
  EXPECT_EQ(*ids.find(""), 1u);
  EXPECT_EQ(ids.find("telegram:user"), nullptr);  // a prefix is another key
  EXPECT_EQ(ids.size(), 3u);
  ids.clear();
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(ids.find("short"), nullptr);
  EXPECT_EQ(ids.emplace("short", 5), std::make_pair(uint32_t{5}, true));
}

// Many keys through several growths, against std::map; then iteration gives each key once
// with its id, and a map rebuilt from the iteration is equal.
TEST(StringIds, AgreesWithStdMap) {
  std::mt19937_64 rng(7);
  StringIds ids;
  std::map<std::string, uint32_t> ref;
  for (int step = 0; step < 30000; ++step) {
    std::string key = "k:" + std::to_string(rng() % 20000);
    if (step % 5 == 0) key += std::string(rng() % 40, 'x');  // some long keys
    const auto id = static_cast<uint32_t>(ref.size());
    const auto [got, fresh] = ids.emplace(key, id);
    const auto [it, rfresh] = ref.try_emplace(key, id);
    ASSERT_EQ(fresh, rfresh);
    ASSERT_EQ(got, it->second);
  }
  ASSERT_EQ(ids.size(), ref.size());
  std::map<std::string, uint32_t> seen;
  for (const auto& [key, id] : ids) ASSERT_TRUE(seen.emplace(std::string(key), id).second);
  EXPECT_EQ(seen, ref);
  for (const auto& [key, id] : ref) {
    ASSERT_NE(ids.find(key), nullptr);
    EXPECT_EQ(*ids.find(key), id);
  }
  StringIds copy;
  copy.reserve(ids.size());
  for (const auto& [key, id] : ids) copy.emplace(key, id);
  EXPECT_EQ(copy.size(), ids.size());
}

}  // namespace
}  // namespace cordon
