// What a newcomer sees: every message of issue #11 ("the first hour of a new user"), asserted by
// text and exit code on the real binary.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"

namespace cordon {
namespace {
namespace fs = std::filesystem;
using testing::CliResult;
using testing::RunCordon;
using testing::ShellQuote;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const char kFormatsTried[] =
    "formats tried: cordon-events, telegram-export, telethon, matrix, rocketchat, "
    "telegram-bot-api (--format NAME forces one)";

std::string World() { return (testing::SourceDir() / "testdata/network/world.ndjson").string(); }

// A database holding the network fixture world.
std::string WorldDb(const testing::TempDir& dir) {
  const std::string db = dir.File("world.db");
  CliResult r = RunCordon("ingest -q --db " + ShellQuote(db) + " " + ShellQuote(World()));
  EXPECT_EQ(r.code, 0) << r.err;
  return db;
}

TEST(FirstRun, EmptyBlankAndUnknownFilesNameTheFormatsTried) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("empty.json"), "");
  testing::WriteFile(dir.File("blank.ndjson"), " \n\t\r\n\n");
  testing::WriteFile(dir.File("other.json"), "{\"hello\": \"world\"}\n");
  struct Case {
    const char* file;
    const char* says;
  };
  for (const Case& c : {Case{"empty.json", "empty file, nothing to ingest"},
                        Case{"blank.ndjson", "file holds only blank space, nothing to ingest"},
                        Case{"other.json", "format not recognised"}}) {
    CliResult r = RunCordon("ingest --db " + ShellQuote(dir.File("x.db")) + " " +
                            ShellQuote(dir.File(c.file)));
    EXPECT_EQ(r.code, 2) << c.file;
    EXPECT_TRUE(Has(r.err, dir.File(c.file) + ": unsupported: " + c.says + "; " + kFormatsTried))
        << r.err;
    EXPECT_TRUE(Has(r.out, "ingested 0 files (1 failed)")) << r.out;
  }
}

TEST(FirstRun, UnreadableFilesSayWhy) {
  testing::TempDir dir;
  const std::string db = ShellQuote(dir.File("x.db"));
  CliResult r = RunCordon("ingest --db " + db + " " + ShellQuote(dir.File("missing.ndjson")));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "missing.ndjson: i/o error: cannot read file: no such file")) << r.err;

  fs::create_symlink(dir.File("gone.ndjson"), dir.File("dangling.ndjson"));
  r = RunCordon("ingest --db " + db + " " + ShellQuote(dir.File("dangling.ndjson")));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "cannot read file: dangling symbolic link")) << r.err;

  ASSERT_EQ(::mkfifo(dir.File("pipe.ndjson").c_str(), 0600), 0);
  r = RunCordon("ingest --db " + db + " " + ShellQuote(dir.File("pipe.ndjson")));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "cannot read file: is a FIFO (named pipe), not a regular file")) << r.err;
}

TEST(FirstRun, PermissionDeniedSaysSo) {
  testing::TempDir dir;
  const std::string file = dir.File("secret.ndjson");
  testing::WriteFile(file, "{\"type\":\"entity\",\"key\":\"telegram:1\",\"kind\":\"channel\"}\n");
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  std::string prefix;
  if (::geteuid() == 0) {
    // Root reads everything: run as nobody, in a directory nobody may write to.
    if (std::system("command -v setpriv > /dev/null") != 0) GTEST_SKIP() << "no setpriv";
    ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";
  }
  CliResult r =
      RunCordon("ingest --db " + ShellQuote(dir.File("x.db")) + " " + ShellQuote(file), prefix);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(Has(r.err, "secret.ndjson: i/o error: cannot read file: permission denied")) << r.err;
}

TEST(FirstRun, UnknownOrMissingSubcommandListsThem) {
  CliResult r = RunCordon("ingset --db x.db");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "cordon: unknown subcommand 'ingset'; the subcommands are: ")) << r.err;
  EXPECT_TRUE(Has(r.err, "demo, ")) << r.err;
  EXPECT_TRUE(Has(r.err, "ingest, ")) << r.err;
  r = RunCordon("");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "cordon: a subcommand is required; the subcommands are: ")) << r.err;
  r = RunCordon("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(Has(r.out, "ingest")) << r.out;
}

TEST(FirstRun, InvalidNumbersAreNamed) {
  testing::TempDir dir;
  const std::string db = WorldDb(dir);
  for (const char* v : {"-5", "nan", "inf", "lots"}) {
    CliResult r = RunCordon("plan --db " + ShellQuote(db) + " --budget " + v);
    EXPECT_EQ(r.code, 2) << v;
    EXPECT_TRUE(
        Has(r.err, "--budget: expected a number of at least 0, got '" + std::string(v) + "'"))
        << r.err;
    EXPECT_TRUE(Has(r.err, "see 'cordon plan --help'")) << r.err;
  }
  CliResult r = RunCordon("regen --db " + ShellQuote(db) + " --threshold nan");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "expected a number of at least 0.0001 and at most 1, got 'nan'")) << r.err;
}

TEST(FirstRun, ReadingCommandsDoNotCreateADatabase) {
  testing::TempDir dir;
  const std::string typo = dir.File("typo.db");
  const std::string db = "--db " + ShellQuote(typo);
  for (const std::string& args :
       {"takedown " + db + " --reason x telegram:1", "ledger " + db, "ledger verify " + db,
        "bank list " + db, "regen " + db, "report " + db, "stats " + db, "plan --budget 3 " + db,
        "match " + db, "impact " + db, "network " + db,
        "reinstate " + db + " --reason x telegram:1"}) {
    CliResult r = RunCordon(args);
    EXPECT_EQ(r.code, 1) << args << ": " << r.err;
    EXPECT_TRUE(Has(r.err, typo +
                               ": not found: no database here (no such file); `cordon ingest "
                               "--db " +
                               typo + " INPUT...` creates one"))
        << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(typo)) << args;
  }
}

TEST(FirstRun, ReportOnAnEmptyDatabaseSaysSo) {
  testing::TempDir dir;
  const std::string db = dir.File("empty.db");
  testing::WriteFile(dir.File("nothing.ndjson"),
                     "{\"type\":\"bogus\"}\n");  // read, rejected: the store stays empty
  RunCordon("ingest -q --db " + ShellQuote(db) + " " + ShellQuote(dir.File("nothing.ndjson")));
  ASSERT_TRUE(fs::exists(db));
  CliResult r =
      RunCordon("report --db " + ShellQuote(db) + " --out " + ShellQuote(dir.File("r.html")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.err, db + " is empty: nothing to report")) << r.err;
  EXPECT_FALSE(Has(r.out + r.err, "-292275055"));
}

TEST(FirstRun, PlanSaysWhyItUsedLessThanTheBudget) {
  testing::TempDir dir;
  const std::string db = WorldDb(dir);
  CliResult r = RunCordon("plan --db " + ShellQuote(db) + " --budget 500");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "of the budget 500: ")) << r.out;
  r = RunCordon("plan --db " + ShellQuote(db) + " --budget 500 --json");
  EXPECT_TRUE(Has(r.out, "\"shortfall\":\"")) << r.out;
  r = RunCordon("plan --db " + ShellQuote(db) + " --budget 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(Has(r.out, "of the budget")) << r.out;
}

TEST(FirstRun, MatchSaysNoMatchesAndRegenHasAHeader) {
  testing::TempDir dir;
  const std::string db = WorldDb(dir);
  CliResult r = RunCordon("match --db " + ShellQuote(db));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "no matches\n");
  r = RunCordon("regen --db " + ShellQuote(db));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("detected at ")) << r.out;
  EXPECT_TRUE(Has(r.out.substr(0, r.out.find('\n')), "parent (taken down)")) << r.out;
}

TEST(FirstRun, SimulatorOutputIngestsAsItIs) {
  testing::TempDir dir;
  const std::string world = dir.File("w");
  CliResult r =
      RunCordon("simulate --scale small --days 20 --media none --out " + ShellQuote(world));
  ASSERT_EQ(r.code, 0) << r.err;
  r = RunCordon("ingest --db " + ShellQuote(dir.File("w.db")) + " " + ShellQuote(world));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "cordon: note: skipped " + world + "/truth.json: written by cordon ("))
      << r.err;
  EXPECT_FALSE(Has(r.err, "unsupported")) << r.err;
  EXPECT_TRUE(Has(r.out, "written by cordon, skipped")) << r.out;
  EXPECT_FALSE(Has(r.out, "failed")) << r.out;
}

}  // namespace
}  // namespace cordon
