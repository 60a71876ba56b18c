// Issue #16, defect 6, on the real binary: a file that fails whole fails once (exit 2); later
// ingests skip it with one note and exit 0, until it changes or --retry-failed.
#include <gtest/gtest.h>

#include "test_util.h"

namespace cordon {
namespace {
using testing::CliResult;
using testing::RunCordon;
using testing::ShellQuote;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(FailedBefore, SaidOnceThenSkippedUntilRetried) {
  testing::TempDir dir;
  const std::string file = dir.File("result.json");
  testing::WriteFile(file,
                     R"({"name": "Reading Circle", "type": "public_channel", "messages": []})");
  const std::string cmd = "ingest --db " + ShellQuote(dir.File("x.db")) + " " + ShellQuote(file);

  CliResult r = RunCordon(cmd);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(Has(r.err, "not a Telegram Desktop chat export: missing field 'id'")) << r.err;

  r = RunCordon(cmd);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "cordon: note: skipped " + file +
                             ": failed before, corrupt: not a Telegram Desktop chat export: "
                             "missing field 'id' (--retry-failed reads it again)"))
      << r.err;
  EXPECT_TRUE(Has(r.out, "ingested 0 files (1 failed before, skipped)")) << r.out;

  r = RunCordon(cmd + " --retry-failed");
  EXPECT_EQ(r.code, 2) << r.err;

  r = RunCordon(cmd + " -q");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace cordon
