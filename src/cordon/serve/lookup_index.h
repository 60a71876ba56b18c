// The PDQ lookup index behind HMA's /m/lookup: one PdqIndex (content/index.h) per bank with the
// bank content id of each entry (store/serve_tables.h) and the bank's matching flag.
//
// Readers take the current snapshot (a shared_ptr to an immutable value) and keep it for the
// request, so a reload never shows them half an index. Refresh rebuilds only the banks whose
// version moved since the last snapshot and shares the others with it, then swaps the pointer:
// memory holds the new snapshot and whatever old ones readers still hold, nothing more (HMA
// issue #1813 is memory growing on every reload).
//
// Thread safety: Current, loaded and stats may be called from any thread at any time. Refresh
// runs one at a time (it takes a mutex) and uses the Store given on the calling thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/content/index.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::serve {

struct LookupBank {
  int64_t version = 0;
  PdqIndex index;
  std::vector<int64_t> ids;  // bank content id of each index entry
};

struct LookupSnapshot {
  struct Entry {
    std::shared_ptr<const LookupBank> bank;
    bool enabled = true;
  };
  int64_t generation = -1;
  std::map<std::string, Entry, std::less<>> banks;
  size_t entries = 0;
};

struct LookupHit {
  int64_t id = 0;
  int distance = 0;
};

// The service answers lookups, so its indexes trade memory for speed: bucket filters (16 bytes
// per entry per table) make a 1M-entry search several times faster (docs/benchmarks.md, "Index").
inline PdqIndexOptions ServeIndexOptions() {
  PdqIndexOptions options;
  options.bucket_filters = true;
  return options;
}

// The banks named by /m/lookup's `banks=A,B` (empty names skipped); empty means every bank.
std::vector<std::string> SplitBankList(std::string_view list);

class LookupIndex {
 public:
  explicit LookupIndex(PdqIndexOptions options = ServeIndexOptions()) : options_(options) {}

  // Loads what changed since the last snapshot (everything the first time).
  Status Refresh(Store& store);
  // Whether a first snapshot has been loaded.
  bool loaded() const { return loaded_.load(std::memory_order_acquire); }
  std::shared_ptr<const LookupSnapshot> Current() const;
  int64_t reloads() const { return reloads_.load(std::memory_order_relaxed); }

 private:
  PdqIndexOptions options_;
  std::mutex refresh_mu_;  // one Refresh at a time
  mutable std::mutex mu_;  // guards current_ (the pointer, not what it points to)
  std::shared_ptr<const LookupSnapshot> current_ = std::make_shared<LookupSnapshot>();
  std::atomic<bool> loaded_{false};
  std::atomic<int64_t> reloads_{0};
};

}  // namespace cordon::serve
