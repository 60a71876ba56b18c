// Data-driven golden tests: every testdata/golden/<case>/ holds an input/ directory and the
// expected store dump after ingesting it (expected.txt). Paths in the dump are relative to
// input/. Set CORDON_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "cordon/ingest/ingest.h"
#include "test_util.h"

namespace cordon {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> Cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(testing::SourceDir() / "testdata" / "golden")) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
    s.replace(p, from.size(), to);
  }
  return s;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, StoreDumpMatches) {
  const fs::path dir = testing::SourceDir() / "testdata" / "golden" / GetParam();
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("golden.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  IngestOptions opt;
  auto report = Ingest(**store, {(dir / "input").string()}, opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto dump = (*store)->Dump();
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  std::string got = ReplaceAll(*dump, (dir / "input").string() + "/", "");
  const fs::path expected_file = dir / "expected.txt";
  if (std::getenv("CORDON_UPDATE_GOLDEN") != nullptr) {
    testing::WriteFile(expected_file, got);
    GTEST_SKIP() << "rewrote " << expected_file;
  }
  ASSERT_TRUE(fs::exists(expected_file))
      << "no " << expected_file << "; run with CORDON_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(testing::ReadFile(expected_file), got) << "golden case " << GetParam();
}

// Every importer accepts a UTF-8 byte order mark at the start of a file (Windows tools and
// spreadsheets write one): the case's input with a BOM before every file ingests to the same
// events, rejects and weirds as without.
TEST_P(GoldenTest, ByteOrderMarkAccepted) {
  const fs::path dir = testing::SourceDir() / "testdata" / "golden" / GetParam();
  testing::TempDir tmp;
  const fs::path copy = tmp.path() / "input";
  fs::copy(dir / "input", copy, fs::copy_options::recursive);
  int marked = 0;
  for (const auto& e : fs::recursive_directory_iterator(copy)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || ext == ".jpg" || ext == ".png" || ext == ".webp") continue;
    testing::WriteFile(e.path(), "\xEF\xBB\xBF" + testing::ReadFile(e.path()));
    ++marked;
  }
  ASSERT_GT(marked, 0);
  auto ingest = [](const std::string& db, const fs::path& input) {
    auto store = Store::Open(db);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    auto report = Ingest(**store, {input.string()}, IngestOptions{});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    auto stats = (*store)->Stats();
    EXPECT_TRUE(stats.ok());
    return std::make_pair(*report, *stats);
  };
  const auto [plain, plain_stats] = ingest(tmp.File("plain.db"), dir / "input");
  const auto [bom, bom_stats] = ingest(tmp.File("bom.db"), copy);
  EXPECT_EQ(bom.failed_files(), 0) << (bom.files.empty() ? "" : bom.files[0].status.ToString());
  EXPECT_GT(bom.events, 0);
  EXPECT_EQ(bom.events, plain.events);
  EXPECT_EQ(bom.rejected, plain.rejected);
  EXPECT_EQ(bom.weird, plain.weird);
  EXPECT_EQ(bom_stats.messages, plain_stats.messages);
  EXPECT_EQ(bom_stats.entities, plain_stats.entities);
  EXPECT_EQ(bom_stats.media, plain_stats.media);
}

INSTANTIATE_TEST_SUITE_P(Ingest, GoldenTest, ::testing::ValuesIn(Cases()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
});

}  // namespace
}  // namespace cordon
