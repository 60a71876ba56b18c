// Progress bars of the cordon binary: drawn on a terminal (a pseudo-terminal here), never when
// stderr is a file or --quiet is given. CORDON_PROGRESS_INTERVAL_MS=0 makes every report draw,
// so what is drawn does not depend on how fast the machine is.
#include <errno.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace cordon {
namespace {

constexpr const char kEveryReport[] = "CORDON_PROGRESS_INTERVAL_MS=0";

struct PtyRun {
  std::string output;  // stdout and stderr as the terminal got them
  int status = -1;
};

// Runs cordon with `args` on a pseudo-terminal 200 columns wide.
PtyRun OnPty(const std::vector<std::string>& args) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("CORDON_PROGRESS_INTERVAL_MS=")) continue;
    env.emplace_back(*e);
  }
  env.emplace_back(kEveryReport);
  std::vector<char*> envp, argv;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> all = {"cordon"};
  all.insert(all.end(), args.begin(), args.end());
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);

  winsize ws{};
  ws.ws_row = 40;
  ws.ws_col = 200;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    execve(CORDON_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  PtyRun run;
  if (pid < 0) return run;
  char buf[4096];
  while (true) {
    const ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      run.output.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO: the child has exited and closed the terminal
    }
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The distinct percentages drawn.
std::set<int> Percentages(const std::string& out) {
  std::set<int> seen;
  static const std::regex kPercent(R"(\] +(\d+)%)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), kPercent);
       it != std::sregex_iterator(); ++it) {
    seen.insert(std::stoi((*it)[1].str()));
  }
  return seen;
}

class ProgressCli : public ::testing::Test {
 protected:
  // A small world, written once (stderr to a file, so without bars).
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string cmd = std::string(CORDON_BINARY) + " simulate --scale small --media none " +
                            "--out " + dir_->File("world") + " > " + dir_->File("sim.out") +
                            " 2> " + dir_->File("sim.err");
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string World(const std::string& name) { return dir_->File("world/" + name); }

  static testing::TempDir* dir_;
  testing::TempDir tmp_;
};

testing::TempDir* ProgressCli::dir_ = nullptr;

TEST_F(ProgressCli, NothingDrawnWhenStderrIsNotATerminal) {
  EXPECT_EQ(testing::ReadFile(dir_->File("sim.err")), "");
  const std::string cmd = std::string(kEveryReport) + " " + CORDON_BINARY + " ingest --db " +
                          tmp_.File("w.db") + " " + World("events.ndjson") + " " +
                          World("telegram") + " > " + tmp_.File("out") + " 2> " + tmp_.File("err");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string err = testing::ReadFile(tmp_.File("err"));
  EXPECT_EQ(err.find('\r'), std::string::npos) << err;
  EXPECT_EQ(err.find("ETA"), std::string::npos) << err;
  EXPECT_EQ(err.find('%'), std::string::npos) << err;
  EXPECT_NE(testing::ReadFile(tmp_.File("out")).find("ingested"), std::string::npos);
}

TEST_F(ProgressCli, SimulateDrawsABarWithRateAndEtaOnATerminalAndErasesIt) {
  const PtyRun run = OnPty({"simulate", "--scale", "small", "--media", "none", "--no-exports",
                            "--out", tmp_.File("world")});
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("simulate ["), std::string::npos) << run.output;
  EXPECT_TRUE(std::regex_search(run.output, std::regex(R"(\d+ days  [0-9.]+k?/s  ETA \d+:\d\d)")))
      << run.output;
  // One step per simulated day: the bar goes through most percentages on its way.
  EXPECT_GE(Percentages(run.output).size(), 50u) << run.output;
  // Erased before the summary is printed.
  const size_t summary = run.output.find("Simulated 90 days");
  ASSERT_NE(summary, std::string::npos);
  const size_t erase = run.output.rfind("\r" + std::string(40, ' '), summary);
  ASSERT_NE(erase, std::string::npos);
  EXPECT_EQ(run.output.find("ETA", erase), std::string::npos);
}

// The bar used to jump from 0% to the end of a file: importers reported their position once per
// 65536 lines, and never inside a Telegram export.
TEST_F(ProgressCli, IngestBarMovesWhileAFileIsParsed) {
  const PtyRun run = OnPty({"ingest", "--db", tmp_.File("w.db"), World("events.ndjson")});
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("ingest ["), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(" MB/s  ETA "), std::string::npos) << run.output;
  EXPECT_GE(Percentages(run.output).size(), 10u) << run.output;

  const PtyRun exports = OnPty({"ingest", "--db", tmp_.File("t.db"), World("telegram")});
  ASSERT_EQ(exports.status, 0) << exports.output;
  EXPECT_GE(Percentages(exports.output).size(), 3u) << exports.output;
}

TEST_F(ProgressCli, QuietDrawsNothingOnATerminal) {
  const PtyRun sim = OnPty({"simulate", "--quiet", "--scale", "small", "--media", "none",
                            "--no-exports", "--out", tmp_.File("world")});
  ASSERT_EQ(sim.status, 0) << sim.output;
  EXPECT_NE(sim.output.find("Simulated 90 days"), std::string::npos) << sim.output;
  EXPECT_EQ(sim.output.find("ETA"), std::string::npos) << sim.output;
  EXPECT_EQ(sim.output.find("simulate ["), std::string::npos) << sim.output;
  const PtyRun ingest = OnPty({"ingest", "-q", "--db", tmp_.File("w.db"), World("events.ndjson")});
  ASSERT_EQ(ingest.status, 0) << ingest.output;
  EXPECT_EQ(ingest.output, "");
}

}  // namespace
}  // namespace cordon
