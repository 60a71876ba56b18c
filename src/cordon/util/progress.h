// Progress of long steps (ingest, replays, network builds, plans, simulations), drawn as one
// line on a terminal:
//
//   ingest [#########               ]  38%  41.2 MB  12.5 MB/s  ETA 0:05
//   replay | 1.2M events  310k/s                     (total unknown: a spinner, no ETA)
//
// Engine code takes an optional Progress* (null: silent) and reports through a ProgressStep,
// which forwards one report per `every` calls, so a hot loop pays one virtual call per batch.
// The CLI decides once per command whether to draw: MakeTerminalProgress() gives a
// TerminalProgress on stderr when stderr is a terminal and --quiet was not given, else null.
//
// Steps do not nest: one Start() ... Finish() at a time (a Start() ends any step still drawn).
//
// Thread safety: Start() and Finish() are called by the thread that owns the step while no
// other thread reports. In between, Advance() and Set() may be called from any thread (ingest's
// parser thread, say): TerminalProgress keeps the count in an atomic and lets one thread at a
// time draw, when the draw interval has passed.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cordon {

// The unit that counts bytes: shown as kB, MB, GB (powers of 1000, as the ingest summary).
inline constexpr std::string_view kProgressBytes = "bytes";

class Progress {
 public:
  virtual ~Progress() = default;
  // Begins a step. total <= 0: unknown. unit names what is counted ("events", "days", or
  // kProgressBytes).
  virtual void Start(std::string_view label, int64_t total, std::string_view unit) = 0;
  virtual void Advance(int64_t n) = 0;  // n more done
  virtual void Set(int64_t done) = 0;   // done so far
  // Ends the step; a terminal line erases itself.
  virtual void Finish() = 0;
};

// Reports nothing.
class NullProgress final : public Progress {
 public:
  void Start(std::string_view, int64_t, std::string_view) override {}
  void Advance(int64_t) override {}
  void Set(int64_t) override {}
  void Finish() override {}
};

// What one line shows; Render() is the whole line, without the carriage return.
struct ProgressState {
  std::string_view label;
  int64_t done = 0;
  int64_t total = 0;  // <= 0: unknown
  std::string_view unit;
  double elapsed = 0;  // seconds since Start()
  int frame = 0;       // spinner position, for unknown totals
  int columns = 80;    // the line stays narrower than this (the label is cut first)
};
std::string RenderProgress(const ProgressState& s);

// "950", "1.2k", "310k", "4.5M"; bytes: "512 B", "1.2 MB". Rounded to three digits at most.
std::string FormatQuantity(double n, std::string_view unit);
// "0:07", "12:03", "1:02:03"; "--:--" for an unknown or absurd duration.
std::string FormatEta(double seconds);

// Draws on a FILE* (stderr in the CLI), at most once per interval.
class TerminalProgress final : public Progress {
 public:
  using Clock = std::function<double()>;  // monotonic seconds
  struct Options {
    int columns = 80;
    double interval = 0.2;  // seconds between draws; 0 draws every report
    Clock clock;            // empty: std::chrono::steady_clock
  };
  // `out` is borrowed and must outlive this object.
  TerminalProgress(std::FILE* out, Options options);
  ~TerminalProgress() override;

  void Start(std::string_view label, int64_t total, std::string_view unit) override;
  void Advance(int64_t n) override;
  void Set(int64_t done) override;
  void Finish() override;

 private:
  void MaybeDraw();
  void Draw(double now);  // with draw_lock_ held
  void Erase();           // with draw_lock_ held

  std::FILE* out_;
  Options options_;
  std::atomic<int64_t> done_{0};
  std::atomic<bool> active_{false};
  std::atomic<bool> draw_lock_{false};
  std::atomic<double> next_draw_{0};
  // Set by Start(); read by the drawing thread.
  std::string label_, unit_;
  int64_t total_ = 0;
  double start_ = 0;
  // Owned by the thread holding draw_lock_.
  size_t drawn_ = 0;  // width of the line on screen, 0 when none
  int frame_ = 0;
};

// The progress a command draws: a TerminalProgress on stderr when stderr is a terminal and
// `quiet` is false, else null. The environment variable CORDON_PROGRESS_INTERVAL_MS sets the
// draw interval (tests set 0 to see every report).
std::unique_ptr<Progress> MakeTerminalProgress(bool quiet);

// One step reported through an optional Progress: Start() on construction, Finish() on
// destruction (so an early error return erases the line). Advance() and Set() are cheap inline
// counters; every `every`-th call is passed on. Used by one thread.
class ProgressStep {
 public:
  ProgressStep(Progress* progress, std::string_view label, int64_t total, std::string_view unit,
               int64_t every = 1);
  ~ProgressStep() { Finish(); }
  ProgressStep(const ProgressStep&) = delete;
  ProgressStep& operator=(const ProgressStep&) = delete;

  void Advance(int64_t n = 1) {
    done_ += n;
    Tick();
  }
  void Set(int64_t done) {
    done_ = done;
    Tick();
  }
  // Ends the step early (the destructor then does nothing).
  void Finish();
  int64_t done() const { return done_; }

 private:
  void Tick() {
    if (progress_ != nullptr && ++calls_ >= every_) {
      calls_ = 0;
      progress_->Set(done_);
    }
  }

  Progress* progress_;
  int64_t every_;
  int64_t calls_ = 0;
  int64_t done_ = 0;
};

}  // namespace cordon
