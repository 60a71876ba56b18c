// The enforcement commands end to end: takedown, import, reinstate, ledger (verify, tamper),
// referral, regen, policy.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cordon/model/event_json.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "cordon/util/time.h"
#include "test_util.h"

namespace cordon {
namespace {

struct Result {
  std::string out;
  int code = -1;
};

Result Cordon(const std::string& args) {
  Result r;
  const std::string cmd = "CORDON_USER=tester " + std::string(CORDON_BINARY) + " " + args + " 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Ingests an entity event for each key, so the ledger commands know them.
void SeedEntities(const testing::TempDir& dir, const std::string& db,
                  const std::vector<std::string>& keys) {
  std::string events;
  for (const std::string& key : keys) {
    EntityEvent e;
    e.key = key;
    e.kind = EntityKind::kChannel;
    e.time = *ParseRfc3339Ms("2019-11-01T00:00:00Z");
    e.name = "chat " + key;
    AppendEventJson(e, events);
  }
  testing::WriteFile(dir.File("seed.ndjson"), events);
  Result r = Cordon("ingest --quiet --db " + db + " " + dir.File("seed.ndjson"));
  ASSERT_EQ(r.code, 0) << r.out;
}

TEST(EnforceCli, TakedownLedgerVerifyAndTamper) {
  testing::TempDir dir;
  const std::string db = dir.File("c.db");
  SeedEntities(
      dir, db,
      {"telegram:channel1", "telegram:channel2", "telegram:channel3", "telegram:channel4"});
  Result r = Cordon("takedown --db " + db +
                    " telegram:channel1 --reason terrorist_content "
                    "--time 2019-11-22T10:00:00Z --message telegram:channel1/7 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"decided_by\":\"tester\"")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"evidence\":{\"messages\":[\"telegram:channel1/7\"]}")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"preserve_until\":\"2020-05-22T10:00:00Z\"")) << r.out;
  r = Cordon("takedown --db " + db +
             " telegram:channel1 --reason again --time 2019-11-23T00:00:00Z");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.out, "already down")) << r.out;
  testing::WriteFile(dir.File("t.csv"),
                     "entity,time,reason,source\n"
                     "telegram:channel2,2019-11-22T11:00:00Z,tos,user_report\n"
                     "telegram:channel3,not-a-time,tos\n"
                     "telegram:channel4,1574424000000,tos\n");
  r = Cordon("takedown --db " + db + " --import " + dir.File("t.csv") + " --json");
  EXPECT_EQ(r.code, 2) << r.out;  // one row refused
  EXPECT_TRUE(Contains(r.out, "\"recorded\":2")) << r.out;
  EXPECT_TRUE(Contains(r.out, "t.csv:3")) << r.out;
  r = Cordon("takedown --db " + db + " --import " + dir.File("t.csv") + " --json");
  EXPECT_TRUE(Contains(r.out, "\"recorded\":0,\"already_recorded\":2")) << r.out;
  r = Cordon("ledger appeal --db " + db + " telegram:channel2 --reason 'a bakery' --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"appeal\":1")) << r.out;
  r = Cordon("reinstate --db " + db +
             " telegram:channel2 --reason appeal_upheld --appeal 1 "
             "--time 2019-11-24T00:00:00Z");
  ASSERT_EQ(r.code, 0) << r.out;
  r = Cordon("ledger --db " + db + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"action\":\"reinstate\"")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"ref\":\"appeal:1\"")) << r.out;
  r = Cordon("ledger verify --db " + db + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"ok\":true,\"entries\":5")) << r.out;
  // Tamper with raw SQL: the verify names the entry.
  {
    auto s = Store::Open(db);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(
        Exec(StoreHandle(*(*s)), "UPDATE ledger SET entity = 'telegram:channel99' WHERE seq = 2")
            .ok());
  }
  r = Cordon("ledger verify --db " + db + " --json");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"ok\":false")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"first_bad_seq\":2")) << r.out;
  r = Cordon("ledger verify --db " + db);
  EXPECT_TRUE(Contains(r.out, "BROKEN at entry 2")) << r.out;
}

TEST(EnforceCli, ReferralsAndReport) {
  testing::TempDir dir;
  const std::string db = dir.File("r.db");
  SeedEntities(dir, db, {"telegram:channel5", "telegram:channel6"});
  Result r = Cordon("referral add --db " + db +
                    " --id RO-1 --kind removal_order --entity "
                    "telegram:channel5 --unit eu-iru --reason terrorist_content "
                    "--received 2019-11-22T10:00:00Z --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"deadline\":\"2019-11-22T11:00:00Z\"")) << r.out;
  r = Cordon("referral add --db " + db +
             " --id RO-2 --kind removal_order --entity "
             "telegram:channel6 --unit eu-iru --received 2019-11-22T10:00:00Z");
  ASSERT_EQ(r.code, 0) << r.out;
  r = Cordon("referral act --db " + db + " RO-1 --time 2019-11-22T10:25:00Z --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"seconds_to_action\":1500")) << r.out;
  r = Cordon("referral list --db " + db + " --overdue --now 2019-11-22T12:00:00Z --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"id\":\"RO-2\"")) << r.out;
  EXPECT_FALSE(Contains(r.out, "\"id\":\"RO-1\"")) << r.out;
  r = Cordon("referral report --db " + db + " --now 2019-11-22T12:00:00Z --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"overdue_open\":1")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"median\":1500")) << r.out;
  r = Cordon("ledger --db " + db + " --entity telegram:channel5 --json");
  EXPECT_TRUE(Contains(r.out, "\"ref\":\"referral:RO-1\"")) << r.out;
}

// A key must be <platform>:<id> and, without --force, known to the store; refusals name the
// key and say why, and record nothing.
TEST(EnforceCli, KeysThatNameNothingAreRefused) {
  testing::TempDir dir;
  const std::string db = dir.File("k.db");
  SeedEntities(dir, db, {"telegram:channel1", "telegram:channel2"});
  Result r = Cordon("takedown --db " + db + " --reason x foo");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "entity key 'foo' names no entity")) << r.out;
  EXPECT_TRUE(Contains(r.out, "<platform>:<id>")) << r.out;
  r = Cordon("takedown --db " + db + " --reason x telegram:");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "'telegram:' has no id")) << r.out;
  r = Cordon("takedown --db " + db + " --reason x 'telegram:channel 1'");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "whitespace")) << r.out;
  r = Cordon("takedown --db " + db + " --reason x telegram:channel77");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "entity 'telegram:channel77' is not in")) << r.out;
  EXPECT_TRUE(Contains(r.out, "--force")) << r.out;
  r = Cordon("reinstate --db " + db + " --reason x foo");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "'foo'")) << r.out;
  r = Cordon("referral add --db " + db + " --id R1 --entity foo --unit iru");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "'foo'")) << r.out;
  r = Cordon("referral add --db " + db +
             " --id R1 --entity matrix:!nowhere:example.org --unit iru");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "'matrix:!nowhere:example.org' is not in")) << r.out;
  r = Cordon("ledger verify --db " + db + " --json");
  EXPECT_TRUE(Contains(r.out, "\"entries\":0")) << r.out;  // nothing recorded so far

  testing::WriteFile(dir.File("t.csv"),
                     "entity,time,reason\n"
                     "foo,2019-11-22T11:00:00Z,tos\n"
                     "telegram:channel88,2019-11-22T11:00:00Z,tos\n"
                     "telegram:channel1,2019-11-22T11:00:00Z,tos\n");
  r = Cordon("takedown --db " + db + " --import " + dir.File("t.csv") + " --json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"recorded\":1")) << r.out;
  EXPECT_TRUE(Contains(r.out, "t.csv:2\",\"message\":\"entity key 'foo' names no entity")) << r.out;
  EXPECT_TRUE(Contains(r.out, "t.csv:3\",\"message\":\"entity 'telegram:channel88' is not in"))
      << r.out;

  // --force records an entity nothing ingested mentions, but never a malformed key.
  r = Cordon("takedown --db " + db + " --reason x --force telegram:channel77");
  EXPECT_EQ(r.code, 0) << r.out;
  r = Cordon("takedown --db " + db + " --reason x --force foo");
  EXPECT_EQ(r.code, 1) << r.out;
  r = Cordon("referral add --db " + db +
             " --id R2 --entity telegram:channel404 --unit iru --force");
  EXPECT_EQ(r.code, 0) << r.out;
  r = Cordon("reinstate --db " + db + " --reason x telegram:channel1");
  EXPECT_EQ(r.code, 0) << r.out;
  r = Cordon("ledger verify --db " + db + " --json");
  EXPECT_TRUE(Contains(r.out, "\"entries\":4")) << r.out;
}

TEST(EnforceCli, IngestRegenAndPolicy) {
  testing::TempDir dir;
  const std::string db = dir.File("g.db");
  std::string events;
  auto ent = [&](const std::string& key, EntityKind kind, const char* t, const std::string& name,
                 const std::string& creator) {
    EntityEvent e;
    e.key = key;
    e.kind = kind;
    e.time = *ParseRfc3339Ms(t);
    e.name = name;
    e.created = e.time;
    if (!creator.empty()) e.creator = creator;
    AppendEventJson(e, events);
  };
  ent("telegram:user1", EntityKind::kUser, "2019-11-01T00:00:00Z", "Brak Tolum", "");
  ent("telegram:channel10", EntityKind::kChannel, "2019-11-01T00:00:01Z", "Nova Digest",
      "telegram:user1");
  AppendEventJson(TakedownEvent{"telegram:channel10", *ParseRfc3339Ms("2019-11-02T00:00:00Z"),
                                "tos", "platform"},
                  events);
  ent("telegram:channel11", EntityKind::kChannel, "2019-11-02T05:00:00Z", "Nova Digest 2",
      "telegram:user1");
  testing::WriteFile(dir.File("e.ndjson"), events);
  Result r = Cordon("ingest --quiet --db " + db + " " + dir.File("e.ndjson"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = Cordon("regen --db " + db + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out,
                       "{\"detections\":[{\"entity\":\"telegram:channel11\","
                       "\"parent\":\"telegram:channel10\",\"score\":"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "\"detected_at\":\"2019-11-02T05:00:00Z\"")) << r.out;
  const Result stored = Cordon("regen --db " + db + " --json --stored");
  EXPECT_EQ(stored.out, r.out);
  // The stream's takedown is in the ledger.
  r = Cordon("ledger --db " + db + " --json");
  EXPECT_TRUE(Contains(r.out,
                       "\"entity\":\"telegram:channel10\",\"reason\":\"tos\","
                       "\"source\":\"platform\",\"decided_by\":\"platform\""))
      << r.out;
  const std::string rules = (testing::SourceDir() / "testdata/policy/example.yaml").string();
  r = Cordon("policy check " + rules);
  EXPECT_EQ(r.code, 0) << r.out;
  r = Cordon("policy check " + (testing::SourceDir() / "testdata/policy/bad.yaml").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.out, "bad.yaml:5: invalid argument")) << r.out;
  r = Cordon("policy apply --db " + db + " --rules " + rules + " --dry-run");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "dry run, nothing written")) << r.out;
  r = Cordon("policy apply --db " + db + " --rules " + rules + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"entity\":\"telegram:channel11\"")) << r.out;
  r = Cordon("ledger verify --db " + db);
  EXPECT_EQ(r.code, 0) << r.out;
}

}  // namespace
}  // namespace cordon
