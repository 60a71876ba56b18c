// The store: idempotence by key, per-field "later value wins", and resume after a crash.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>

#include <thread>

#include "cordon/ingest/ingest.h"
#include "cordon/model/event_json.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

// A stream with entities, forwards, media, links, members and takedowns.
std::string MakeStream(int messages) {
  std::string out;
  for (int c = 0; c < 20; ++c) {
    EntityEvent e;
    e.key = "telegram:channel" + std::to_string(c);
    e.kind = EntityKind::kChannel;
    e.time = 1000 * c;
    e.name = "chan " + std::to_string(c);
    AppendEventJson(e, out);
  }
  for (int i = 0; i < messages; ++i) {
    MessageEvent m;
    m.chat = "telegram:channel" + std::to_string(i % 20);
    m.key = m.chat + "/" + std::to_string(i);
    m.time = 100000 + i;
    m.from = "telegram:user" + std::to_string(i % 50);
    m.text = "message " + std::to_string(i) + " see t.me/chan" + std::to_string(i % 7);
    m.links = {"t.me/chan" + std::to_string(i % 7)};
    if (i % 3 == 0) m.media.push_back(Media{"photo", std::string(64, 'a'), "", "", ""});
    if (i % 4 == 0) m.forward = ForwardOrigin{"telegram:channel1", "telegram:channel1/1", "", 5};
    m.views = i;
    AppendEventJson(m, out);
    if (i % 100 == 0) {
      AppendEventJson(MemberEvent{m.chat, m.from, m.time, MemberAction::kJoin, ""}, out);
    }
    if (i % 1000 == 999) {
      AppendEventJson(TakedownEvent{m.from, m.time, "tos", "platform"}, out);
    }
  }
  return out;
}

std::string DumpAfterIngest(const std::string& db, const std::vector<std::string>& inputs,
                            IngestOptions opt = {}) {
  auto store = Store::Open(db);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto report = Ingest(**store, inputs, opt);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  auto dump = (*store)->Dump();
  EXPECT_TRUE(dump.ok());
  return *dump;
}

// Dumps are large: on a difference, show the first line that differs rather than a full diff.
::testing::AssertionResult SameDump(const std::string& a, const std::string& b) {
  if (a == b) return ::testing::AssertionSuccess();
  size_t line = 1, start = 0, i = 0;
  for (; i < a.size() && i < b.size() && a[i] == b[i]; ++i) {
    if (a[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  auto line_of = [&](const std::string& s) {
    size_t end = s.find('\n', start);
    return s.substr(start, end == std::string::npos ? std::string::npos : end - start);
  };
  return ::testing::AssertionFailure()
         << "dumps of " << a.size() << " and " << b.size() << " bytes differ at line " << line
         << ":\n  " << line_of(a) << "\n  " << line_of(b);
}

TEST(Store, IngestIsIdempotent) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "s.ndjson", MakeStream(3000));
  std::string once = DumpAfterIngest(tmp.File("a.db"), {tmp.File("s.ndjson")});
  IngestOptions rescan;
  rescan.skip_done_files = false;
  std::string twice = DumpAfterIngest(tmp.File("a.db"), {tmp.File("s.ndjson")}, rescan);
  EXPECT_TRUE(SameDump(once, twice));
  // A copy of the same events under another name changes nothing but the file list.
  testing::WriteFile(tmp.path() / "copy.ndjson", MakeStream(3000));
  std::string thrice = DumpAfterIngest(tmp.File("a.db"), {tmp.File("copy.ndjson")});
  EXPECT_TRUE(SameDump(once, thrice));
  auto store = Store::Open(tmp.File("a.db"));
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->messages, 3000);
  EXPECT_EQ(stats->entities["channel"], 20);
  EXPECT_EQ(stats->entities["user"], 50);
  EXPECT_EQ(stats->takedowns, 3);
  EXPECT_EQ(stats->media, 1000);
  EXPECT_EQ(stats->forwarded, 750);
}

TEST(Store, LaterEntityValueWinsPerField) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("e.db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  EntityEvent late;
  late.key = "telegram:channel1";
  late.kind = EntityKind::kChannel;
  late.time = 2000;
  late.name = "new name";
  EntityEvent early;
  early.key = "telegram:channel1";
  early.kind = EntityKind::kChannel;
  early.time = 1000;
  early.name = "old name";
  early.about = "about text";
  early.subscribers = 5;
  // Applied out of order: the later name still wins; the earlier fills what the later lacks.
  ASSERT_TRUE(s.Begin().ok());
  ASSERT_TRUE(s.Apply(late).ok());
  ASSERT_TRUE(s.Apply(early).ok());
  ASSERT_TRUE(s.Commit().ok());
  Statement q(StoreHandle(s), "SELECT name, about, subscribers, first_seen FROM entities");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(0), "new name");
  EXPECT_EQ(q.Text(1), "about text");
  EXPECT_EQ(q.Int(2), 5);
  EXPECT_EQ(q.Int(3), 1000);
  Statement names(StoreHandle(s), "SELECT count(*) FROM entity_names");
  ASSERT_TRUE(names.Step());
  EXPECT_EQ(names.Int(0), 2);  // both names kept in the history
}

TEST(Store, ReferencedEntitiesGetKindFromKeyButEntityEventsWin) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("k.db"));
  Store& s = **store;
  ASSERT_TRUE(s.Begin().ok());
  MessageEvent m;
  m.key = "telegram:channel1/1";
  m.chat = "telegram:channel1";
  m.from = "telegram:user9";
  m.time = 50;
  ASSERT_TRUE(s.Apply(m).ok());
  EntityEvent bot;
  bot.key = "telegram:user9";
  bot.kind = EntityKind::kBot;
  bot.time = 10;
  ASSERT_TRUE(s.Apply(bot).ok());
  ASSERT_TRUE(s.Commit().ok());
  auto stats = s.Stats();
  EXPECT_EQ(stats->entities["bot"], 1);
  EXPECT_EQ(stats->entities["user"], 0);
  EXPECT_EQ(stats->entities["channel"], 1);
}

TEST(Store, RefusesANewerSchema) {
  testing::TempDir tmp;
  {
    auto store = Store::Open(tmp.File("v.db"));
    ASSERT_TRUE(Exec(StoreHandle(*(*store)), "PRAGMA user_version=999").ok());
  }
  auto again = Store::Open(tmp.File("v.db"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kUnsupported);
}

// A crash in the middle of a batch: the child dies with an open transaction, after some
// batches committed. Running the ingest again must give exactly what a clean ingest gives.
TEST(Store, ResumeAfterCrashMidBatchMatchesCleanIngest) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "s.ndjson", MakeStream(5000));
  const std::string clean = DumpAfterIngest(tmp.File("clean.db"), {tmp.File("s.ndjson")});

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(tmp.File("crash.db"));
    IngestOptions opt;
    opt.batch_events = 700;
    opt.after_event = [](int64_t n) {
      if (n == 3210) _exit(42);  // mid-batch: 4 batches committed, 410 events uncommitted
    };
    (void)Ingest(**store, {tmp.File("s.ndjson")}, opt);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42);
  {
    auto store = Store::Open(tmp.File("crash.db"));
    auto stats = (*store)->Stats();
    EXPECT_GT(stats->messages, 0);
    EXPECT_LT(stats->messages, 5000);
    EXPECT_EQ(stats->files, 0);  // the file was not marked done
  }
  EXPECT_TRUE(SameDump(DumpAfterIngest(tmp.File("crash.db"), {tmp.File("s.ndjson")}), clean));
}

// The real thing: SIGKILL the cordon binary at some point during a larger ingest.
TEST(Store, ResumeAfterSigkillOfTheCliMatchesCleanIngest) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "s.ndjson", MakeStream(60000));
  const std::string clean = DumpAfterIngest(tmp.File("clean.db"), {tmp.File("s.ndjson")});
  const std::string db = tmp.File("killed.db");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // --no-enforce: the ledger records wall-clock times, so only the store itself can be
    // compared byte for byte with the library-level clean ingest.
    execl(CORDON_BINARY, "cordon", "ingest", "--quiet", "--no-enforce", "--batch", "2000", "--db",
          db.c_str(), tmp.File("s.ndjson").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once some batches are in the write-ahead log, well before the end.
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 20000 && !exited; ++i) {
    std::error_code ec;
    if (std::filesystem::file_size(db + "-wal", ec) > (size_t{2} << 20)) break;
    exited = waitpid(pid, &status, WNOHANG) == pid;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(WIFSIGNALED(status)) << "the ingest ended before it could be killed";
  EXPECT_TRUE(SameDump(DumpAfterIngest(db, {tmp.File("s.ndjson")}), clean));
}

}  // namespace
}  // namespace cordon
