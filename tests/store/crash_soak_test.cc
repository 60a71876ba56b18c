// Crash soak (issue #12): `cordon ingest` of a simulated world, killed with SIGKILL at random
// moments and resumed, must end with exactly the store a clean ingest gives, regeneration
// detections included and current, and an intact ledger chain.
//
// Runs go on until CORDON_SOAK_TOTAL kills have landed on a running ingest (an ingest that
// finishes before its kill ends its run early), each run with up to CORDON_SOAK_KILLS kills. By
// default a short version runs (a small world, 6 kills, 2 a run). `make soak` runs the long one:
// CORDON_SOAK_SCALE=medium CORDON_SOAK_TOTAL=100 CORDON_SOAK_KILLS=5; the figures go to
// docs/benchmarks.md.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include "cordon/enforce/stage.h"
#include "cordon/ledger/ledger.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

using Clock = std::chrono::steady_clock;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// The ledger's `recorded` time and its hashes depend on the wall clock of the run: they are
// left out here and the chain is verified apart.
std::string Comparable(const std::string& dump) {
  std::string out;
  size_t start = 0;
  while (start < dump.size()) {
    size_t end = dump.find('\n', start);
    if (end == std::string::npos) end = dump.size();
    std::string line = dump.substr(start, end - start);
    start = end + 1;
    if (line.rfind("ledger|", 0) == 0) {
      // ledger|seq|time|recorded|action|...|prev_hash|hash
      std::vector<std::string> f;
      for (size_t a = 0;;) {
        size_t b = line.find('|', a);
        f.push_back(line.substr(a, b == std::string::npos ? std::string::npos : b - a));
        if (b == std::string::npos) break;
        a = b + 1;
      }
      if (f.size() > 6) {
        f[3] = "*";
        f[f.size() - 1] = f[f.size() - 2] = "*";
      }
      line.clear();
      for (size_t i = 0; i < f.size(); ++i) line += (i ? "|" : "") + f[i];
    }
    out += line;
    out += '\n';
  }
  return out;
}

pid_t StartIngest(const std::string& db, const std::string& world) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(CORDON_BINARY, "cordon", "ingest", "--quiet", "--db", db.c_str(), world.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits for the ingest; true when it exited with status 0.
bool Finish(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(CrashSoak, KilledIngestsResumeToTheCleanStore) {
  const std::string scale_name =
      std::getenv("CORDON_SOAK_SCALE") ? std::getenv("CORDON_SOAK_SCALE") : "small";
  const int total_kills = EnvInt("CORDON_SOAK_TOTAL", 6);
  const int kills_per_run = EnvInt("CORDON_SOAK_KILLS", 2);
  testing::TempDir tmp;
  sim::SimOptions o;
  o.out_dir = tmp.File("w");
  o.seed = static_cast<uint64_t>(EnvInt("CORDON_SOAK_SEED", 9));
  o.scale = scale_name == "medium" ? sim::Scale::kMedium : sim::Scale::kSmall;
  o.media = sim::MediaMode::kNone;
  o.telegram_exports = false;
  ASSERT_TRUE(sim::Simulate(o).ok());

  const auto t0 = Clock::now();
  ASSERT_TRUE(Finish(StartIngest(tmp.File("clean.db"), tmp.File("w"))));
  const double clean_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::string clean;
  {
    auto store = Store::Open(tmp.File("clean.db"), OpenMode::kExisting);
    ASSERT_TRUE(store.ok());
    auto dump = (*store)->Dump();
    ASSERT_TRUE(dump.ok());
    clean = Comparable(*dump);
    ASSERT_NE(clean.find("regen_detections|"), std::string::npos);
  }

  std::mt19937_64 rng(static_cast<uint64_t>(EnvInt("CORDON_SOAK_SEED", 9)));
  int landed = 0, finished_first = 0;
  const auto soak_start = Clock::now();
  int runs = 0;
  for (int run = 0; landed < total_kills && run < 10 * total_kills; ++run) {
    ++runs;
    SCOPED_TRACE("run " + std::to_string(run));
    const std::string db = tmp.File("run" + std::to_string(run) + ".db");
    // Each kill lands at a uniform moment of what a clean ingest would have left to do (plus
    // the resume's own start-up), so kills fall in every phase: parsing, batches, the stage's
    // warm-up replay and its final save.
    double left = clean_seconds;
    for (int k = 0; k < kills_per_run && landed < total_kills; ++k) {
      const double delay = std::uniform_real_distribution<double>(0, left * 1.1)(rng);
      pid_t pid = StartIngest(db, tmp.File("w"));
      ASSERT_GT(pid, 0);
      const auto deadline = Clock::now() + std::chrono::duration<double>(delay);
      int status = 0;
      bool exited = false;
      while (Clock::now() < deadline && !exited) {
        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      if (exited) {
        ++finished_first;
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        break;  // nothing left to kill in this run
      }
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      if (WIFEXITED(status)) {  // it finished between the last look and the kill
        ++finished_first;
        ASSERT_EQ(WEXITSTATUS(status), 0);
        break;
      }
      ASSERT_TRUE(WIFSIGNALED(status));
      ++landed;
      left = std::max(left - delay, clean_seconds * 0.1);
    }
    ASSERT_TRUE(Finish(StartIngest(db, tmp.File("w")))) << "the resume failed";
    auto store = Store::Open(db, OpenMode::kExisting);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->CheckIntegrity().ok());
    auto dump = (*store)->Dump();
    ASSERT_TRUE(dump.ok());
    EXPECT_TRUE(Comparable(*dump) == clean) << "the resumed store differs from a clean ingest";
    auto current = (*store)->DetectionsCurrent();
    EXPECT_TRUE(current.ok() && *current);
    ledger::Ledger ledger(**store);
    auto verified = ledger.Verify();
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->ok) << "ledger chain broken";
  }
  EXPECT_EQ(landed, total_kills);
  const double soak_seconds = std::chrono::duration<double>(Clock::now() - soak_start).count();
  std::cout << "[ soak     ] " << scale_name << " world: " << runs << " runs, " << landed
            << " kills -9 landed mid-ingest (" << finished_first
            << " ingests finished before their kill), every run equal to the clean store; clean "
               "ingest "
            << clean_seconds << " s, soak " << soak_seconds << " s\n";
}

}  // namespace
}  // namespace cordon
