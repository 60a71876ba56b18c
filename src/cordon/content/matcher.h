// The matcher: every message's text and media hashes against the banks in the store.
//
// It keeps an immutable in-memory snapshot of the banks (a PDQ index, digest maps and a text
// LSH index per bank) and swaps in a new one when the banks change: Refresh reads the bank
// generation (bank.h) and rebuilds only the banks whose version moved, so adding or removing
// entries takes effect without a restart and a reload never holds two copies of an unchanged
// bank. MaybeRefresh does the same at most once per refresh interval, cheap enough to call per
// message. The banks come from a BankSource (bank_source.h): the store's tables by default, or
// another copy of them (a worker's NATS key-value bucket, distribute/bank_sync.h).
//
// Matches are stored with the message (table matches: message, media index or -1 for the
// text, bank, signal type and signal, distance, the query hash, label, chat and time), so later
// stages can ask which chats carried known content, when, and how altered (the distance).
// Distances: PDQ in bits; md5 and sha256 0; text 0 for the same normalised text, otherwise
// round(100 * (1 - estimated Jaccard similarity)); vpdq round(100 - the query's match percent).
// A vpdq match names its entry by the sha256 of the entry's signal (bank.h, StoredEntry::digest)
// rather than the signal itself, and its query is the video's sha256.
//
// vPDQ entries (videos) are indexed by content/vpdq_index.h: each bank's video frames in one PDQ
// index, the reference's rule applied per candidate video with MatcherOptions::vpdq.
//
// Thread safety: MatchMessage and LookupPdq may run from many threads at once, also while
// another thread runs Refresh (they read the snapshot current when they start). Refresh,
// MaybeRefresh and Process use the bank source and must come from one thread at a time, the
// thread that owns that source (and its Store). Ownership: the Matcher borrows the source
// Store or BankSource, which must outlive it, and keeps a match writer (store/match_table.h) on
// the Store StoreMatches wrote to last, which must outlive it too.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cordon/content/bank.h"
#include "cordon/content/bank_source.h"
#include "cordon/content/index.h"
#include "cordon/content/pdq.h"
#include "cordon/content/text.h"
#include "cordon/content/vpdq.h"
#include "cordon/model/event.h"
#include "cordon/store/match_table.h"
#include "cordon/store/store.h"

namespace cordon {

struct MatcherOptions {
  std::vector<std::string> banks;  // match only these banks; empty: all
  int pdq_radius = kPdqMatchDistance;
  double text_similarity = kTextMatchSimilarity;
  // MaybeRefresh polls the bank generation at most this often; 0 polls on every call.
  int64_t refresh_interval_ms = 1000;
  // MaybeRefresh loads a change it saw after a random delay of up to this many milliseconds,
  // so that processes sharing one store (`cordon worker`s) do not all read the changed bank and
  // rebuild its index in the same instant; 0 loads at once. Refresh always loads at once.
  int64_t reload_jitter_ms = 0;
  uint64_t jitter_seed = 0;  // 0: a random seed
  // When set, a refresh that fails in MaybeRefresh (a bank source away, a copy half written or
  // corrupt) keeps the current snapshot, is reported here, and is tried again at the next poll,
  // rather than failing MaybeRefresh and Process. Unset: the failure is returned.
  std::function<void(const Status&)> on_refresh_error;
  PdqIndexOptions index;
  // The video rule; by default the reference's Python signal type's: 80% of the query's frames
  // must match and any share of the banked video's (a trimmed copy matches its original).
  VpdqMatchOptions vpdq{.distance = 31, .quality = 50, .query_percent = 80, .target_percent = 0};
};

struct Match {
  int media_idx = -1;  // -1: the message text
  std::string bank;
  SignalType type = SignalType::kPdq;
  std::string signal;  // the bank entry's signal
  std::string label;   // the entry's label, else its bank's
  int distance = 0;
  std::string query;  // the media hash, or the sha256 of the normalised text
  friend bool operator==(const Match&, const Match&) = default;
};

class Matcher {
 public:
  // Reads the banks of `source` (StoreBankSource).
  Matcher(Store& source, MatcherOptions options);
  Matcher(BankSource& source, MatcherOptions options);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Loads the banks changed since the last refresh (all of them the first time).
  Status Refresh();
  // Refresh, when the refresh interval has passed since the last check.
  Status MaybeRefresh();

  // Every match of the message's text and media, ordered by media index, bank, type, signal.
  std::vector<Match> MatchMessage(const MessageEvent& m) const;
  // PDQ entries within `radius` of the hash, in every loaded bank (or only `bank`).
  std::vector<Match> LookupPdq(const PdqHash& query, int radius,
                               const std::string& bank = "") const;
  // vPDQ entries matching the video `frames` under options.vpdq, in every loaded bank (or only
  // `bank`); `query` is put in each Match's query field.
  std::vector<Match> LookupVpdq(const std::vector<VpdqFrame>& frames, const std::string& query,
                                const std::string& bank = "") const;

  // Writes matches of `m` to `store` (an upsert by message, media index, bank and signal, so
  // ingesting twice stores nothing twice).
  Status StoreMatches(Store& store, const MessageEvent& m, const std::vector<Match>& matches);
  // MaybeRefresh, MatchMessage, then StoreMatches. Returns how many matches.
  StatusOr<size_t> Process(Store& store, const MessageEvent& m);

  // The bank generation of the current snapshot, its banks and entries.
  int64_t generation() const;
  size_t banks() const;
  size_t entries() const;
  // Refreshes that failed in MaybeRefresh and were reported to options.on_refresh_error.
  int64_t refresh_errors() const { return refresh_errors_; }

  struct Bank;  // one loaded bank (matcher.cc)
  struct Snapshot;

 private:
  std::shared_ptr<const Snapshot> Current() const;
  Status PollAndRefresh();  // MaybeRefresh without on_refresh_error

  std::unique_ptr<BankSource> own_source_;  // when made from a Store
  BankSource& source_;
  MatcherOptions options_;
  mutable std::mutex mu_;  // guards current_ (the pointer, not what it points to)
  std::shared_ptr<const Snapshot> current_;
  std::chrono::steady_clock::time_point last_check_{};
  bool checked_ = false;
  // A change seen by MaybeRefresh and waiting for its jittered load (reload_jitter_ms).
  std::optional<std::chrono::steady_clock::time_point> reload_at_;
  std::mt19937_64 jitter_;
  int64_t refresh_errors_ = 0;
  std::unique_ptr<MatchWriter> write_;  // for the store StoreMatches wrote to last
};

// Matches every stored message (text and media) against the matcher's banks and stores the
// matches: for banks added after the messages were ingested. Returns how many matches.
StatusOr<int64_t> RematchStore(Store& store, Matcher& matcher);

}  // namespace cordon
