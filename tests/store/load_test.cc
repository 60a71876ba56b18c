// A load without the message key index (Store::BeginLoad): the same rows as through the
// index, and the index back whatever ends the load.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "cordon/ingest/ingest.h"
#include "cordon/model/event_json.h"
#include "cordon/store/schema.h"
#include "cordon/store/sql.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

MessageEvent Msg(int chat, int id, std::string text = "hello") {
  MessageEvent m;
  m.chat = "telegram:channel" + std::to_string(chat);
  m.key = m.chat + "/" + std::to_string(id);
  m.time = 1000 + id;
  m.from = "telegram:user" + std::to_string(id % 3);
  m.text = std::move(text);
  return m;
}

bool HasKeyIndex(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = "
              "'messages_by_key'");
  return q.Step() && q.Int(0) == 1;
}

int64_t Messages(Store& store) {
  Statement q(StoreHandle(store), "SELECT count(*) FROM messages");
  return q.Step() ? q.Int(0) : -1;
}

// Applies `m` in a transaction of its own; whether it added a row.
bool ApplyAlone(Store& store, const MessageEvent& m) {
  EXPECT_TRUE(store.Begin().ok());
  EXPECT_TRUE(store.Apply(m).ok());
  const bool added = store.last_apply_added();
  EXPECT_TRUE(store.Commit().ok());
  return added;
}

// A store with a load begun and a transaction open.
std::unique_ptr<Store> OpenLoading(const testing::TempDir& tmp, const StoreOptions& options = {}) {
  auto store = Store::Open(tmp.File("s.db"), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  EXPECT_TRUE((*store)->BeginLoad().ok());
  EXPECT_TRUE((*store)->Begin().ok());
  return std::move(*store);
}

// Three files: the second repeats messages of the first (more views, a later edit with new
// text and links) and one of its own twice; the third is the first again.
std::vector<std::string> WriteFiles(testing::TempDir& tmp) {
  std::string first, second;
  for (int i = 0; i < 300; ++i) {
    MessageEvent m = Msg(i % 7, i, "message " + std::to_string(i));
    m.views = i;
    if (i % 5 == 0) m.links = {"https://t.me/chan" + std::to_string(i % 4)};
    if (i % 3 == 0) m.media.push_back(Media{"photo", std::string(64, 'a' + i % 6), "", "", ""});
    AppendEventJson(m, first);
    if (i % 4 == 0) {
      m.views = 1000 + i;
      m.edited = 50000 + i;
      m.text = "edited " + std::to_string(i);
      m.links = {"https://t.me/other" + std::to_string(i % 3)};
      m.reactions = i;
      AppendEventJson(m, second);
    }
  }
  for (int rep = 0; rep < 2; ++rep) AppendEventJson(Msg(9, 1), second);
  std::vector<std::string> files = {tmp.File("a.ndjson"), tmp.File("b.ndjson"),
                                    tmp.File("c.ndjson")};
  testing::WriteFile(files[0], first);
  testing::WriteFile(files[1], second);
  testing::WriteFile(files[2], first + "\n");  // other bytes, so not skipped as done
  return files;
}

// The rows a load gives are those the key index gives: one ingest of all three files into a
// new store (a load throughout) against one file at a time (the later ones through the index).
TEST(StoreLoad, GivesTheRowsOfTheIndexedPath) {
  testing::TempDir tmp;
  const std::vector<std::string> files = WriteFiles(tmp);
  IngestOptions opt;
  opt.batch_events = 50;  // several transactions: the load lasts across commits
  bool loaded_across_commits = true;
  auto loaded = Store::Open(tmp.File("loaded.db"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  opt.after_commit = [&](int64_t) {
    loaded_across_commits = loaded_across_commits && (*loaded)->loading_without_key_index();
    return Status::Ok();
  };
  auto report = Ingest(**loaded, files, opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(loaded_across_commits);
  EXPECT_FALSE((*loaded)->loading_without_key_index());
  EXPECT_TRUE(HasKeyIndex(**loaded));

  opt.after_commit = nullptr;
  auto indexed = Store::Open(tmp.File("indexed.db"));
  ASSERT_TRUE(indexed.ok());
  for (const std::string& f : files) ASSERT_TRUE(Ingest(**indexed, {f}, opt).ok());
  auto a = (*loaded)->Dump();
  auto b = (*indexed)->Dump();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(Messages(**loaded), 301);
  EXPECT_NE(a->find("edited 8"), std::string::npos);
}

// A process that dies during a load leaves the index out; the next writer builds it.
TEST(StoreLoad, ADeadLoadLeavesTheIndexToTheNextWriter) {
  testing::TempDir tmp;
  const std::string db = tmp.File("s.db");
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->BeginLoad().ok());
    ASSERT_TRUE((*store)->loading_without_key_index());
    EXPECT_FALSE(HasKeyIndex(**store));
    EXPECT_TRUE(ApplyAlone(**store, Msg(1, 1)));
    EXPECT_TRUE(ApplyAlone(**store, Msg(1, 2)));
    EXPECT_FALSE(ApplyAlone(**store, Msg(1, 1)));
    // Gone without FinishLoad, as a killed process.
  }
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_FALSE(HasKeyIndex(**store));  // opening writes nothing
  EXPECT_FALSE(ApplyAlone(**store, Msg(1, 2)));
  EXPECT_TRUE(HasKeyIndex(**store));
  EXPECT_TRUE(ApplyAlone(**store, Msg(1, 3)));
  EXPECT_EQ(Messages(**store), 3);
}

// Another connection's commit during the load ends it at the load's next Begin: the keys the
// other one added are then known through the index.
TEST(StoreLoad, AnotherWritersCommitEndsTheLoad) {
  testing::TempDir tmp;
  const std::string db = tmp.File("s.db");
  auto loader = Store::Open(db);
  ASSERT_TRUE(loader.ok());
  ASSERT_TRUE((*loader)->BeginLoad().ok());
  EXPECT_TRUE(ApplyAlone(**loader, Msg(1, 1)));
  {
    auto other = Store::Open(db);
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    EXPECT_FALSE(ApplyAlone(**other, Msg(1, 1)));  // its Begin built the index
    EXPECT_TRUE(HasKeyIndex(**other));
    EXPECT_TRUE(ApplyAlone(**other, Msg(1, 2)));
  }
  ASSERT_TRUE((*loader)->loading_without_key_index());
  ASSERT_TRUE((*loader)->Begin().ok());
  EXPECT_FALSE((*loader)->loading_without_key_index());
  ASSERT_TRUE((*loader)->Apply(Msg(1, 2)).ok());
  EXPECT_FALSE((*loader)->last_apply_added());
  ASSERT_TRUE((*loader)->Apply(Msg(1, 3)).ok());
  EXPECT_TRUE((*loader)->last_apply_added());
  ASSERT_TRUE((*loader)->Commit().ok());
  ASSERT_TRUE((*loader)->FinishLoad().ok());
  EXPECT_EQ(Messages(**loader), 3);
}

// A rolled-back transaction's keys are not remembered as seen.
TEST(StoreLoad, ARollbackForgetsItsKeys) {
  testing::TempDir tmp;
  std::unique_ptr<Store> store = OpenLoading(tmp);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Apply(Msg(1, 1)).ok());
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_TRUE(ApplyAlone(*store, Msg(1, 1)));
  EXPECT_TRUE(HasKeyIndex(*store));
  ASSERT_TRUE(store->FinishLoad().ok());
  EXPECT_EQ(Messages(*store), 1);
}

// A repeat (found in the load's table, not inserted) lends nothing to the next message: a
// forward it carried is not the next one's.
TEST(StoreLoad, ARepeatLendsTheNextMessageNothing) {
  testing::TempDir tmp;
  std::unique_ptr<Store> store = OpenLoading(tmp);
  ASSERT_NE(store, nullptr);
  MessageEvent forwarded = Msg(4, 1);
  forwarded.forward = ForwardOrigin{"telegram:channel9", "telegram:channel9/7", "", 5};
  ASSERT_TRUE(store->Apply(forwarded).ok());
  ASSERT_TRUE(store->Apply(forwarded).ok());
  EXPECT_FALSE(store->last_apply_added());
  ASSERT_TRUE(store->Apply(Msg(4, 2)).ok());
  EXPECT_TRUE(store->last_apply_added());
  ASSERT_TRUE(store->Commit().ok());
  ASSERT_TRUE(store->FinishLoad().ok());
  Statement q(StoreHandle(*store), "SELECT key, fwd_chat FROM messages ORDER BY id");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(1), "telegram:channel9");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(0), "telegram:channel4/2");
  EXPECT_TRUE(q.IsNull(1));
}

// With few hash bits, different keys share a hash: each still gets its row, a repeat none.
TEST(StoreLoad, KeysSharingAHashKeepTheirRows) {
  testing::TempDir tmp;
  StoreOptions options;
  options.load_key_hash_bits = 2;
  std::unique_ptr<Store> store = OpenLoading(tmp, options);
  ASSERT_NE(store, nullptr);
  int added = 0;
  for (int rep = 0; rep < 2; ++rep) {
    for (int i = 0; i < 12; ++i) {
      ASSERT_TRUE(store->Apply(Msg(2, i)).ok());
      added += store->last_apply_added();
    }
  }
  EXPECT_FALSE(store->loading_without_key_index());  // ended at the first shared hash
  ASSERT_TRUE(store->Commit().ok());
  ASSERT_TRUE(store->FinishLoad().ok());
  EXPECT_EQ(added, 12);
  EXPECT_EQ(Messages(*store), 12);
  EXPECT_TRUE(HasKeyIndex(*store));
}

// Past load_max_keys the index takes over, in the same transaction.
TEST(StoreLoad, PastItsKeyCapTheIndexTakesOver) {
  testing::TempDir tmp;
  StoreOptions options;
  options.load_max_keys = 3;
  std::unique_ptr<Store> store = OpenLoading(tmp, options);
  ASSERT_NE(store, nullptr);
  int added = 0;
  for (int i : {1, 2, 3, 1, 4, 2, 5, 4}) {
    ASSERT_TRUE(store->Apply(Msg(3, i)).ok());
    added += store->last_apply_added();
    EXPECT_EQ(store->loading_without_key_index(), i <= 3 && added <= 3) << i;
  }
  ASSERT_TRUE(store->Commit().ok());
  ASSERT_TRUE(store->FinishLoad().ok());
  EXPECT_EQ(added, 5);
  EXPECT_EQ(Messages(*store), 5);
}

// A store that holds messages keeps its index.
TEST(StoreLoad, NoLoadIntoAStoreWithMessages) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(ApplyAlone(**store, Msg(1, 1)));
  ASSERT_TRUE((*store)->BeginLoad().ok());
  EXPECT_FALSE((*store)->loading_without_key_index());
  EXPECT_TRUE(HasKeyIndex(**store));
  EXPECT_FALSE(ApplyAlone(**store, Msg(1, 1)));
}

// A store of schema 11 (the key's uniqueness a column constraint) opens at the current
// version: the same rows and ids, the key index named so a load can drop it.
TEST(StoreLoad, MigratesAVersion11Database) {
  testing::TempDir tmp;
  const std::string db = tmp.File("old.db");
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    for (size_t v = 0; v < 11; ++v) {
      ASSERT_EQ(sqlite3_exec(raw, std::string(kMigrations[v]).c_str(), nullptr, nullptr, nullptr),
                SQLITE_OK)
          << v;
    }
    ASSERT_EQ(sqlite3_exec(raw,
                           "PRAGMA user_version=11; INSERT INTO messages(id, key, chat, time, "
                           "text, views) VALUES(7, 'telegram:channel1/5', 'telegram:channel1', "
                           "1000, 'old', 3)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(HasKeyIndex(**store));
  Statement q(StoreHandle(**store), "SELECT id, key, text, views FROM messages");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 7);
  EXPECT_EQ(q.Text(1), "telegram:channel1/5");
  EXPECT_EQ(q.Text(2), "old");
  EXPECT_EQ(q.Int(3), 3);
  EXPECT_FALSE(q.Step());
  MessageEvent again = Msg(1, 5, "old");
  again.key = "telegram:channel1/5";
  EXPECT_FALSE(ApplyAlone(**store, again));
}

}  // namespace
}  // namespace cordon
