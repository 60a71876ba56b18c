// The matches table (message, media index, bank, signal: what matched and how closely) and the
// stored message content the matcher reads back (schema.h).
//
// Rows go in and come out as stored; matching itself lives in content/matcher.h, which calls
// these. Nothing here opens a transaction: writes land in whatever transaction the caller holds
// (Store::Begin).
//
// Errors: every failure is a Status naming the database file (Store::path()).
//
// Thread safety: a MatchWriter and the functions use their Store from one thread at a time, the
// thread that owns that Store (Store's rule). Ownership: a MatchWriter borrows its Store, which
// must outlive it; the functions borrow the Store for the call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cordon/model/event.h"
#include "cordon/model/evidence.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// One match (table matches). Empty query, label and chat are stored as NULL.
struct MatchRow {
  std::string message;     // the message key
  int64_t media_idx = -1;  // -1: the message text
  std::string bank;
  std::string signal_type;  // pdq, md5, sha256, text
  std::string signal;       // the bank entry's signal
  int64_t distance = 0;
  std::string query;  // the media hash, or the sha256 of the normalised text
  std::string label;
  std::string chat;
  TimeMs time = 0;  // the message's
};

// A match as evidence (model/evidence.h): signal "match", refs = the message and the bank entry
// it matched ("bank/signal_type/signal"), value = the distance, time = the message's, detail =
// the label (empty when it has none).
Evidence MatchEvidence(const MatchRow& match);

// Writes matches: an upsert by message, media index, bank, signal type and signal, so writing a
// match twice stores it once (the later distance, query, label, chat and time win). Prepared
// once for many Put calls.
class MatchWriter {
 public:
  explicit MatchWriter(Store& store);
  ~MatchWriter();
  MatchWriter(const MatchWriter&) = delete;
  MatchWriter& operator=(const MatchWriter&) = delete;

  // Whether it could be prepared; Put fails with this when not.
  const Status& status() const;
  // The store it writes to.
  Store& store() const { return store_; }
  Status Put(const MatchRow& match);

 private:
  struct Rep;
  Store& store_;
  std::unique_ptr<Rep> rep_;
};

// Calls f for every stored message in id order with what matching reads of it: key, chat, time,
// text, and media (kind, sha256, md5, pdq) at their stored indexes, gaps left as empty media.
// Stops at f's first error and returns it.
Status ForEachMessageContent(Store& store, const std::function<Status(const MessageEvent&)>& f);

}  // namespace cordon
