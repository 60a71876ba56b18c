// The events v1.1 message fields in the store (store/message_extras.h): kept, given back by a
// replay, and a later edit replacing the text when the same message is applied again.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cordon/store/replay.h"
#include "cordon/store/schema.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

// Runs SQL on a SQLite handle opened by the test (an old schema the store then migrates).
bool RawExec(sqlite3* db, const std::string& sql) {
  return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

MessageEvent Msg(std::string text) {
  MessageEvent m;
  m.chat = "telegram:channel1";
  m.key = "telegram:channel1/5";
  m.time = 1000;
  m.text = std::move(text);
  return m;
}

std::vector<MessageEvent> Replayed(Store& store) {
  std::vector<MessageEvent> out;
  EXPECT_TRUE(ReplayStore(store, [&](const Event& e) {
                if (auto* m = std::get_if<MessageEvent>(&e)) out.push_back(*m);
                return Status::Ok();
              }).ok());
  return out;
}

std::vector<std::string> Links(Store& store) {
  std::vector<std::string> out;
  Statement q(StoreHandle(store), "SELECT url FROM links ORDER BY message_id, idx");
  while (q.Step()) out.emplace_back(q.Text(0));
  return out;
}

TEST(MessageExtras, FieldsRoundTripThroughTheStore) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  MessageEvent m = Msg("poll text");
  m.edited = 2000;
  m.reactions = 7;
  m.poll_voters = 12;
  m.thread = "telegram:channel1/3";
  ASSERT_TRUE((*store)->Apply(m).ok());
  MessageEvent plain = Msg("plain");
  plain.key = "telegram:channel1/6";
  ASSERT_TRUE((*store)->Apply(plain).ok());
  auto got = Replayed(**store);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].edited, 2000);
  EXPECT_EQ(got[0].reactions, 7);
  EXPECT_EQ(got[0].poll_voters, 12);
  EXPECT_EQ(got[0].thread, "telegram:channel1/3");
  EXPECT_FALSE(got[1].edited);
  EXPECT_FALSE(got[1].reactions);
  EXPECT_EQ(got[1].thread, "");
}

TEST(MessageExtras, LaterEditReplacesTextAndLinksEarlierOneDoesNot) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  MessageEvent original = Msg("see https://example.org/a");
  original.links = {"https://example.org/a"};
  ASSERT_TRUE((*store)->Apply(original).ok());
  EXPECT_TRUE((*store)->last_apply_added());

  MessageEvent edited = Msg("now https://example.org/b");
  edited.links = {"https://example.org/b"};
  edited.edited = 5000;
  edited.reactions = 3;
  ASSERT_TRUE((*store)->Apply(edited).ok());
  EXPECT_TRUE((*store)->last_apply_added());
  auto got = Replayed(**store);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "now https://example.org/b");
  EXPECT_EQ(got[0].edited, 5000);
  EXPECT_EQ(got[0].reactions, 3);
  EXPECT_EQ(Links(**store), std::vector<std::string>{"https://example.org/b"});

  // An older export (an earlier edit, or none) changes nothing; counts only grow.
  MessageEvent older = Msg("first edit");
  older.edited = 4000;
  older.reactions = 1;
  ASSERT_TRUE((*store)->Apply(older).ok());
  EXPECT_FALSE((*store)->last_apply_added());
  ASSERT_TRUE((*store)->Apply(original).ok());
  EXPECT_FALSE((*store)->last_apply_added());
  // The same edit again adds nothing.
  ASSERT_TRUE((*store)->Apply(edited).ok());
  EXPECT_FALSE((*store)->last_apply_added());
  got = Replayed(**store);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "now https://example.org/b");
  EXPECT_EQ(got[0].edited, 5000);
  EXPECT_EQ(got[0].reactions, 3);
  EXPECT_EQ(Links(**store), std::vector<std::string>{"https://example.org/b"});
}

// A store of schema 6 opens at the current version: its messages replay as before, without the
// v1.1 fields, and take them from then on.
TEST(MessageExtras, MigratesAVersion6Database) {
  testing::TempDir tmp;
  const std::string db = tmp.File("old.db");
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    for (size_t v = 0; v < 6; ++v) ASSERT_TRUE(RawExec(raw, std::string(kMigrations[v])));
    ASSERT_TRUE(RawExec(raw, "PRAGMA user_version=6"));
    ASSERT_TRUE(RawExec(raw,
                        "INSERT INTO messages(key, chat, time, text) VALUES('telegram:channel1/5', "
                        "'telegram:channel1', 1000, 'old')"));
    sqlite3_close(raw);
  }
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Statement v(StoreHandle(**store), "PRAGMA user_version");
  ASSERT_TRUE(v.Step());
  EXPECT_EQ(v.Int(0), kSchemaVersion);
  auto got = Replayed(**store);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "old");
  EXPECT_FALSE(got[0].edited);
  MessageEvent edited = Msg("new");
  edited.edited = 2000;
  ASSERT_TRUE((*store)->Apply(edited).ok());
  got = Replayed(**store);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "new");
  EXPECT_EQ(got[0].edited, 2000);
}

}  // namespace
}  // namespace cordon
