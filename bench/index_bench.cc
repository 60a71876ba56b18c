// PDQ radius search: cordon's index against FAISS IndexBinaryMultiHash (HMA's choice: 16 maps of
// 16 bits, nflip = radius / 16) and IndexBinaryFlat, side by side on the same random hashes with
// planted near-duplicates, checking that every query gets identical results.
//
//   index_bench [--sizes 1000000,10000000] [--queries 2000] [--flat-queries 40] [--radius 31]
//               [--threads 2] [--range-bits B] [--filter-range-bits B] [--no-faiss] [--reload DB]
//
// Each size also builds the index with bucket filters (PdqIndexOptions::bucket_filters, what
// `cordon serve` builds; --filter-range-bits overrides its range size) and checks it returns the
// same.
// --reload DB also writes the largest size into a bank in DB (a cordon store) and times loading
// it back into a matcher, as a restart would. FAISS (libfaiss-dev, scripts/install-deps.sh
// --bench) is optional: without it the cordon columns alone are printed.
// scripts/bench-index.sh runs the documented configuration.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cordon/content/bank.h"
#include "cordon/content/index.h"
#include "cordon/content/matcher.h"
#include "cordon/store/store.h"

#ifdef CORDON_HAVE_FAISS
#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>
#endif

namespace {

using cordon::PdqHash;
using cordon::PdqHit;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Process CPU seconds: single-threaded timings use these, so other work on a shared machine
// does not count against either side.
double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Resident memory now, from /proc/self/statm.
size_t RssBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<size_t>(resident) * 4096;
}

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.bits) w = rng();
  return h;
}

PdqHash Flip(const PdqHash& h, int d, std::mt19937_64& rng) {
  PdqHash out = h;
  int flipped = 0;
  while (flipped < d) {
    int b = static_cast<int>(rng() % 256);
    uint64_t bit = uint64_t{1} << (b & 63);
    if ((out.bits[b >> 6] ^ h.bits[b >> 6]) & bit) continue;
    out.bits[b >> 6] ^= bit;
    ++flipped;
  }
  return out;
}

struct Data {
  std::vector<PdqHash> entries;
  std::vector<PdqHash> queries;
};

// n random entries; each query gets 4 planted neighbours at distances 0..40 (those over the
// radius must not come back), written over random positions.
Data MakeData(size_t n, size_t queries, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Data d;
  d.entries.resize(n);
  for (auto& h : d.entries) h = RandomHash(rng);
  for (size_t q = 0; q < queries; ++q) {
    d.queries.push_back(RandomHash(rng));
    for (int k = 0; k < 4; ++k) {
      d.entries[rng() % n] = Flip(d.queries.back(), static_cast<int>(rng() % 41), rng);
    }
  }
  return d;
}

using Results = std::vector<std::vector<PdqHit>>;  // per query, sorted by id

#ifdef CORDON_HAVE_FAISS
// FAISS returns hits in its own order; cordon's come sorted by id.
void SortAll(Results& r) {
  for (auto& v : r) {
    std::sort(v.begin(), v.end(), [](const PdqHit& a, const PdqHit& b) { return a.id < b.id; });
  }
}
#endif

// Runs f(query index) over queries [0, nq) on `threads` threads; returns queries per second (of
// CPU time on one thread, of wall time on several).
template <typename F>
double RunQueries(size_t nq, int threads, F&& f) {
  if (threads <= 1) {
    double cpu = CpuNow();
    for (size_t i = 0; i < nq; ++i) f(i);
    return static_cast<double>(nq) / (CpuNow() - cpu);
  }
  auto start = Clock::now();
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i = static_cast<size_t>(t); i < nq; i += static_cast<size_t>(threads)) f(i);
      });
    }
    for (auto& th : pool) th.join();
  }
  return static_cast<double>(nq) / Seconds(start);
}

size_t CountDiff(const Results& a, const Results& b, size_t nq) {
  size_t diff = 0;
  for (size_t i = 0; i < nq; ++i) diff += !(a[i] == b[i]);
  return diff;
}

struct Args {
  std::vector<size_t> sizes = {1000000, 10000000};
  size_t queries = 2000;
  size_t flat_queries = 40;
  int radius = 31;
  int threads = 2;
  int range_bits = 0;
  int filter_range_bits = 0;  // the bucket-filtered index; 0 picks as `cordon serve` does
  bool faiss = true;
  std::string reload_db;
};

void Row(const char* what, double qps, double base) {
  if (base > 0) {
    std::printf("  %-44s %12.1f q/s   %8.2fx\n", what, qps, qps / base);
  } else {
    std::printf("  %-44s %12.1f q/s\n", what, qps);
  }
}

void RunSize(size_t n, const Args& args) {
  std::printf("\n== %zu entries, radius %d, %zu queries (%zu for flat scans)\n", n, args.radius,
              args.queries, args.flat_queries);
  Data data = MakeData(n, args.queries, 42 + n);
  const size_t nq = data.queries.size();
  const size_t nflat = std::min(args.flat_queries, nq);
  const int r = args.radius;

  // cordon
  size_t rss0 = RssBytes();
  double t0 = CpuNow();
  auto w0 = Clock::now();
  cordon::PdqIndexOptions opt;
  opt.range_bits = args.range_bits;
  opt.build_threads = args.threads;
  cordon::PdqIndex index(data.entries, opt);
  double build = CpuNow() - t0, build_wall = Seconds(w0);
  size_t rss_cordon = RssBytes() - rss0;
  std::printf(
      "cordon: build %.2f s CPU (%.2f s wall on %d threads), %s, %d ranges of %d bits, "
      "%.1f bytes/entry (%zu MB held, RSS +%zu MB), kernel %s\n",
      build, build_wall, args.threads, index.multi_index() ? "multi-index" : "flat", index.ranges(),
      index.range_bits(), static_cast<double>(index.MemoryBytes()) / n, index.MemoryBytes() >> 20,
      rss_cordon >> 20, std::string(cordon::SimdLevelName(cordon::DetectSimdLevel())).c_str());

  Results mine(nq), mine_flat(nq);
  double qps_c1 = RunQueries(nq, 1, [&](size_t i) {
    mine[i].clear();
    index.Search(data.queries[i], r, mine[i]);
  });
  double qps_cn = RunQueries(nq, args.threads, [&](size_t i) {
    mine[i].clear();
    index.Search(data.queries[i], r, mine[i]);
  });
  double qps_flat1 = RunQueries(nflat, 1, [&](size_t i) {
    mine_flat[i].clear();
    index.SearchFlat(data.queries[i], r, mine_flat[i]);
  });
  double qps_flatn = RunQueries(nflat, args.threads, [&](size_t i) {
    mine_flat[i].clear();
    index.SearchFlat(data.queries[i], r, mine_flat[i]);
  });
  // The same entries with bucket filters (what `cordon serve` builds): memory for speed.
  double qps_bf1 = 0, qps_bfn = 0;
  {
    cordon::PdqIndexOptions fopt = opt;
    fopt.bucket_filters = true;
    fopt.range_bits = args.filter_range_bits;
    double tf = CpuNow();
    cordon::PdqIndex filtered(data.entries, fopt);
    double fbuild = CpuNow() - tf;
    Results got(nq);
    qps_bf1 = RunQueries(nq, 1, [&](size_t i) {
      got[i].clear();
      filtered.Search(data.queries[i], r, got[i]);
    });
    qps_bfn = RunQueries(nq, args.threads, [&](size_t i) {
      got[i].clear();
      filtered.Search(data.queries[i], r, got[i]);
    });
    std::printf(
        "cordon with bucket filters: build %.2f s CPU, %d ranges of %d bits, %.1f bytes/entry; "
        "vs cordon search: %zu of %zu queries differ\n",
        fbuild, filtered.ranges(), filtered.range_bits(),
        static_cast<double>(filtered.MemoryBytes()) / n, CountDiff(mine, got, nq), nq);
  }
  size_t hits = 0;
  for (const auto& v : mine) hits += v.size();
  std::printf(
      "  results: %zu hits over %zu queries; cordon search vs cordon flat scan: %zu "
      "queries differ\n",
      hits, nq, CountDiff(mine, mine_flat, nflat));

  double qps_fm1 = 0, qps_fmn = 0, qps_ff1 = 0;
#ifdef CORDON_HAVE_FAISS
  if (args.faiss) {
    std::vector<uint8_t> codes(n * 32), qcodes(nq * 32);
    std::memcpy(codes.data(), data.entries.data(), codes.size());
    std::memcpy(qcodes.data(), data.queries.data(), qcodes.size());
    auto faiss_results = [&](const faiss::RangeSearchResult& res, size_t count) {
      Results out(count);
      for (size_t i = 0; i < count; ++i) {
        for (size_t j = res.lims[i]; j < res.lims[i + 1]; ++j) {
          out[i].push_back(
              {static_cast<uint32_t>(res.labels[j]), static_cast<int>(res.distances[j])});
        }
      }
      SortAll(out);
      return out;
    };
    // IndexBinaryMultiHash as HMA configures it.
    size_t rss1 = RssBytes();
    omp_set_num_threads(1);
    double t1 = CpuNow();
    faiss::IndexBinaryMultiHash mh(256, 16, 16);
    mh.add(static_cast<faiss::IndexBinary::idx_t>(n), codes.data());
    double fbuild = CpuNow() - t1;
    size_t rss_faiss = RssBytes() - rss1;
    mh.nflip = r / 16;
    std::printf(
        "faiss IndexBinaryMultiHash(256, 16, 16), nflip %d: build %.2f s CPU, RSS +%zu MB "
        "(%.1f bytes/entry)\n",
        mh.nflip, fbuild, rss_faiss >> 20, static_cast<double>(rss_faiss) / n);
    // FAISS parallelises a batch over queries with OpenMP; one call per thread count.
    Results fm;
    {
      omp_set_num_threads(1);
      faiss::RangeSearchResult res(static_cast<faiss::IndexBinary::idx_t>(nq));
      double t = CpuNow();
      mh.range_search(static_cast<faiss::IndexBinary::idx_t>(nq), qcodes.data(), r + 1, &res);
      qps_fm1 = static_cast<double>(nq) / (CpuNow() - t);
      fm = faiss_results(res, nq);
    }
    {
      omp_set_num_threads(args.threads);
      faiss::RangeSearchResult res(static_cast<faiss::IndexBinary::idx_t>(nq));
      auto t = Clock::now();
      mh.range_search(static_cast<faiss::IndexBinary::idx_t>(nq), qcodes.data(), r + 1, &res);
      qps_fmn = static_cast<double>(nq) / Seconds(t);
    }
    std::printf("  cordon vs faiss multi-hash: %zu of %zu queries differ\n",
                CountDiff(mine, fm, nq), nq);
    {
      faiss::IndexBinaryFlat flat(256);
      flat.add(static_cast<faiss::IndexBinary::idx_t>(n), codes.data());
      omp_set_num_threads(1);
      faiss::RangeSearchResult res(static_cast<faiss::IndexBinary::idx_t>(nflat));
      double t = CpuNow();
      flat.range_search(static_cast<faiss::IndexBinary::idx_t>(nflat), qcodes.data(), r + 1, &res);
      qps_ff1 = static_cast<double>(nflat) / (CpuNow() - t);
      Results ff = faiss_results(res, nflat);
      std::printf("  cordon vs faiss flat: %zu of %zu queries differ\n", CountDiff(mine, ff, nflat),
                  nflat);
    }
  }
#endif
  std::printf(
      "  queries per second, per CPU second on 1 thread, per wall second on %d (ratio to "
      "faiss IndexBinaryMultiHash, same thread count):\n",
      args.threads);
  Row("faiss IndexBinaryMultiHash, 1 thread", qps_fm1, 0);
  Row("faiss IndexBinaryFlat, 1 thread", qps_ff1, qps_fm1);
  Row("cordon Search, 1 thread", qps_c1, qps_fm1);
  Row("cordon Search, bucket filters, 1 thread", qps_bf1, qps_fm1);
  Row("cordon flat scan only, 1 thread", qps_flat1, qps_fm1);
  char label[64];
  std::snprintf(label, sizeof label, "faiss IndexBinaryMultiHash, %d threads", args.threads);
  Row(label, qps_fmn, 0);
  std::snprintf(label, sizeof label, "cordon Search, %d threads", args.threads);
  Row(label, qps_cn, qps_fmn);
  std::snprintf(label, sizeof label, "cordon Search, bucket filters, %d threads", args.threads);
  Row(label, qps_bfn, qps_fmn);
  std::snprintf(label, sizeof label, "cordon flat scan only, %d threads", args.threads);
  Row(label, qps_flatn, qps_fmn);
}

int LoadBack(const std::string& path);

// Writes n random PDQ entries into a bank (unless there from an earlier run) and times a
// matcher loading them.
int Reload(const std::string& path, size_t n) {
  std::printf("\n== reload: %zu PDQ entries from %s\n", n, path.c_str());
  {
    // A store left by an earlier run with the same bank is reused: writing it is slow.
    auto existing = cordon::Store::Open(path);
    if (existing.ok()) {
      auto bank = cordon::FindBank(**existing, "bench");
      if (bank.ok() && bank->has_value() && static_cast<size_t>((*bank)->entries) == n) {
        existing->reset();
        return LoadBack(path);
      }
    }
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto store = cordon::Store::Open(path);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  std::mt19937_64 rng(7);
  auto t0 = Clock::now();
  cordon::BankInfo info{"bench", "benchmark", "random hashes"};
  cordon::Status s = cordon::CreateBank(**store, info, 0);
  std::vector<cordon::BankEntry> batch;
  for (size_t i = 0; i < n && s.ok(); ++i) {
    cordon::BankEntry e;
    e.type = cordon::SignalType::kPdq;
    e.signal = RandomHash(rng).Hex();
    batch.push_back(std::move(e));
    if (batch.size() == 100000 || i + 1 == n) {
      auto added = cordon::AddEntries(**store, "bench", batch, 0);
      if (!added.ok()) s = added.status();
      batch.clear();
    }
  }
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("  write: %.2f s\n", Seconds(t0));
  store->reset();
  return LoadBack(path);
}

// Times a matcher loading the bank, as after a restart.
int LoadBack(const std::string& path) {
  auto reader = cordon::Store::Open(path);
  if (!reader.ok()) return 1;
  size_t rss0 = RssBytes();
  auto t1 = Clock::now();
  double c1 = CpuNow();
  cordon::Matcher matcher(**reader, {});
  cordon::Status loaded = matcher.Refresh();
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.ToString().c_str());
    return 1;
  }
  double secs = Seconds(t1), cpu = CpuNow() - c1;
  std::printf(
      "  load into a matcher (read + parse + build): %.2f s wall, %.2f s CPU, %zu "
      "entries, RSS +%zu MB\n",
      secs, cpu, matcher.entries(), (RssBytes() - rss0) >> 20);
  // The store alone: the same rows read without building anything.
  double c2 = CpuNow();
  size_t rows = 0;
  cordon::Status read = cordon::ForEachEntry(**reader, "bench", [&](const cordon::StoredEntry&) {
    ++rows;
    return cordon::Status::Ok();
  });
  if (!read.ok()) {
    std::fprintf(stderr, "%s\n", read.ToString().c_str());
    return 1;
  }
  std::printf("  of which reading %zu rows from SQLite: %.2f s CPU\n", rows, CpuNow() - c2);
  return 0;
}

std::vector<size_t> ParseSizes(const char* s) {
  std::vector<size_t> out;
  while (*s) {
    char* end = nullptr;
    out.push_back(std::strtoull(s, &end, 10));
    s = *end == ',' ? end + 1 : end;
    if (end == s && *s) break;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--sizes") {
      args.sizes = ParseSizes(next());
    } else if (a == "--queries") {
      args.queries = std::strtoull(next(), nullptr, 10);
    } else if (a == "--flat-queries") {
      args.flat_queries = std::strtoull(next(), nullptr, 10);
    } else if (a == "--radius") {
      args.radius = std::atoi(next());
    } else if (a == "--threads") {
      args.threads = std::max(1, std::atoi(next()));
    } else if (a == "--range-bits") {
      args.range_bits = std::atoi(next());
    } else if (a == "--filter-range-bits") {
      args.filter_range_bits = std::atoi(next());
    } else if (a == "--no-faiss") {
      args.faiss = false;
    } else if (a == "--reload") {
      args.reload_db = next();
    } else {
      std::fprintf(
          stderr,
          "usage: index_bench [--sizes N,N] [--queries Q] [--flat-queries Q] "
          "[--radius R] [--threads T] [--range-bits B] [--filter-range-bits B] [--no-faiss] "
          "[--reload DB]\n");
      return 2;
    }
  }
#ifndef CORDON_HAVE_FAISS
  std::printf("built without FAISS: cordon columns only\n");
#endif
  std::printf("cpu kernel: %s; hardware threads: %u\n",
              std::string(cordon::SimdLevelName(cordon::DetectSimdLevel())).c_str(),
              std::thread::hardware_concurrency());
  for (size_t n : args.sizes) RunSize(n, args);
  if (!args.reload_db.empty() && !args.sizes.empty()) {
    return Reload(args.reload_db, *std::max_element(args.sizes.begin(), args.sizes.end()));
  }
  return 0;
}
