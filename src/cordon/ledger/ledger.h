// The enforcement ledger: every takedown, reinstatement, appeal, referral decision, automatic
// policy action, preservation hold and purge, as an append-only audit log made tamper-evident
// by hash-chaining (docs/enforcement.md).
//
// Each entry stores prev_hash and hash = SHA-256(prev_hash || CanonicalJson(entry)), hex; the
// first entry's prev_hash is 64 zeros. Verify() recomputes the chain from the stored columns and
// names the first entry that does not check out, so an edit, insertion or deletion anywhere but
// at the tail shows; the tail is covered by comparing the head hash with one kept elsewhere.
//
// Takedowns and reinstatements recorded here are also applied to the store's takedowns table
// (as TakedownEvent / ReinstateEvent), so every later stage sees them. Takedowns that arrive
// from platform streams are mirrored the other way: MirrorEvent() during ingest, and
// SyncFromTakedowns() for rows that came in without it; both use source "platform" unless the
// stream named a known source, and decided_by "platform".
//
// Removed content is preserved: a takedown keeps the entity's messages for `preserve_months`
// (six, as the EU TCO Regulation requires) or longer under a hold; Purge() then deletes them and
// records that it did.
//
// Transactions: the methods write inside whatever transaction the caller holds (Store::Begin);
// they open none, so a CLI command or an ingest batch lands whole or not at all.
// Thread safety: a Ledger is used by one thread at a time, like its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/ledger_table.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"
#include "cordon/util/time.h"  // ParseTimeArg, which ledger callers use

namespace cordon::ledger {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr int kDefaultPreserveMonths = 6;

// Where a decision came from: the platform's own detection (and platform streams), a referral
// unit's referral or removal order, a user report, or an automatic policy rule.
bool IsKnownSource(std::string_view source);
inline constexpr std::string_view kSources[] = {"platform", "referral", "user_report", "policy"};

// A ledger row; the plain struct lives with its table (store/ledger_table.h).
using Entry = LedgerEntry;

// The bytes hashed: the entry without prev_hash and hash, keys in a fixed order, no spaces;
// evidence is embedded as stored.
std::string CanonicalJson(const Entry& e);
// Hex SHA-256 of prev_hash followed by canonical.
std::string ChainHash(std::string_view prev_hash, std::string_view canonical);
// The entry as JSON for --json output (canonical fields plus seq, prev_hash and hash).
void AppendEntryJson(std::string& out, const Entry& e);

// JSON text re-serialised canonically: object keys sorted, no whitespace, numbers in shortest
// round-trip form. Idempotent. Errors on text that is not one JSON value.
StatusOr<std::string> CanonicalizeJson(std::string_view json);

// Who runs a command, for decided_by when none is given: $CORDON_USER, else $USER, else "cli".
std::string DefaultActor();

// t plus `months` calendar months (day clamped to the month's length), same time of day.
TimeMs AddMonths(TimeMs t, int months);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs Now() const = 0;
};
class SystemClock final : public Clock {
 public:
  TimeMs Now() const override;
};
// A clock that reads a fixed time, for tests and reproducible runs.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimeMs t) : t_(t) {}
  TimeMs Now() const override { return t_; }
  void Set(TimeMs t) { t_ = t; }

 private:
  TimeMs t_;
};

struct TakedownRequest {
  std::string entity;
  TimeMs time = 0;
  std::string reason;
  std::string source = "platform";
  std::string decided_by;
  std::string evidence = "{}";  // any JSON; canonicalised
  std::string ref;
  int preserve_months = kDefaultPreserveMonths;
};

struct ReinstateRequest {
  std::string entity;
  TimeMs time = 0;
  std::string reason;
  std::string source = "platform";
  std::string decided_by;
  std::string evidence = "{}";
  int64_t appeal = 0;  // the appeal this grants; 0 for none
};

using Appeal = AppealRow;  // store/ledger_table.h

struct VerifyResult {
  int64_t entries = 0;
  std::string head = std::string(kGenesisHash);  // hash of the last entry checked
  bool ok = true;
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;
  // Inconsistencies between the ledger and the takedowns table (not chain breaks): a ledger
  // takedown or reinstatement with no takedowns row.
  std::vector<std::string> warnings;
};

// The state of an entity's removed content.
struct Preserved {
  std::string entity;
  TimeMs taken_down = 0;
  TimeMs until = 0;
  int64_t messages = 0;  // messages held (in or from the entity)
  bool purged = false;
};

using ListFilter = LedgerFilter;  // store/ledger_table.h

class Ledger {
 public:
  // The store must outlive the ledger; the clock too.
  explicit Ledger(Store& store, const Clock* clock = nullptr);

  // Appends a raw entry: fills seq, recorded, prev_hash and hash; canonicalises evidence.
  StatusOr<Entry> Append(Entry e);

  // A takedown decision. Refused when the entity is already down.
  StatusOr<Entry> Takedown(const TakedownRequest& r);
  // A reinstatement. Refused when the entity is not down; closes the appeal it grants.
  StatusOr<Entry> Reinstate(const ReinstateRequest& r);
  // Files an appeal against the entity's current takedown; returns the appeal.
  StatusOr<Appeal> FileAppeal(std::string_view entity, TimeMs time, std::string_view by,
                              std::string_view reason);
  StatusOr<Entry> DenyAppeal(int64_t id, TimeMs time, std::string_view by, std::string_view reason);
  StatusOr<std::vector<Appeal>> Appeals(std::string_view status = "");

  // Extends the preservation of an entity's removed content to `until`.
  StatusOr<Entry> Hold(std::string_view entity, TimeMs until, TimeMs time, std::string_view by,
                       std::string_view reason);
  // Entities with removed content: what is held and until when.
  StatusOr<std::vector<Preserved>> Preservation();
  // Deletes the messages (with media and links) of entities down whose preservation ended by
  // `now`; records a purge entry for each. With dry_run, only reports.
  StatusOr<std::vector<Preserved>> Purge(TimeMs now, std::string_view by, bool dry_run);

  // Mirrors a takedown or reinstatement seen in a platform stream (already applied to the
  // store). No-op for other events and for decisions the ledger already has; returns whether
  // it added an entry.
  StatusOr<bool> MirrorEvent(const Event& event);
  // Mirrors every takedowns row that has no ledger entry, in time order; returns the count.
  StatusOr<int64_t> SyncFromTakedowns();

  StatusOr<std::vector<Entry>> List(const ListFilter& filter = {});
  StatusOr<VerifyResult> Verify();

  // Whether the entity is down after every decision up to and including `at` (the takedowns
  // table, so platform stream decisions count), and since when.
  StatusOr<std::optional<TimeMs>> DownSince(std::string_view entity,
                                            std::optional<TimeMs> at = std::nullopt);

 private:
  TimeMs Now() const;

  Store& store_;
  const Clock* clock_;
};

}  // namespace cordon::ledger
