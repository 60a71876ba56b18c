// Where a Matcher (matcher.h) reads its banks: a cheap generation to poll, the banks with their
// versions, and the entries of one bank. The store is the default source (StoreBankSource, the
// tables of bank.h); `cordon worker --banks nats` reads a copy kept in a NATS key-value bucket
// (distribute/bank_sync.h).
//
// A source's generation moves whenever any bank changes, and a bank's version whenever that
// bank does: the Matcher rebuilds only the banks whose version moved.
//
// Thread safety: a source is used from one thread at a time (the Matcher's refreshing thread).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "cordon/content/bank.h"

namespace cordon {

class BankSource {
 public:
  virtual ~BankSource() = default;
  // The counter that moves with every bank change; 0 before the first.
  virtual StatusOr<int64_t> Generation() = 0;
  // Every bank, by name: name, label and version at least.
  virtual StatusOr<std::vector<BankInfo>> Banks() = 0;
  // Calls f for each entry of `bank` as it was at bank.version, in (signal_type, signal)
  // order; stops at f's first error. A source that no longer has that version fails.
  virtual Status ForEachEntry(const BankInfo& bank,
                              const std::function<Status(const StoredEntry&)>& f) = 0;
};

// The banks' tables of a store (bank.h). Borrows the store, which must outlive it.
class StoreBankSource : public BankSource {
 public:
  explicit StoreBankSource(Store& store) : store_(store) {}
  StatusOr<int64_t> Generation() override;
  StatusOr<std::vector<BankInfo>> Banks() override;
  Status ForEachEntry(const BankInfo& bank,
                      const std::function<Status(const StoredEntry&)>& f) override;

 private:
  Store& store_;
};

}  // namespace cordon
