// The banks' tables in the store: banks, bank_entries and bank_state (schema.h migration 3).
//
// Rows go in and come out as stored: signal types are their stored names ("pdq", "md5",
// "sha256", "text"), signals already canonical. Checking and canonicalising signals, text
// digests and fingerprints live in content/bank.h, which calls these.
//
// A bank change is one BankChange: it runs inside the caller's transaction when there is one and
// in a write transaction of its own otherwise, and lands whole or not at all.
//
// Errors: every failure is a Status naming the database file (Store::path()); a bank that is not
// there is an empty result or false, not an error.
//
// Thread safety: the functions and classes use the Store given from the calling thread only
// (Store's rule). Ownership: the functions borrow the Store for the call; a BankChange or a
// BankEntryWriter borrows it for its lifetime, and the Store must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// One bank (table banks).
struct BankInfo {
  std::string name;
  std::string label;
  std::string provenance;
  TimeMs created = 0;
  int64_t version = 0;  // the generation of its last change
  int64_t entries = 0;  // filled by ReadBanks (and so ListBanks, content/bank.h)
};

// One bank entry as stored (table bank_entries). Empty label, provenance, digest and
// fingerprint are stored as NULL and read back empty.
struct BankEntryRow {
  std::string signal_type;  // pdq, md5, sha256, text
  std::string signal;       // canonical
  std::string label;
  std::string provenance;
  TimeMs added = 0;
  std::string digest;       // text: sha256 of the normalised text
  std::string fingerprint;  // text: serialised MinHash, hex
};

// An entry's key within its bank.
struct BankSignalKey {
  std::string signal_type;
  std::string signal;
};

// One change to the banks: a SAVEPOINT, inside a write transaction this object begins (in turn
// with the other writers, Store::Begin) when the connection has none open. Commit() keeps the
// change; destroying the object without it rolls the change back, and the transaction too when
// it began one.
class BankChange {
 public:
  explicit BankChange(Store& store);
  ~BankChange();
  BankChange(const BankChange&) = delete;
  BankChange& operator=(const BankChange&) = delete;

  // Whether the change could start; nothing else works when not.
  const Status& status() const { return status_; }
  Status Commit();

 private:
  Store& store_;
  Status status_;
  bool own_ = false;  // began the transaction itself
  bool done_ = false;
};

// Bumps the bank generation and stamps bank `bank` with it. The first statement of each change,
// so that the write lock is taken before anything is read. Returns whether the bank exists.
StatusOr<bool> BumpBankGeneration(Store& store, std::string_view bank);
// The counter bumped by every bank change; 0 before the first.
StatusOr<int64_t> ReadBankGeneration(Store& store);

// Creates the bank (version 0) or, when it exists, sets its label and provenance.
Status UpsertBank(Store& store, const BankInfo& bank);
// Deletes the bank and its entries; false (nothing deleted) when there is no such bank.
StatusOr<bool> DeleteBankRows(Store& store, std::string_view name);
// Every bank with its entry count, by name.
StatusOr<std::vector<BankInfo>> ReadBanks(Store& store);
StatusOr<int64_t> CountBankEntries(Store& store, std::string_view bank);

// Writes entries of one bank: a new entry as given, an existing one (same type and signal)
// takes the new label and provenance and keeps the rest. Prepared once for many Put calls.
class BankEntryWriter {
 public:
  explicit BankEntryWriter(Store& store);
  ~BankEntryWriter();
  BankEntryWriter(const BankEntryWriter&) = delete;
  BankEntryWriter& operator=(const BankEntryWriter&) = delete;

  // Whether it could be prepared; Put fails with this when not.
  const Status& status() const;
  Status Put(std::string_view bank, const BankEntryRow& entry);

 private:
  struct Rep;
  Store& store_;
  std::unique_ptr<Rep> rep_;
};

// Deletes the entries with these keys; returns how many were there.
StatusOr<int64_t> DeleteBankEntryRows(Store& store, std::string_view bank,
                                      const std::vector<BankSignalKey>& keys);
// Calls f for each entry of the bank in (signal_type, signal) order; stops at f's first error
// and returns it.
Status ForEachBankEntryRow(Store& store, std::string_view bank,
                           const std::function<Status(const BankEntryRow&)>& f);

}  // namespace cordon
