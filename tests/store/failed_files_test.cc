// A file that fails whole is recorded (store/failed_files.h): later ingests skip it and say so
// once, until it changes or --retry-failed (issue #16, defect 6). Before the fix every ingest
// read it again and failed again.
#include <gtest/gtest.h>

#include <filesystem>

#include "cordon/ingest/ingest.h"
#include "cordon/store/failed_files.h"
#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon {
namespace {
namespace fs = std::filesystem;

// A single-chat Telegram export whose root has no id: the whole file is Corrupt.
constexpr char kNoId[] =
    R"({"name": "Reading Circle", "type": "public_channel", "messages": [
  {"id": 1, "type": "message", "date_unixtime": "1000", "text": "a"}]})";
constexpr char kFixed[] =
    R"({"name": "Reading Circle", "type": "public_channel", "id": 1700000001, "messages": [
  {"id": 1, "type": "message", "date_unixtime": "1000", "text": "a"}]})";

IngestReport IngestOne(Store& store, const std::string& path, IngestOptions opt = {}) {
  auto r = Ingest(store, {path}, opt);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files.size(), 1u);
  return *r;
}

TEST(FailedFiles, WholeFileFailureIsRecordedAndSkippedUntilItChanges) {
  testing::TempDir tmp;
  const std::string file = tmp.File("result.json");
  testing::WriteFile(file, kNoId);
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());

  const IngestReport first = IngestOne(**store, file);
  EXPECT_EQ(first.failed_files(), 1);
  EXPECT_EQ(first.files[0].status.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(first.files[0].failed_before.empty());

  // The same bytes again: skipped, with the reason, and no failure this time.
  const IngestReport second = IngestOne(**store, file);
  EXPECT_EQ(second.failed_files(), 0);
  EXPECT_EQ(second.failed_before_files(), 1);
  EXPECT_EQ(second.read_files(), 0);
  EXPECT_EQ(second.files[0].failed_before,
            "corrupt: not a Telegram Desktop chat export: missing field 'id'");

  // Asked to retry: read again (and fails again).
  IngestOptions retry;
  retry.retry_failed_files = true;
  EXPECT_EQ(IngestOne(**store, file, retry).failed_files(), 1);

  // Another --format is another attempt.
  IngestOptions forced;
  forced.format = "telegram-export";
  EXPECT_EQ(IngestOne(**store, file, forced).failed_files(), 1);
  EXPECT_EQ(IngestOne(**store, file, forced).failed_before_files(), 1);

  // Fixed: read, and the failure forgotten.
  testing::WriteFile(file, kFixed);
  const IngestReport fixed = IngestOne(**store, file);
  EXPECT_EQ(fixed.failed_files(), 0);
  EXPECT_EQ(fixed.failed_before_files(), 0);
  EXPECT_EQ(fixed.read_files(), 1);
  EXPECT_EQ(fixed.events, 2);  // the message and the channel
  Statement q(StoreHandle(**store), "SELECT count(*) FROM failed_files");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 0);
  EXPECT_TRUE(IngestOne(**store, file).files[0].skipped);
}

// A file no importer recognises fails whole too; one that cannot be read (an I/O error, which
// may pass) is not recorded.
TEST(FailedFiles, UnrecognisedIsRecordedUnreadableIsNot) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.File("other.json"), "{\"hello\": \"world\"}\n");
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(IngestOne(**store, tmp.File("other.json")).failed_files(), 1);
  const IngestReport again = IngestOne(**store, tmp.File("other.json"));
  EXPECT_EQ(again.failed_before_files(), 1);
  EXPECT_NE(again.files[0].failed_before.find("format not recognised"), std::string::npos)
      << again.files[0].failed_before;

  EXPECT_EQ(IngestOne(**store, tmp.File("missing.json")).failed_files(), 1);
  EXPECT_EQ(IngestOne(**store, tmp.File("missing.json")).failed_files(), 1);
}

// --rescan reads everything again, failed files included.
TEST(FailedFiles, RescanReadsFailedFilesToo) {
  testing::TempDir tmp;
  const std::string file = tmp.File("result.json");
  testing::WriteFile(file, kNoId);
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(IngestOne(**store, file).failed_files(), 1);
  IngestOptions rescan;
  rescan.skip_done_files = false;
  EXPECT_EQ(IngestOne(**store, file, rescan).failed_files(), 1);
}

TEST(FailedFiles, TypedFunctions) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  FileIdentity id{"/data/a.json", 10, 20, std::string(64, 'a')};
  auto none = FailedBefore(**store, id, "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  ASSERT_TRUE(MarkFileFailed(**store, id, "", "corrupt: x", 5).ok());
  ASSERT_TRUE(MarkFileFailed(**store, id, "", "corrupt: y", 6).ok());  // replaces
  auto got = FailedBefore(**store, id, "");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or(""), "corrupt: y");
  EXPECT_FALSE(*FailedBefore(**store, id, "matrix"));
  FileIdentity changed = id;
  changed.size = 11;
  EXPECT_FALSE(*FailedBefore(**store, changed, ""));
  ASSERT_TRUE(ClearFileFailed(**store, id).ok());
  EXPECT_FALSE(*FailedBefore(**store, id, ""));
}

}  // namespace
}  // namespace cordon
