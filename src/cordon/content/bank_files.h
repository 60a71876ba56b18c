// Bank files as wholes (`cordon bank import|export`): reading and parsing one, storing what it
// held into a bank created when missing, and writing a bank out as cordon CSV (bank.h has the
// formats and the row-level functions).
//
// Thread safety: functions taking a Store use it from the calling thread only (Store's rule).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "cordon/content/bank.h"

namespace cordon {

// The system clock in milliseconds, the time bank changes made by hand are stamped with.
TimeMs BankTimeNow();

// Reads the file at `path` (up to 4 GiB) and parses it (ParseBankFile).
StatusOr<ParsedBank> ReadBankFile(const std::string& path, const ImportOptions& options);

// Adds `entries` to `bank.name`, first creating the bank with bank.label and bank.provenance
// when it is missing (an existing bank keeps its own). Returns the entries that were new.
StatusOr<int64_t> AddToBank(Store& store, const BankInfo& bank,
                            const std::vector<BankEntry>& entries, TimeMs now,
                            Progress* progress = nullptr);

struct BankImportCounts {
  int64_t added = 0;    // entries that were new
  int64_t removed = 0;  // entries of parsed.removals that were there
};
// `cordon bank import`: in one transaction, adds parsed.entries to `bank.name` (created when
// missing, as AddToBank) and removes parsed.removals from it.
StatusOr<BankImportCounts> ImportIntoBank(Store& store, const BankInfo& bank,
                                          const ParsedBank& parsed, TimeMs now,
                                          Progress* progress = nullptr);

// `cordon bank add`: creates the bank `given.name` when missing; with no signals, also updates
// an existing bank's label and provenance to those given (keeping what is empty). Then adds the
// signals, of `type`, with the given label and provenance. Returns the entries that were new.
StatusOr<int64_t> DefineBank(Store& store, const BankInfo& given, SignalType type,
                             const std::vector<std::string>& signals, TimeMs now);

// One JSON object: name, label, provenance, created, version, entries.
std::string BankInfoJson(const BankInfo& bank);

// Writes every entry of `bank` as cordon CSV to `out` (borrowed, left open).
Status ExportBankCsv(Store& store, std::string_view bank, std::FILE* out);

}  // namespace cordon
