// Several writers on one database (docs/security.md, "Concurrency"): two ingests of different
// files, started together on a new database, both succeed and the store holds the union.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "cordon/ingest/ingest.h"
#include "cordon/model/event_json.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

// `messages` messages in chat telegram:channel<chat>, with their entity.
std::string Stream(int chat, int messages) {
  std::string out;
  EntityEvent e;
  e.key = "telegram:channel" + std::to_string(chat);
  e.kind = EntityKind::kChannel;
  e.time = 1;
  e.name = "chat " + std::to_string(chat);
  AppendEventJson(e, out);
  for (int i = 0; i < messages; ++i) {
    MessageEvent m;
    m.chat = e.key;
    m.key = m.chat + "/" + std::to_string(i);
    m.time = 1000 + i;
    m.from = "telegram:user" + std::to_string(i % 40);
    m.text = "message " + std::to_string(i);
    AppendEventJson(m, out);
  }
  return out;
}

int64_t Messages(const std::string& db) {
  auto store = Store::Open(db);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return -1;
  auto stats = (*store)->Stats();
  EXPECT_TRUE(stats.ok());
  return stats.ok() ? stats->messages : -1;
}

// Ingests `input` into `db` with a Store of its own; the status.
Status IngestAlone(const std::string& db, const std::string& input, int busy_timeout_ms,
                   size_t batch_events) {
  StoreOptions so;
  so.busy_timeout_ms = busy_timeout_ms;
  auto store = Store::Open(db, so);
  if (!store.ok()) return store.status();
  IngestOptions opt;
  opt.batch_events = batch_events;
  return Ingest(**store, {input}, opt).status();
}

// Two Store handles on two threads, many small transactions each.
TEST(StoreConcurrency, TwoThreadsIngestingIntoOneDatabaseBothSucceed) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("a.ndjson"), Stream(1, 10000));
  testing::WriteFile(dir.File("b.ndjson"), Stream(2, 10000));
  for (int trial = 0; trial < 3; ++trial) {
    const std::string db = dir.File("t" + std::to_string(trial) + ".db");
    Status result[2];
    std::thread a([&] { result[0] = IngestAlone(db, dir.File("a.ndjson"), 30000, 50); });
    std::thread b([&] { result[1] = IngestAlone(db, dir.File("b.ndjson"), 30000, 50); });
    a.join();
    b.join();
    EXPECT_TRUE(result[0].ok()) << "trial " << trial << ": " << result[0].ToString();
    EXPECT_TRUE(result[1].ok()) << "trial " << trial << ": " << result[1].ToString();
    EXPECT_EQ(Messages(db), 20000) << "trial " << trial;
  }
}

// Two processes whose ingests each take far longer than the busy timeout: they must take
// turns transaction by transaction. A writer that took the lock back at each of its commits
// would keep the other waiting past its timeout ("database is locked").
TEST(StoreConcurrency, WritersInTwoProcessesTakeTurns) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("a.ndjson"), Stream(1, 120000));
  testing::WriteFile(dir.File("b.ndjson"), Stream(2, 120000));
  for (int trial = 0; trial < 3; ++trial) {
    const std::string db = dir.File("f" + std::to_string(trial) + ".db");
    pid_t pids[2];
    for (int i = 0; i < 2; ++i) {
      const std::string input = dir.File(i == 0 ? "a.ndjson" : "b.ndjson");
      pids[i] = fork();
      ASSERT_GE(pids[i], 0);
      if (pids[i] == 0) {
        const Status s = IngestAlone(db, input, 500, 2000);
        if (!s.ok()) std::fprintf(stderr, "%s\n", s.ToString().c_str());
        _exit(s.ok() ? 0 : 1);
      }
    }
    for (pid_t pid : pids) {
      int status = 0;
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "trial " << trial;
    }
    EXPECT_EQ(Messages(db), 240000) << "trial " << trial;
  }
}

// The CLI as a user runs it: two `cordon ingest` processes into one new database.
TEST(StoreConcurrency, TwoIngestProcessesIntoOneNewDatabaseBothSucceed) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("a.ndjson"), Stream(1, 5000));
  testing::WriteFile(dir.File("b.ndjson"), Stream(2, 5000));
  for (int trial = 0; trial < 6; ++trial) {
    const std::string db = dir.File("p" + std::to_string(trial) + ".db");
    auto start = [&](const std::string& input) {
      const std::string cmd =
          std::string(CORDON_BINARY) + " ingest -q --batch 500 --db " + db + " " + input + " 2>&1";
      return popen(cmd.c_str(), "r");
    };
    std::FILE* a = start(dir.File("a.ndjson"));
    std::FILE* b = start(dir.File("b.ndjson"));
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    auto finish = [](std::FILE* p, std::string& out) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
      return pclose(p);
    };
    std::string out_a, out_b;
    const int rc_a = finish(a, out_a);
    const int rc_b = finish(b, out_b);
    EXPECT_EQ(rc_a, 0) << "trial " << trial << ": " << out_a;
    EXPECT_EQ(rc_b, 0) << "trial " << trial << ": " << out_b;
    EXPECT_EQ(Messages(db), 10000) << "trial " << trial;
  }
}

}  // namespace
}  // namespace cordon
