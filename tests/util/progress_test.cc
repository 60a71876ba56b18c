// The progress line: formatting, throttling and erasing, drawn into a temporary file with an
// injected clock (no terminal, no real time).
#include "cordon/util/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace cordon {
namespace {

TEST(ProgressFormat, Quantities) {
  EXPECT_EQ(FormatQuantity(0, "events"), "0");
  EXPECT_EQ(FormatQuantity(7, "events"), "7");
  EXPECT_EQ(FormatQuantity(2.5, "days"), "2.5");
  EXPECT_EQ(FormatQuantity(950, "events"), "950");
  EXPECT_EQ(FormatQuantity(1234, "events"), "1.2k");
  EXPECT_EQ(FormatQuantity(310'000, "events"), "310k");
  EXPECT_EQ(FormatQuantity(999'999, "events"), "1.0M");
  EXPECT_EQ(FormatQuantity(1'200'000, "events"), "1.2M");
  EXPECT_EQ(FormatQuantity(512, kProgressBytes), "512 B");
  EXPECT_EQ(FormatQuantity(3.7, kProgressBytes), "4 B");
  EXPECT_EQ(FormatQuantity(41'200'000, kProgressBytes), "41 MB");
  EXPECT_EQ(FormatQuantity(1'500'000'000, kProgressBytes), "1.5 GB");
  EXPECT_EQ(FormatQuantity(-3, "events"), "0");
}

TEST(ProgressFormat, Eta) {
  EXPECT_EQ(FormatEta(0), "0:00");
  EXPECT_EQ(FormatEta(6.2), "0:07");  // rounded up: never promise too early
  EXPECT_EQ(FormatEta(723), "12:03");
  EXPECT_EQ(FormatEta(3723), "1:02:03");
  EXPECT_EQ(FormatEta(-1), "--:--");
  EXPECT_EQ(FormatEta(1e12), "--:--");
}

TEST(ProgressFormat, KnownTotalShowsBarPercentRateAndEta) {
  ProgressState s;
  s.label = "ingest";
  s.done = 420;
  s.total = 1000;
  s.unit = "events";
  s.elapsed = 2;  // 210 a second, 580 left: 2.76 s
  EXPECT_EQ(RenderProgress(s),
            "ingest [##########              ]  42%  420 events  210/s  ETA 0:03");
  s.done = 1000;
  EXPECT_EQ(RenderProgress(s),
            "ingest [########################] 100%  1.0k events  500/s  ETA 0:00");
  s.done = 5000;  // more than announced: clamped, not a longer bar
  EXPECT_EQ(RenderProgress(s).substr(0, 38), "ingest [########################] 100%");
}

TEST(ProgressFormat, BytesAndNoRateYet) {
  ProgressState s;
  s.label = "ingest";
  s.done = 0;
  s.total = 100'000'000;
  s.unit = kProgressBytes;
  s.elapsed = 0;
  EXPECT_EQ(RenderProgress(s), "ingest [                        ]   0%  0 B  ETA --:--");
  s.done = 24'000'000;
  s.elapsed = 2;
  EXPECT_EQ(RenderProgress(s), "ingest [#####                   ]  24%  24 MB  12 MB/s  ETA 0:07");
}

TEST(ProgressFormat, UnknownTotalSpinsWithRateAndNoEta) {
  ProgressState s;
  s.label = "replay";
  s.done = 1'200'000;
  s.total = 0;
  s.unit = "events";
  s.elapsed = 4;
  s.frame = 0;
  EXPECT_EQ(RenderProgress(s), "replay |  1.2M events  300k/s");
  s.frame = 1;
  EXPECT_EQ(RenderProgress(s), "replay /  1.2M events  300k/s");
  s.frame = 6;
  EXPECT_EQ(RenderProgress(s), "replay -  1.2M events  300k/s");
}

TEST(ProgressFormat, NarrowTerminalCutsTheLabelFirstAndControlBytesAreReplaced) {
  ProgressState s;
  s.label = "a\x1b[2Jvery long label";
  s.done = 1;
  s.total = 2;
  s.unit = "days";
  s.elapsed = 1;
  const std::string full = RenderProgress(s);
  EXPECT_EQ(full.find('\x1b'), std::string::npos);
  EXPECT_EQ(full.substr(0, 5), "a?[2J");
  s.columns = 70;  // the bar gives way first ...
  EXPECT_EQ(RenderProgress(s),
            "a?[2Jvery long label [#########         ]  50%  1 days  1/s  ETA 0:01");
  s.columns = 62;  // ... down to ten characters
  EXPECT_EQ(RenderProgress(s), "a?[2Jvery long label [#####     ]  50%  1 days  1/s  ETA 0:01");
  s.columns = 50;  // then the label
  const std::string cut = RenderProgress(s);
  EXPECT_EQ(cut, "a?[2Jver [#####     ]  50%  1 days  1/s  ETA 0:01");
  EXPECT_EQ(cut.size(), 49u);
  s.columns = 10;
  EXPECT_EQ(RenderProgress(s).size(), 9u);
}

// A fake clock and a temporary file to draw into.
class Drawn {
 public:
  Drawn() : file_(std::tmpfile()) {}
  ~Drawn() { std::fclose(file_); }
  std::FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::string out;
    std::rewind(file_);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    std::fseek(file_, 0, SEEK_END);
    return out;
  }
  // The lines drawn, split at carriage returns, blanks left out.
  std::vector<std::string> Frames() {
    std::vector<std::string> frames;
    std::string cur;
    for (char c : Text() + "\r") {
      if (c != '\r') {
        cur += c;
        continue;
      }
      if (cur.find_first_not_of(' ') != std::string::npos) frames.push_back(cur);
      cur.clear();
    }
    return frames;
  }

 private:
  std::FILE* file_;
};

TerminalProgress::Options FakeClock(double* now, double interval = 0.25) {
  TerminalProgress::Options o;
  o.interval = interval;
  o.clock = [now] { return *now; };
  return o;
}

TEST(TerminalProgress, DrawsAtMostOncePerInterval) {
  Drawn out;
  double now = 100;
  TerminalProgress p(out.file(), FakeClock(&now));
  p.Start("plan", 100, "evaluations");
  for (int i = 1; i <= 100; ++i) {
    now += 1.0 / 64;  // a report every 1/64 s: a draw every 16 reports (exact in binary)
    p.Set(i);
  }
  const auto frames = out.Frames();
  ASSERT_EQ(frames.size(), 6u);
  EXPECT_NE(frames[0].find(" 16%"), std::string::npos) << frames[0];
  EXPECT_NE(frames[0].find("64/s"), std::string::npos) << frames[0];
  EXPECT_NE(frames[5].find(" 96%"), std::string::npos) << frames[5];
}

TEST(TerminalProgress, NothingBeforeTheFirstIntervalAndFinishErasesTheLine) {
  Drawn out;
  double now = 0;
  TerminalProgress p(out.file(), FakeClock(&now));
  p.Start("network", 10, "messages");
  p.Set(9);
  p.Finish();  // a step shorter than the interval leaves no trace
  EXPECT_EQ(out.Text(), "");
  p.Start("network", 10, "messages");
  now = 1;
  p.Set(5);
  const std::string drawn = out.Text();
  ASSERT_FALSE(drawn.empty());
  p.Finish();
  const std::string all = out.Text();
  const std::string erase = all.substr(drawn.size());
  EXPECT_EQ(erase, "\r" + std::string(drawn.size() - 1, ' ') + "\r");
}

TEST(TerminalProgress, ShorterLinePadsOverTheLongerOne) {
  Drawn out;
  double now = 0;
  TerminalProgress p(out.file(), FakeClock(&now, 0));
  p.Start("x", 0, "events");
  now = 1;
  p.Set(123'456);  // "x |  123k events  123k/s"
  const size_t first = out.Text().size();
  now = 2;
  p.Set(2);  // a shorter line
  const std::string second = out.Text().substr(first);
  const std::string line = "x /  2 events  1/s";
  EXPECT_EQ(second, "\r" + line + std::string(first - 1 - line.size(), ' ') + "\r" + line);
}

TEST(TerminalProgress, AdvanceFromAnotherThreadIsCounted) {
  Drawn out;
  double now = 0;
  TerminalProgress p(out.file(), FakeClock(&now, 1e9));
  p.Start("ingest", 0, "events");
  std::thread t([&] {
    for (int i = 0; i < 10000; ++i) p.Advance(1);
  });
  for (int i = 0; i < 10000; ++i) p.Advance(1);
  t.join();
  now = 2e9;  // the interval has passed: the next report draws the total
  p.Advance(0);
  EXPECT_NE(out.Text().find("20k events"), std::string::npos) << out.Text();
  p.Finish();
}

TEST(ProgressStep, BatchesReportsAndFinishesOnScopeExit) {
  struct Recorder : Progress {
    std::vector<std::string> calls;
    void Start(std::string_view label, int64_t total, std::string_view unit) override {
      calls.push_back("start " + std::string(label) + " " + std::to_string(total) + " " +
                      std::string(unit));
    }
    void Advance(int64_t n) override { calls.push_back("advance " + std::to_string(n)); }
    void Set(int64_t d) override { calls.push_back("set " + std::to_string(d)); }
    void Finish() override { calls.push_back("finish"); }
  } rec;
  {
    ProgressStep step(&rec, "bank", 3000, "rows", 1024);
    for (int i = 0; i < 3000; ++i) step.Advance();
    EXPECT_EQ(step.done(), 3000);
  }
  EXPECT_EQ(rec.calls,
            (std::vector<std::string>{"start bank 3000 rows", "set 1024", "set 2048", "finish"}));
  // Without a Progress the step only counts.
  ProgressStep silent(nullptr, "bank", 10, "rows");
  silent.Set(7);
  EXPECT_EQ(silent.done(), 7);
  NullProgress null;
  ProgressStep quiet(&null, "bank", 10, "rows");
  quiet.Advance(3);
  EXPECT_EQ(quiet.done(), 3);
}

}  // namespace
}  // namespace cordon
