#include "cordon/util/file_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "cordon/ingest/importer.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(FileCheck, SaysWhyAPathIsNoInputFile) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("ok.json"), "{}");
  EXPECT_EQ(UnreadableReason(dir.File("ok.json")), "");
  EXPECT_TRUE(CheckReadableFile(dir.File("ok.json")).ok());
  EXPECT_EQ(UnreadableReason(dir.File("none.json")), "no such file");
  EXPECT_EQ(UnreadableReason(dir.path().string()), "is a directory");
  std::filesystem::create_symlink(dir.File("none.json"), dir.File("dangling"));
  EXPECT_EQ(UnreadableReason(dir.File("dangling")),
            "dangling symbolic link (its target does not exist)");
  ASSERT_EQ(::mkfifo(dir.File("fifo").c_str(), 0600), 0);
  EXPECT_EQ(UnreadableReason(dir.File("fifo")), "is a FIFO (named pipe), not a regular file");
  EXPECT_EQ(UnreadableReason("/dev/null"), "is a device, not a regular file");
  const Status s = CheckReadableFile(dir.File("none.json"));
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.where().file, dir.File("none.json"));
  EXPECT_EQ(s.message(), "cannot read file: no such file");
}

TEST(OwnOutput, OnlyAFirstKeyMarksAFileCordonWrote) {
  EXPECT_EQ(OwnOutputKind("{\n\"format\": \"cordon-sim-truth/1\",\n\"parameters\": {}}"),
            "cordon-sim-truth/1");
  EXPECT_EQ(OwnOutputKind("\xEF\xBB\xBF {\"cordon_output\":\"sim-manifest\"}"), "sim-manifest");
  // A value or a later key, as an adversary could write into a message, marks nothing.
  EXPECT_EQ(OwnOutputKind("{\"text\": \"cordon_output\", \"cordon_output\": \"x\"}"), "");
  EXPECT_EQ(OwnOutputKind("{\"name\": \"x\", \"format\": \"cordon-sim-truth/1\"}"), "");
  EXPECT_EQ(OwnOutputKind("{\"format\": \"telegram\"}"), "");
  EXPECT_EQ(OwnOutputKind("{\"format\": \"cordon-\\u0073im\"}"), "");  // escapes: not ours
  EXPECT_EQ(OwnOutputKind("[{\"format\": \"cordon-sim-truth/1\"}]"), "");
  EXPECT_EQ(OwnOutputKind(""), "");
}

}  // namespace
}  // namespace cordon
