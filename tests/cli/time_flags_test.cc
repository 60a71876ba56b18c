// Every flag that takes a time (util/time.h ParseTimeArg) takes a date and, refused, names the
// forms it takes; asserted on the real binary.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace cordon {
namespace {
using testing::CliResult;
using testing::RunCordon;
using testing::ShellQuote;

const std::string kForms = "RFC 3339, YYYY-MM-DD or milliseconds";

TEST(TimeFlags, RefusedValuesNameTheFormsTaken) {
  testing::TempDir dir;
  const std::string db = ShellQuote(dir.File("t.db"));
  const std::string world = (testing::SourceDir() / "testdata/network/world.ndjson").string();
  CliResult r = RunCordon("ingest -q --db " + db + " " + ShellQuote(world));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string key = "telegram:channel100";
  const struct {
    std::string args, err;
  } cases[] = {
      {"takedown --db " + db + " " + key + " --reason r --time soon",
       "cordon: --time: not " + kForms + ": soon\n"},
      {"reinstate --db " + db + " " + key + " --reason r --time later",
       "cordon: --time: not " + kForms + ": later\n"},
      {"ledger hold --db " + db + " " + key + " --reason r --until maybe",
       "cordon: --until: not " + kForms + ": maybe\n"},
      {"ledger purge --db " + db + " --now whenever",
       "cordon: invalid argument: --now: not " + kForms + ": whenever\n"},
      {"regen -q --db " + db + " --until nope", "cordon: --until: not " + kForms + ": nope\n"},
      {"referral add --db " + db + " --id r1 --entity " + key + " --unit u --received tomorrow",
       "cordon: --received: not " + kForms + ": tomorrow\n"},
      {"referral list --db " + db + " --now never", "cordon: --now: not " + kForms + ": never\n"},
      {"network -q --db " + db + " --at bogus",
       "cordon: invalid argument: --at: expected " + kForms + ", got 'bogus'\n"},
      {"plan -q --db " + db + " --budget 1 --at bogus",
       "cordon: invalid argument: --at: expected " + kForms + ", got 'bogus'\n"},
      {"plan -q --db " + db + " --evaluate-day 2019-11-3x",
       "cordon: invalid argument: --evaluate-day: expected YYYY-MM-DD, got '2019-11-3x'\n"},
  };
  for (const auto& c : cases) {
    r = RunCordon(c.args);
    EXPECT_EQ(r.code, 1) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
  // A date is a time: its midnight, UTC.
  for (const std::string& args : {"ledger purge --dry-run --db " + db + " --now 2019-11-22",
                                  "regen -q --db " + db + " --until 2019-11-22",
                                  "network -q --db " + db + " --at 2019-11-22"}) {
    r = RunCordon(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
  }
}

}  // namespace
}  // namespace cordon
