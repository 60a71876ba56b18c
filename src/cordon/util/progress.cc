#include "cordon/util/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <thread>

namespace cordon {
namespace {

constexpr size_t kBarWidth = 24;
constexpr size_t kMinBarWidth = 10;
constexpr char kSpinner[] = {'|', '/', '-', '\\'};

bool IsBytes(std::string_view unit) { return unit == kProgressBytes; }

// Labels come from engine code, but a line on a terminal takes no control bytes.
std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  return out;
}

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string FormatQuantity(double n, std::string_view unit) {
  const bool bytes = IsBytes(unit);
  static constexpr const char* kCount[] = {"", "k", "M", "G", "T", "P"};
  static constexpr const char* kByte[] = {" B", " kB", " MB", " GB", " TB", " PB"};
  const char* const* suffix = bytes ? kByte : kCount;
  if (!std::isfinite(n) || n < 0) n = 0;
  char buf[32];
  double x = n;
  for (int i = 0; i < 6; ++i, x /= 1000) {
    // Plain counts below ten keep a decimal (a rate of 2.5 days/s); whole bytes do not.
    if (x < 9.95 && (i > 0 || (!bytes && x != std::floor(x)))) {
      std::snprintf(buf, sizeof buf, "%.1f%s", x, suffix[i]);
      return buf;
    }
    if (x < 999.5 || i == 5) {
      std::snprintf(buf, sizeof buf, "%.0f%s", x, suffix[i]);
      return buf;
    }
  }
  return "?";
}

std::string FormatEta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds >= 100 * 3600) return "--:--";
  const auto s = static_cast<int64_t>(std::ceil(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

std::string RenderProgress(const ProgressState& s) {
  const bool bytes = IsBytes(s.unit);
  const double done = static_cast<double>(std::max<int64_t>(s.done, 0));
  const double frac = s.total > 0 ? std::clamp(done / static_cast<double>(s.total), 0.0, 1.0) : 0.0;
  // What follows the bar: count, rate, ETA.
  std::string counts = "  " + FormatQuantity(done, s.unit);
  if (!bytes && !s.unit.empty()) counts += " " + Printable(s.unit);
  const double rate = s.elapsed > 0 ? done / s.elapsed : 0;
  if (rate > 0) counts += "  " + FormatQuantity(rate, s.unit) + "/s";
  if (s.total > 0) {
    const double left = static_cast<double>(s.total) - done;
    counts += "  ETA " + (left <= 0 ? FormatEta(0) : rate > 0 ? FormatEta(left / rate) : "--:--");
  }
  std::string label = Printable(s.label);
  // The line must not wrap, or the next carriage return would not reach its start. The bar
  // gives way first (down to kMinBarWidth), then the label, then the end of the line.
  const size_t width = static_cast<size_t>(std::max(s.columns - 1, 1));
  std::string tail;
  if (s.total > 0) {
    const size_t fixed = label.size() + 8 + counts.size();  // " [" "] " and " 42%"
    const int bar = static_cast<int>(
        std::clamp<size_t>(width > fixed ? width - fixed : 0, kMinBarWidth, kBarWidth));
    const int filled = static_cast<int>(frac * bar);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(frac * 100));
    tail = " [" + std::string(static_cast<size_t>(filled), '#') +
           std::string(static_cast<size_t>(bar - filled), ' ') + "] " + pct;
  } else {
    tail = std::string(" ") + kSpinner[static_cast<size_t>(s.frame) % sizeof kSpinner];
  }
  tail += counts;
  if (label.size() + tail.size() > width) {
    label.resize(tail.size() < width ? width - tail.size() : 0);
  }
  std::string line = label + tail;
  if (line.size() > width) line.resize(width);
  return line;
}

TerminalProgress::TerminalProgress(std::FILE* out, Options options)
    : out_(out), options_(std::move(options)) {
  if (!options_.clock) options_.clock = SteadySeconds;
}

TerminalProgress::~TerminalProgress() { Finish(); }

void TerminalProgress::Start(std::string_view label, int64_t total, std::string_view unit) {
  Finish();
  label_ = std::string(label);
  unit_ = std::string(unit);
  total_ = total;
  start_ = options_.clock();
  frame_ = 0;
  done_.store(0, std::memory_order_relaxed);
  next_draw_.store(start_ + options_.interval, std::memory_order_relaxed);
  active_.store(true, std::memory_order_release);
}

void TerminalProgress::Advance(int64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  MaybeDraw();
}

void TerminalProgress::Set(int64_t done) {
  done_.store(done, std::memory_order_relaxed);
  MaybeDraw();
}

void TerminalProgress::MaybeDraw() {
  if (!active_.load(std::memory_order_acquire)) return;
  const double now = options_.clock();
  if (now < next_draw_.load(std::memory_order_relaxed)) return;
  // Another thread drawing now has just drawn the same state, near enough.
  if (draw_lock_.exchange(true, std::memory_order_acquire)) return;
  if (active_.load(std::memory_order_relaxed) &&
      now >= next_draw_.load(std::memory_order_relaxed)) {
    next_draw_.store(now + options_.interval, std::memory_order_relaxed);
    Draw(now);
  }
  draw_lock_.store(false, std::memory_order_release);
}

void TerminalProgress::Draw(double now) {
  ProgressState s;
  s.label = label_;
  s.done = done_.load(std::memory_order_relaxed);
  s.total = total_;
  s.unit = unit_;
  s.elapsed = now - start_;
  s.frame = frame_++;
  s.columns = options_.columns;
  const std::string line = RenderProgress(s);
  // Spaces over what is left of a longer earlier line.
  const size_t pad = drawn_ > line.size() ? drawn_ - line.size() : 0;
  std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
  if (pad > 0) std::fprintf(out_, "\r%s", line.c_str());
  std::fflush(out_);
  drawn_ = line.size();
}

void TerminalProgress::Erase() {
  if (drawn_ == 0) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(drawn_), "");
  std::fflush(out_);
  drawn_ = 0;
}

void TerminalProgress::Finish() {
  active_.store(false, std::memory_order_release);
  // By contract no other thread reports now; a draw still under way ends first.
  while (draw_lock_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
  Erase();
  draw_lock_.store(false, std::memory_order_release);
}

std::unique_ptr<Progress> MakeTerminalProgress(bool quiet) {
  if (quiet || ::isatty(STDERR_FILENO) != 1) return nullptr;
  TerminalProgress::Options o;
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) o.columns = ws.ws_col;
  if (const char* ms = std::getenv("CORDON_PROGRESS_INTERVAL_MS")) {
    char* end = nullptr;
    const long v = std::strtol(ms, &end, 10);
    if (end != ms && *end == '\0' && v >= 0) o.interval = static_cast<double>(v) / 1000;
  }
  return std::make_unique<TerminalProgress>(stderr, std::move(o));
}

ProgressStep::ProgressStep(Progress* progress, std::string_view label, int64_t total,
                           std::string_view unit, int64_t every)
    : progress_(progress), every_(std::max<int64_t>(every, 1)) {
  if (progress_ != nullptr) progress_->Start(label, total, unit);
}

void ProgressStep::Finish() {
  if (progress_ == nullptr) return;
  progress_->Finish();
  progress_ = nullptr;
}

}  // namespace cordon
