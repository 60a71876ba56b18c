// Bank files as wholes (content/bank_files.h) and media hashing of files (media_hash.h).
#include "cordon/content/bank_files.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "cordon/content/media_hash.h"
#include "test_util.h"

namespace cordon {
namespace {

constexpr char kPdq[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

TEST(BankFiles, ImportExportRoundTrip) {
  cordon::testing::TempDir dir;
  cordon::testing::WriteFile(dir.File("in.csv"),
                             std::string("signal_type,signal,label\npdq,") + kPdq + ",x\n");
  auto parsed = ReadBankFile(dir.File("in.csv"), ImportOptions{});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->entries.size(), 1u);
  auto store = Store::Open(dir.File("b.db"));
  ASSERT_TRUE(store.ok());
  BankInfo info{"b", "lab", "from a file"};
  auto added = AddToBank(**store, info, parsed->entries, 1000);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
  // An existing bank keeps its own label and provenance.
  info.provenance = "other";
  ASSERT_EQ(*AddToBank(**store, info, parsed->entries, 2000), 0);
  auto found = FindBank(**store, "b");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->provenance, "from a file");
  EXPECT_NE(BankInfoJson(**found).find(R"("name":"b","label":"lab")"), std::string::npos);

  std::FILE* out = std::fopen(dir.File("out.csv").c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_TRUE(ExportBankCsv(**store, "b", out).ok());
  std::fclose(out);
  auto back = ReadBankFile(dir.File("out.csv"), ImportOptions{});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->entries.size(), 1u);
  EXPECT_EQ(back->entries[0].signal, parsed->entries[0].signal);
}

TEST(BankFiles, DefineBankCreatesUpdatesAndAdds) {
  cordon::testing::TempDir dir;
  auto store = Store::Open(dir.File("b.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_EQ(*DefineBank(**store, {"b", "l1", "p1"}, SignalType::kPdq, {}, 1), 0);
  // No signals and a new label: the label changes, the provenance stays.
  ASSERT_TRUE(DefineBank(**store, {"b", "l2", ""}, SignalType::kPdq, {}, 2).ok());
  auto found = FindBank(**store, "b");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->label, "l2");
  EXPECT_EQ((*found)->provenance, "p1");
  auto added = DefineBank(**store, {"b", "", ""}, SignalType::kPdq, {kPdq, kPdq}, 3);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
}

TEST(MediaHashFiles, HashesInOrderAndReportsUnreadableFiles) {
  cordon::testing::TempDir dir;
  cordon::testing::WriteFile(dir.File("a.txt"), "hello");
  cordon::testing::WriteFile(dir.File("b.txt"), "");
  const std::vector<std::string> files = {dir.File("a.txt"), dir.File("missing"),
                                          dir.File("b.txt")};
  std::vector<FileHashes> got;
  HashMediaFiles(files, MediaHashOptions{}, 2, [&](size_t i, const FileHashes& r) {
    EXPECT_EQ(i, got.size());
    got.push_back(r);
  });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got[0].readable);
  EXPECT_EQ(got[0].md5, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_FALSE(got[0].pdq.has_value());
  EXPECT_FALSE(got[1].readable);
  EXPECT_FALSE(got[1].error.ok());
  EXPECT_EQ(got[2].sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  MediaHashOptions no_digests;
  no_digests.digests = false;
  const FileHashes r = HashMediaFile(dir.File("a.txt"), no_digests);
  EXPECT_TRUE(r.readable);
  EXPECT_TRUE(r.md5.empty());
}

}  // namespace
}  // namespace cordon
