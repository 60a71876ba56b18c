// The matches table and the message content the matcher reads back.
#include "cordon/store/match_table.h"

#include <gtest/gtest.h>

#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(MatchTableTest, WriterUpserts) {
  testing::TempDir dir;
  auto opened = Store::Open(dir.File("matches.db"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  MatchWriter writer(store);
  ASSERT_TRUE(writer.status().ok()) << writer.status().ToString();
  EXPECT_EQ(&writer.store(), &store);
  MatchRow m;
  m.message = "telegram:channel1/1";
  m.media_idx = 0;
  m.bank = "known";
  m.signal_type = "pdq";
  m.signal = std::string(64, 'a');
  m.distance = 12;
  m.query = std::string(64, 'b');
  m.label = "poster";
  m.chat = "telegram:channel1";
  m.time = 1000;
  ASSERT_TRUE(writer.Put(m).ok());
  m.distance = 3;
  m.label = "";
  ASSERT_TRUE(writer.Put(m).ok());  // the same key: updated
  m.media_idx = -1;
  ASSERT_TRUE(writer.Put(m).ok());  // another key

  Statement q(StoreHandle(store),
              "SELECT media_idx, distance, label IS NULL, chat, time FROM matches ORDER BY "
              "media_idx");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), -1);
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 0);
  EXPECT_EQ(q.Int(1), 3);
  EXPECT_EQ(q.Int(2), 1);  // empty label stored as NULL
  EXPECT_EQ(q.Text(3), "telegram:channel1");
  EXPECT_EQ(q.Int(4), 1000);
  EXPECT_FALSE(q.Step());
  EXPECT_TRUE(q.status().ok());
}

TEST(MatchTableTest, MessagesComeBackWithMediaAtTheirIndexes) {
  testing::TempDir dir;
  auto opened = Store::Open(dir.File("matches.db"));
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  MessageEvent a;
  a.key = "telegram:channel1/1";
  a.chat = "telegram:channel1";
  a.time = 10;
  a.text = "first";
  a.media = {Media{"photo", std::string(64, '1'), "", std::string(64, '2'), ""},
             Media{"video", "", std::string(32, '3'), "", ""}};
  MessageEvent b;
  b.key = "telegram:channel2/1";
  b.chat = "telegram:channel2";
  b.time = 20;
  b.text = "second";
  ASSERT_TRUE(store.Apply(a).ok());
  ASSERT_TRUE(store.Apply(b).ok());
  // A gap in the indexes stays a gap.
  ASSERT_TRUE(Exec(StoreHandle(store), "UPDATE media SET idx = 2 WHERE idx = 1").ok());

  std::vector<MessageEvent> seen;
  ASSERT_TRUE(ForEachMessageContent(store, [&](const MessageEvent& m) {
                seen.push_back(m);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].key, a.key);
  EXPECT_EQ(seen[0].chat, a.chat);
  EXPECT_EQ(seen[0].time, 10);
  EXPECT_EQ(seen[0].text, "first");
  ASSERT_EQ(seen[0].media.size(), 3u);
  EXPECT_EQ(seen[0].media[0].kind, "photo");
  EXPECT_EQ(seen[0].media[0].sha256, std::string(64, '1'));
  EXPECT_EQ(seen[0].media[0].pdq, std::string(64, '2'));
  EXPECT_EQ(seen[0].media[1].kind, "");
  EXPECT_EQ(seen[0].media[2].md5, std::string(32, '3'));
  EXPECT_EQ(seen[1].key, b.key);
  EXPECT_TRUE(seen[1].media.empty());

  int calls = 0;
  Status stop = ForEachMessageContent(store, [&](const MessageEvent&) {
    ++calls;
    return Status::InvalidArgument("stop");
  });
  EXPECT_EQ(stop.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);

  ASSERT_TRUE(Exec(StoreHandle(store), "DROP TABLE media").ok());
  Status e = ForEachMessageContent(store, [](const MessageEvent&) { return Status::Ok(); });
  EXPECT_FALSE(e.ok());
  EXPECT_NE(e.where().file.find("matches.db"), std::string::npos) << e.ToString();
}

}  // namespace
}  // namespace cordon
