// Typed store queries in their own files (store/*_queries.h).
#include <gtest/gtest.h>

#include "cordon/store/match_queries.h"
#include "cordon/store/media_queries.h"
#include "cordon/store/reject_queries.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/takedown_queries.h"
#include "cordon/store/write_transaction.h"
#include "test_util.h"

namespace cordon {
namespace {

class QueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("q.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }
  void Sql(const std::string& sql) { ASSERT_TRUE(Exec(StoreHandle(*store_), sql).ok()) << sql; }
  cordon::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(QueriesTest, Matches) {
  EXPECT_EQ(*CountMatchedMessages(*store_), 0);
  Sql("INSERT INTO matches VALUES ('m1', -1, 'b', 'text', 's1', 0, 'q', NULL, 'c1', 10),"
      "('m1', 0, 'b', 'pdq', 's2', 5, NULL, 'lab', 'c1', 10),"
      "('m2', 0, 'o', 'pdq', 's2', 7, NULL, 'lab', 'c2', 5)");
  EXPECT_EQ(*CountMatchedMessages(*store_), 2);
  std::vector<StoredMatch> all;
  ASSERT_TRUE(ForEachMatch(*store_, "", [&](const StoredMatch& m) { all.push_back(m); }).ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].message, "m2");  // by time first
  EXPECT_FALSE(all[1].has_label);
  EXPECT_EQ(all[2].label, "lab");
  std::vector<ChatMatches> chats;
  ASSERT_TRUE(
      ForEachChatMatches(*store_, "b", [&](const ChatMatches& c) { chats.push_back(c); }).ok());
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(chats[0].chat, "c1");
  EXPECT_EQ(chats[0].matches, 2);
  EXPECT_EQ(chats[0].max_distance, 5);
}

TEST_F(QueriesTest, RejectsAndTakedowns) {
  Sql("INSERT INTO rejects(file, line, offset, reason) VALUES ('f', 2, 0, 'bad'), ('f', 1, 0, "
      "'worse')");
  std::vector<StoredReject> rejects;
  ASSERT_TRUE(ForEachReject(*store_, [&](const StoredReject& r) { rejects.push_back(r); }).ok());
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].where.line, 1);
  EXPECT_EQ(rejects[0].reason, "worse");
  EXPECT_FALSE(*HasTakedownAt(*store_, "telegram:a", 5));
}

TEST_F(QueriesTest, WriteTransactionRollsBackUnlessCommitted) {
  {
    WriteTransaction tx(*store_);
    ASSERT_TRUE(tx.Begin().ok());
    Sql("INSERT INTO rejects(file, line, offset, reason) VALUES ('f', 1, 0, 'x')");
  }
  int n = 0;
  ASSERT_TRUE(ForEachReject(*store_, [&](const StoredReject&) { ++n; }).ok());
  EXPECT_EQ(n, 0);
  WriteTransaction tx(*store_);
  ASSERT_TRUE(tx.Begin().ok());
  Sql("INSERT INTO rejects(file, line, offset, reason) VALUES ('f', 1, 0, 'x')");
  ASSERT_TRUE(tx.Commit().ok());
  ASSERT_TRUE(ForEachReject(*store_, [&](const StoredReject&) { ++n; }).ok());
  EXPECT_EQ(n, 1);
  auto media = MediaHashesOfChat(*store_, "telegram:none");
  ASSERT_TRUE(media.ok());
  EXPECT_TRUE(media->empty());
}

}  // namespace
}  // namespace cordon
