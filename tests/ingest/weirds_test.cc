// Weirds are named (ingest/weirds.h): every name is documented, and stats count them by name.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "cordon/ingest/ingest.h"
#include "cordon/ingest/weirds.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(Weirds, NamesAreUniqueAndDocumented) {
  const std::string doc = testing::ReadFile(testing::SourceDir() / "docs/weirds.md");
  std::set<std::string> documented;
  const std::regex row(R"(\n\| `([a-z0-9_]+)` \|)");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    documented.insert((*it)[1]);
  }
  std::set<std::string> named;
  for (std::string_view name : weird::kAllWeirds) {
    EXPECT_TRUE(named.insert(std::string(name)).second) << "twice: " << name;
    EXPECT_TRUE(documented.count(std::string(name))) << name << " is not in docs/weirds.md";
  }
  for (const std::string& name : documented) {
    EXPECT_TRUE(named.count(name)) << "docs/weirds.md lists " << name << ", which no code reports";
  }
}

// Every golden input through a real ingest: each weird stored carries a catalogued name, and
// stats counts them by name.
TEST(Weirds, IngestStoresNamesAndStatsCountThem) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("w.db"));
  ASSERT_TRUE(store.ok());
  std::vector<std::string> inputs;
  for (const char* golden : {"matrix-sync", "matrix-messages", "rocketchat-history",
                             "telethon-basic", "native-basic", "telegram-single-chat"}) {
    inputs.push_back((testing::SourceDir() / "testdata/golden" / golden / "input").string());
  }
  auto report = Ingest(**store, inputs, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  ASSERT_GT(stats->weird, 3);
  int64_t sum = 0;
  for (const auto& [name, n] : stats->weird_by_name) {
    sum += n;
    EXPECT_NE(std::find(weird::kAllWeirds.begin(), weird::kAllWeirds.end(), name),
              weird::kAllWeirds.end())
        << "uncatalogued weird name '" << name << "'";
  }
  EXPECT_EQ(sum, stats->weird);
  EXPECT_EQ(stats->weird_by_name.count(std::string(weird::kMatrixEncrypted)), 1u);
  EXPECT_EQ(stats->weird_by_name.count(std::string(weird::kMediaUrlNotFetched)), 1u);
  // The ingest report counts what it stored this run the same way.
  int64_t reported = 0;
  for (const auto& [name, n] : report->weird_by_name) reported += n;
  EXPECT_EQ(reported, report->weird);
}

}  // namespace
}  // namespace cordon
