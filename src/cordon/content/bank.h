// Banks: named sets of known signals (PDQ, MD5, SHA-256, text, vPDQ videos), each with a label and
// its provenance, kept in the store (tables banks, bank_entries, bank_state; schema.h migration 3).
//
// Every change to a bank bumps bank_state.generation in the same transaction and stamps the bank
// with it (banks.version), so a running Matcher sees additions and removals without a restart:
// it polls the generation and rebuilds only banks whose version moved (matcher.h).
//
// Import reads four shapes (docs/formats/bank-csv.md):
//   csv       cordon's CSV: a header naming signal_type and signal, optional label, provenance
//             and added; any other column is kept in the provenance as name=value.
//   te        ThreatExchange / HMA sample CSV, no header: signal, descriptor id, time, tags.
//   te-file   python-threatexchange's local file exchange: "signal_type signal" per line.
//   tat       Tech Against Terrorism's TCAP hash list (also named tcap): records {id,
//             hash_digest, algorithm, ideology, file_type, deleted} (content/bank_json.h); a
//             deleted record removes its hash.
//   hma       HMA's bank content (content/bank_json.h); disabled content removes its signals.
//   vpdq      the reference vPDQ tool's hash file (content/vpdq.h): one video, one entry.
// vPDQ entries also come in the other shapes as ThreatExchange's signal (a JSON array of
// "pdq,quality,timestamp" strings; docs/formats/vpdq.md), e.g. "vpdq [...]" in a te-file.
// A bad row is rejected with its line (record, for JSON) and the rest imported.
//
// Thread safety: functions taking a Store use it from the calling thread only (Store's rule).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/bank_table.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

class Progress;

enum class SignalType { kPdq, kMd5, kSha256, kText, kVpdq };

std::string_view SignalTypeName(SignalType t);  // pdq, md5, sha256, text, vpdq
// Accepts the names above and the aliases HMA and ThreatExchange use (photo_md5, video_md5,
// raw_text, sha-256, ImagePDQ, VideoMD5...), in any case.
std::optional<SignalType> ParseSignalType(std::string_view s);

// Checks a signal value and returns its canonical form: hex digests lower-cased (64 hex digits
// for pdq and sha256, 32 for md5); text non-empty, valid UTF-8, kept as written; vpdq
// ThreatExchange's signal (or the reference's hash file text), written as FormatVpdqSignal.
StatusOr<std::string> CanonicalSignal(SignalType type, std::string_view value);

// BankInfo, a bank's row, is in store/bank_table.h.

struct BankEntry {
  SignalType type = SignalType::kPdq;
  std::string signal;
  std::string label;
  std::string provenance;
  TimeMs added = 0;  // 0: stamped with the time of AddEntries
};

// Creates the bank, or updates its label and provenance when it exists.
Status CreateBank(Store& store, const BankInfo& bank, TimeMs now);
// Removes the bank and its entries; kNotFound when there is no such bank.
Status DeleteBank(Store& store, std::string_view name);
StatusOr<std::vector<BankInfo>> ListBanks(Store& store);
StatusOr<std::optional<BankInfo>> FindBank(Store& store, std::string_view name);

// Adds entries (an entry already there keeps its added time and takes the new label and
// provenance); returns how many were new. Signals are checked and canonicalised first: any bad
// one fails the call with nothing written. The bank must exist. `progress` (borrowed, null:
// silent) gets the entries written.
StatusOr<int64_t> AddEntries(Store& store, std::string_view bank,
                             const std::vector<BankEntry>& entries, TimeMs now,
                             Progress* progress = nullptr);
// Removes entries by type and signal (canonicalised); returns how many were there.
StatusOr<int64_t> RemoveEntries(Store& store, std::string_view bank,
                                const std::vector<std::pair<SignalType, std::string>>& signals);

// A stored entry with what matching needs of it.
struct StoredEntry {
  BankEntry entry;
  std::string digest;       // text: sha256 of the normalised text; vpdq: sha256 of the signal
  std::string fingerprint;  // text: serialised MinHash (text.h), empty when too short
};
// Calls f for each entry of the bank in (signal_type, signal) order; stops at f's first error.
Status ForEachEntry(Store& store, std::string_view bank,
                    const std::function<Status(const StoredEntry&)>& f);

// The counter bumped by every bank change; 0 before the first.
StatusOr<int64_t> BankGeneration(Store& store);

// --- Import and export -----------------------------------------------------------------------

enum class BankFormat { kAuto, kCsv, kThreatExchange, kTeFile, kTat, kVpdqHashFile, kHma };
std::string_view BankFormatName(BankFormat f);  // auto, csv, te, te-file, tat, vpdq, hma
// The names above, and "tcap" for tat.
std::optional<BankFormat> ParseBankFormat(std::string_view s);

struct ImportOptions {
  BankFormat format = BankFormat::kAuto;
  // The type of every row when the format does not say (te), or when a cordon CSV has no
  // signal_type column.
  std::optional<SignalType> type;
  std::string label;       // for rows without one
  std::string provenance;  // prefixed to each row's provenance
  // Reports the bytes parsed (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
  // The time HMA's disable_until_ts is compared with; 0: the system clock.
  TimeMs now = 0;
};

struct ImportReject {
  Location where;
  std::string reason;
};

struct ParsedBank {
  BankFormat format = BankFormat::kAuto;  // the format read
  std::vector<BankEntry> entries;         // canonical signals
  // Signals the file says are gone (a TCAP record `deleted`, HMA content disabled): to be
  // removed from the bank. Never also in `entries`: the file's last word on a signal wins.
  std::vector<BankEntry> removals;
  std::vector<ImportReject> rejects;
};

// Parses a bank file's bytes; `name` is the file name for locations (and for guessing the
// signal type of a te file: "vpdq", "pdq", "md5", "sha256" or "text" in it). Fails only when the
// format cannot be told or the file as a whole is unreadable; bad rows are rejects.
StatusOr<ParsedBank> ParseBankFile(std::string_view content, const std::string& name,
                                   const ImportOptions& options);

// cordon's CSV: header signal_type,signal,label,provenance,added; fields quoted when needed.
// Importing it back gives the same entries.
void AppendCsvHeader(std::string& out);
void AppendCsvRow(std::string& out, const BankEntry& e);

}  // namespace cordon
