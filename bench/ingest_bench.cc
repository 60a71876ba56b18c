// Ingest throughput, side by side in one run (issue: foundation):
//   python   a plain Python json.loads loop over the file (what collection tools do)
//   simdjson simdjson's raw parse of the same file (the ceiling)
//   parse    cordon's native importer: parse, validate and normalise links, no store
//   parse-dom the same with every line parsed by simdjson's DOM (the importer before On-Demand)
//   store    the store's ingest alone (ingest/ingest.h) into a fresh SQLite store
//   ingest   the default `cordon ingest` (the pipeline: matcher and enforcement stage with the
//            regeneration detector) into a fresh SQLite store
//   incremental  the same into a copy of a store already holding --base messages (earlier
//            messages of the same chats, ingested by the default command; the base store is
//            built once and kept beside the file)
// Each row also gives its peak RSS: the process's high-water mark, reset before the row
// (/proc/self/clear_refs), so it counts what the row held plus what the bench keeps between
// rows (little: the rows free what they build); the Python row, its child's.
// Usage: ingest_bench [--messages N] [--file PATH] [--keep] [--parse-only] [--parse-row]
//                     [--base N]
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/ingest.h"
#include "cordon/model/event_json.h"
#include "cordon/model/links.h"
#include "cordon/pipeline/pipeline.h"
#include "cordon/store/store.h"

namespace {
using namespace cordon;
using Clock = std::chrono::steady_clock;

// Deterministic generator of realistic messages: a mix of text with links, media and forwards.
// Message i has id `first_id + i` and time `first_time + 500 ms * i`.
void Generate(const std::string& path, int64_t n, int64_t first_id = 0,
              int64_t first_time = 1572566400000, uint64_t seed = 88172645463325252ull) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  uint64_t x = seed;
  auto rnd = [&]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  static const char* kWords[] = {"release",
                                 "update",
                                 "statement",
                                 "mirror",
                                 "bulletin",
                                 "region",
                                 "report",
                                 "new",
                                 "today",
                                 "channel",
                                 "daily",
                                 "note",
                                 "join",
                                 "\xD8\xA8\xD9\x8A\xD8\xA7\xD9\x86",
                                 "\xD8\xAE\xD8\xA8\xD8\xB1"};
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    MessageEvent m;
    m.chat = "telegram:channel" + std::to_string(1000 + rnd() % 5000);
    m.key = m.chat + "/" + std::to_string(first_id + i);
    m.time = first_time + i * 500;
    m.from = "telegram:user" + std::to_string(rnd() % 20000);
    int words = 8 + static_cast<int>(rnd() % 24);
    for (int w = 0; w < words; ++w) {
      if (w) m.text += ' ';
      m.text += kWords[rnd() % (sizeof kWords / sizeof *kWords)];
    }
    if (rnd() % 3 == 0) {
      std::string l = "https://t.me/+Inv" + std::to_string(rnd() % 100000);
      m.text += " " + l;
      m.links.push_back(l);
    }
    if (rnd() % 4 == 0) {
      char hex[65];
      for (int k = 0; k < 64; ++k) hex[k] = "0123456789abcdef"[rnd() % 16];
      hex[64] = 0;
      m.media.push_back(Media{"photo", hex, "", hex, ""});
    }
    if (rnd() % 3 == 0) {
      std::string src = "telegram:channel" + std::to_string(1000 + rnd() % 5000);
      m.forward =
          ForwardOrigin{src, src + "/" + std::to_string(rnd() % 100000), "", m.time - 60000};
    }
    m.views = static_cast<int64_t>(rnd() % 50000);
    AppendEventJson(m, out);
    if (out.size() > (1 << 20)) {
      std::fwrite(out.data(), 1, out.size(), f);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), f);
  std::fclose(f);
}

class NormalisingSink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location&) override {
    if (auto* m = std::get_if<MessageEvent>(&e)) {
      for (const auto& l : m->links) {
        if (auto n = NormalizeLink(l)) links += n->normalized.size();
      }
    }
    ++events;
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view) override { ++rejects; }
  void OnWeird(std::string_view, std::string_view, const Location&) override {}
  int64_t events = 0, rejects = 0, links = 0;
};

double Seconds(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

// The process's peak RSS counter restarts from its current RSS (Linux 4.0 and later).
void ResetPeakRss() {
  if (FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

// The process's peak RSS since the last reset, MB (VmHWM); 0 when unknown.
double PeakRssMb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb / 1024.0;
}

void RemoveDb(const std::string& db) {
  for (const char* ext : {"", "-wal", "-shm", "-gate"}) std::filesystem::remove(db + ext);
}

// The default `cordon ingest` of `inputs` into `db`: seconds, or a negative value on failure.
double IngestLikeTheCli(const std::string& db, const std::string& input, int64_t want) {
  auto t = Clock::now();
  pipeline::PipelineOptions o;
  o.db = db;
  o.inputs = {input};
  auto r = pipeline::RunPipeline(o);
  const double sec = Seconds(t);
  if (!r.ok() || r->ingest.events != want) {
    std::printf("ingest failed: %s\n", r.ok() ? "event count" : r.status().ToString().c_str());
    return -1;
  }
  if (r->enforce && !r->enforce->recomputed.empty()) {
    std::printf("note: the detections were recomputed (%s)\n", r->enforce->recomputed.c_str());
  }
  if (r->enforce && r->enforce->warmup_events > 0) {
    std::printf("note: the detector %s %lld stored events%s%s\n",
                r->enforce->resumed ? "went on from its saved state of" : "replayed",
                static_cast<long long>(r->enforce->warmup_events),
                r->enforce->state_unusable.empty() ? "" : "; saved state: ",
                r->enforce->state_unusable.c_str());
  }
  return sec;
}

// A store holding `base` messages earlier than the file's, in the same chats, as the default
// `cordon ingest` leaves it (detections current, the detector's state saved), built once and
// kept (at `path`.cli-base-N.db) for later runs.
StatusOr<std::string> BaseStore(const std::string& path, int64_t base) {
  const std::string db = path + ".cli-base-" + std::to_string(base) + ".db";
  if (std::filesystem::exists(db)) return db;
  const std::string file = path + ".base-" + std::to_string(base) + ".ndjson";
  std::printf("building the base store %s (%lld messages, once)\n", db.c_str(),
              static_cast<long long>(base));
  Generate(file, base, 1000000000, 1572566400000 - base * 500, 2463534242ull);
  const std::string partial = db + ".partial";
  RemoveDb(partial);
  if (IngestLikeTheCli(partial, file, base) < 0) return Status::Internal("base ingest failed");
  std::filesystem::remove(file);
  std::filesystem::rename(partial, db);  // closed: its WAL is checkpointed into it
  RemoveDb(partial);                     // what the store left beside it
  return db;
}
}  // namespace

int main(int argc, char** argv) {
  int64_t n = 1000000;
  std::string path = "/tmp/cordon-ingest-bench.ndjson";
  bool keep = false;
  bool parse_only = false;  // every row but ingest
  bool parse_row = false;   // only the parse row, for a profiler
  int64_t base = 0;         // messages already in the store for the incremental row
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf(
          "usage: ingest_bench [--messages N] [--file PATH] [--keep] [--parse-only] "
          "[--parse-row]\n"
          "  --messages N  messages to generate when PATH does not exist (default 1000000)\n"
          "  --file PATH   the NDJSON file (default /tmp/cordon-ingest-bench.ndjson)\n"
          "  --keep        keep the file (and the store) afterwards\n"
          "  --parse-only  python, simdjson, parse and parse-dom rows; no ingest into a store\n"
          "  --parse-row   only cordon's parse, timed alone (for a profiler)\n"
          "  --base N      also ingest into a store already holding N earlier messages (built\n"
          "                once by the default command, kept at PATH.cli-base-N.db)\n");
      return 0;
    }
    if (a == "--messages" && i + 1 < argc)
      n = std::atoll(argv[++i]);
    else if (a == "--file" && i + 1 < argc)
      path = argv[++i];
    else if (a == "--keep")
      keep = true;
    else if (a == "--parse-only")
      parse_only = true;
    else if (a == "--parse-row")
      parse_row = true;
    else if (a == "--base" && i + 1 < argc)
      base = std::atoll(argv[++i]);
  }
  if (!std::filesystem::exists(path)) Generate(path, n);
  const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("file: %s, %lld messages, %.1f MB\n", path.c_str(), static_cast<long long>(n), mb);

  if (parse_row) {
    auto t = Clock::now();
    NormalisingSink sink;
    Status s = MakeNativeImporter()->Import(InputFile{path}, ImportLimits{}, sink);
    std::printf("parse %.2f s, %lld events, %s\n", Seconds(t), static_cast<long long>(sink.events),
                s.ToString().c_str());
    return s.ok() ? 0 : 1;
  }
  auto t = Clock::now();
  std::string py =
      "python3 -c \"import json,sys\nn=0\nfor line in open(sys.argv[1], "
      "encoding='utf-8'):\n    json.loads(line); n+=1\nprint(n)\" " +
      path + " > /dev/null";
  if (std::system(py.c_str()) != 0) std::printf("python loop failed\n");
  double python_s = Seconds(t);
  struct rusage children {};
  getrusage(RUSAGE_CHILDREN, &children);
  const double python_rss = static_cast<double>(children.ru_maxrss) / 1024.0;

  ResetPeakRss();
  t = Clock::now();
  int64_t docs = 0;
  {
    simdjson::padded_string data;
    if (simdjson::padded_string::load(path).get(data)) return 1;
    simdjson::dom::parser parser;
    simdjson::dom::document_stream stream;
    if (parser.parse_many(data).get(stream)) return 1;
    for (auto doc : stream) {
      if (!doc.error()) ++docs;
    }
  }
  double simd_s = Seconds(t);
  const double simd_rss = PeakRssMb();

  ResetPeakRss();
  t = Clock::now();
  NormalisingSink sink;
  Status s = MakeNativeImporter()->Import(InputFile{path}, ImportLimits{}, sink);
  double parse_s = Seconds(t);
  const double parse_rss = PeakRssMb();
  if (!s.ok() || sink.events != n || sink.rejects != 0) {
    std::printf("parse failed: %s events=%lld\n", s.ToString().c_str(),
                static_cast<long long>(sink.events));
    return 1;
  }

  // The same importer with every line through the DOM (no On-Demand fast path), for the A/B.
  ResetPeakRss();
  t = Clock::now();
  NormalisingSink dom_sink;
  s = MakeNativeDomImporter()->Import(InputFile{path}, ImportLimits{}, dom_sink);
  double dom_s = Seconds(t);
  const double dom_rss = PeakRssMb();
  if (!s.ok() || dom_sink.events != n || dom_sink.links != sink.links) {
    std::printf("DOM parse differs: %s events=%lld\n", s.ToString().c_str(),
                static_cast<long long>(dom_sink.events));
    return 1;
  }

  const std::string db = path + ".db";
  double store_s = 0, ingest_s = 0, incremental_s = 0;
  double store_rss = 0, ingest_rss = 0, incremental_rss = 0;
  if (!parse_only) {
    RemoveDb(db);
    ResetPeakRss();
    t = Clock::now();
    auto store = Store::Open(db);
    if (!store.ok()) return 1;
    IngestOptions opt;
    auto report = Ingest(**store, {path}, opt);
    store_s = Seconds(t);
    if (!report.ok() || report->events != n) return 1;
    store->reset();
    store_rss = PeakRssMb();
    RemoveDb(db);
    ResetPeakRss();
    ingest_s = IngestLikeTheCli(db, path, n);
    ingest_rss = PeakRssMb();
    if (ingest_s < 0) return 1;
  }
  if (!parse_only && base > 0) {
    auto base_db = BaseStore(path, base);
    if (!base_db.ok()) {
      std::printf("base store: %s\n", base_db.status().ToString().c_str());
      return 1;
    }
    const std::string copy = path + ".incremental.db";
    RemoveDb(copy);
    std::filesystem::copy_file(*base_db, copy);
    ::sync();  // the copy's 4 GB written back before the clock starts, not during the ingest
    ResetPeakRss();
    incremental_s = IngestLikeTheCli(copy, path, n);
    incremental_rss = PeakRssMb();
    RemoveDb(copy);
    if (incremental_s < 0) return 1;
  }

  auto row = [&](const char* name, double sec, double rss) {
    std::printf("%-11s %8.2f s %10.0f msg/s %8.1f MB/s %7.2fx python %8.0f MB\n", name, sec,
                n / sec, mb / sec, python_s / sec, rss);
  };
  std::printf("%-11s %10s %16s %13s %14s %17s\n", "", "time", "throughput", "", "ratio",
              "peak RSS");
  row("python", python_s, python_rss);
  row("simdjson", simd_s, simd_rss);
  row("parse", parse_s, parse_rss);
  row("parse-dom", dom_s, dom_rss);
  if (!parse_only) row("store", store_s, store_rss);
  if (!parse_only) row("ingest", ingest_s, ingest_rss);
  if (incremental_s > 0) row("incremental", incremental_s, incremental_rss);
  std::printf("parse / simdjson parse_many: %.2fx\n", simd_s / parse_s);
  if (docs != n)
    std::printf("warning: simdjson saw %lld documents\n", static_cast<long long>(docs));
  if (!keep) {
    std::filesystem::remove(path);
    RemoveDb(db);
  }
  return 0;
}
