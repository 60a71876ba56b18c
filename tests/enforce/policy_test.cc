#include "cordon/enforce/policy.h"

#include <gtest/gtest.h>

#include <map>

#include "cordon/enforce/stage.h"
#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon::enforce {
namespace {

constexpr TimeMs kT0 = 1574416800000;

std::vector<std::string> Problems(const std::string& yaml) {
  std::vector<Status> problems;
  auto p = ParsePolicy(yaml, "p.yaml", &problems);
  EXPECT_EQ(p.ok(), problems.empty());
  std::vector<std::string> out;
  for (const auto& s : problems) out.push_back(s.ToString());
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& part) {
  for (const auto& s : v) {
    if (s.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(Policy, LoadsTheExample) {
  std::vector<Status> problems;
  auto p = LoadPolicy((testing::SourceDir() / "testdata/policy/example.yaml").string(), &problems);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->rules.size(), 4u);
  EXPECT_EQ(p->rules[0].action, PolicyAction::kTakedown);
  EXPECT_DOUBLE_EQ(p->rules[0].min_score, 0.95);
  EXPECT_EQ(p->rules[0].line, 5);
  EXPECT_EQ(p->rules[3].banks, std::vector<std::string>{"known"});
  EXPECT_EQ(p->rules[3].max_distance, 31);
  EXPECT_EQ(p->rules[3].min_matches, 2);
  EXPECT_EQ(p->rules[3].kinds.size(), 2u);
  EXPECT_EQ(p->preserve_months, 6);
}

TEST(Policy, ReportsEveryProblemAtFileAndLine) {
  std::vector<Status> problems;
  auto p = LoadPolicy((testing::SourceDir() / "testdata/policy/bad.yaml").string(), &problems);
  EXPECT_FALSE(p.ok());
  std::vector<std::string> s;
  for (const auto& x : problems) s.push_back(x.ToString());
  auto at = [&](int line, const std::string& part) {
    for (const auto& x : problems) {
      if (x.where().line == line && x.message().find(part) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(at(5, "'min_score' must be in (0, 1]")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(8, "used twice")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(9, "'on' must be regeneration or match")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(11, "'action' must be takedown, review or watch")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(14, "applies to 'on: regeneration' rules only")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(15, "'min_matches' must be an integer")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(12, "needs a 'reason'")) << ::testing::PrintToString(s);
  EXPECT_TRUE(at(17, "unknown key 'colour'")) << ::testing::PrintToString(s);
  EXPECT_EQ(problems.size(), 8u) << ::testing::PrintToString(s);
  EXPECT_NE(problems[0].ToString().find("bad.yaml:5:"), std::string::npos);
}

TEST(Policy, SyntaxErrorsHaveALine) {
  std::vector<Status> problems;
  auto p = LoadPolicy((testing::SourceDir() / "testdata/policy/syntax.yaml").string(), &problems);
  EXPECT_FALSE(p.ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_GT(problems[0].where().line, 3);
}

TEST(Policy, StructuralProblems) {
  EXPECT_TRUE(Has(Problems("rules: []\n"), "policy without 'version: 1'"));
  EXPECT_TRUE(Has(Problems("version: 1\nrules: []\n"), "'rules' is empty"));
  EXPECT_TRUE(Has(Problems("version: 2\nrules:\n  - {name: a, on: match, action: watch}\n"),
                  "unsupported policy version 2"));
  EXPECT_TRUE(Has(Problems("- a\n- b\n"), "a policy is a map"));
  EXPECT_TRUE(Has(Problems("version: 1\nrules:\n  - just a string\n"), "a rule must be a map"));
  EXPECT_TRUE(
      Has(Problems("version: 1\nrules:\n  - {on: match, action: watch}\n"), "rule without 'name'"));
  EXPECT_TRUE(Has(Problems("version: 1\nrules:\n  - {name: a, on: regeneration, action: watch}\n"),
                  "needs 'min_score'"));
  EXPECT_TRUE(
      Has(Problems("version: 1\nrules:\n  - {name: a, on: match, action: watch, kinds: [moon]}\n"),
          "unknown kind 'moon'"));
  EXPECT_TRUE(Problems("version: 1\nrules:\n  - {name: a, on: match, action: watch}\n").empty());
  EXPECT_TRUE(Has(Problems(""), "a policy is a map"));
}

class PolicyApply : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("p.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ledger_ = std::make_unique<ledger::Ledger>(*store_, &clock_);
    auto add = [&](const std::string& entity, double score) {
      RegenDetection d;
      d.entity = entity;
      d.parent = "telegram:channel1";
      d.score = score;
      d.detected_at = kT0;
      d.evidence = {{.signal = "name", .value = 0.9, .detail = "'a' ~ 'a'"}};
      d.candidates = {{"telegram:channel1", score}};
      ASSERT_TRUE(SaveDetection(*store_, d).ok());
    };
    add("telegram:channel2", 0.99);
    add("telegram:channel3", 0.7);
    add("telegram:channel4", 0.4);
    add("telegram:channel5", 0.1);
    // Two messages of channel9 matched a bank.
    ASSERT_TRUE(Exec(StoreHandle(*store_),
                     "INSERT INTO matches(message, media_idx, bank, signal_type, signal, distance, "
                     "chat, time) VALUES "
                     "('telegram:channel9/1', 0, 'known', 'pdq', 'aa', 4, 'telegram:channel9', 1),"
                     "('telegram:channel9/2', 0, 'known', 'pdq', 'aa', 12, 'telegram:channel9', 2),"
                     "('telegram:channel8/1', 0, 'known', 'pdq', 'aa', 3, 'telegram:channel8', 3),"
                     "('telegram:channel7/1', 0, 'other', 'pdq', 'aa', 3, 'telegram:channel7', 3),"
                     "('telegram:channel7/2', 0, 'other', 'pdq', 'aa', 3, 'telegram:channel7', 4)")
                    .ok());
    auto p = LoadPolicy((testing::SourceDir() / "testdata/policy/example.yaml").string());
    ASSERT_TRUE(p.ok());
    policy_ = *p;
  }
  int64_t Count(const std::string& sql) {
    Statement q(StoreHandle(*store_), sql);
    return q.Step() ? q.Int(0) : -1;
  }

  testing::TempDir dir_;
  ledger::FixedClock clock_{kT0 + 1000};
  std::unique_ptr<Store> store_;
  std::unique_ptr<ledger::Ledger> ledger_;
  Policy policy_;
};

TEST_F(PolicyApply, DryRunPlansAndWritesNothing) {
  ApplyOptions opt;
  opt.dry_run = true;
  auto plan = ApplyPolicy(*store_, *ledger_, policy_, opt);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::map<std::string, std::string> got;
  for (const auto& a : *plan)
    got[a.entity] = std::string(PolicyActionName(a.action)) + "/" + a.rule;
  EXPECT_EQ(got,
            (std::map<std::string, std::string>{{"telegram:channel2", "takedown/regen-certain"},
                                                {"telegram:channel3", "review/regen-likely"},
                                                {"telegram:channel4", "watch/regen-possible"},
                                                {"telegram:channel9", "takedown/known-content"}}));
  EXPECT_EQ(Count("SELECT count(*) FROM ledger"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM takedowns"), 0);
  // Every rule that fired is evidence.
  for (const auto& a : *plan) {
    if (a.entity == "telegram:channel2") {
      EXPECT_EQ(a.rules.size(), 3u);
      EXPECT_NE(a.evidence.find("\"parent\":\"telegram:channel1\""), std::string::npos);
    }
    if (a.entity == "telegram:channel9") {
      EXPECT_NE(a.evidence.find("telegram:channel9/2"), std::string::npos);
      // The matched messages are evidence in its one form (model/evidence.h).
      EXPECT_NE(
          a.evidence.find("\"signals\":[{\"signal\":\"match\",\"refs\":[\"telegram:channel9/"),
          std::string::npos)
          << a.evidence;
    }
  }
}

TEST_F(PolicyApply, AppliesThroughTheLedgerOnce) {
  ApplyOptions opt;
  opt.by = "ops";
  auto plan = ApplyPolicy(*store_, *ledger_, policy_, opt);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Count("SELECT count(*) FROM takedowns WHERE action='takedown' AND source='policy'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger WHERE action='takedown' AND source='policy' "
                  "AND decided_by='policy:regen-certain' AND entity='telegram:channel2'"),
            1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM ledger WHERE action='review' AND entity='telegram:channel3'"), 1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM ledger WHERE action='watch' AND entity='telegram:channel4'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger WHERE evidence LIKE '%\"applied_by\":\"ops\"%'"), 4);
  // Again: everything is skipped.
  auto again = ApplyPolicy(*store_, *ledger_, policy_, opt);
  ASSERT_TRUE(again.ok());
  for (const auto& a : *again) EXPECT_TRUE(a.skip) << a.entity;
  EXPECT_EQ(Count("SELECT count(*) FROM ledger"), 4);
  EXPECT_TRUE(ledger_->Verify()->ok);
}

}  // namespace
}  // namespace cordon::enforce
