// The enforcement ledger's tables in the store: ledger (the hash-chained entries), appeals, and
// what the ledger reads of takedowns, messages and entities (schema.h).
//
// Rows go in and come out as stored: the hash chain, canonical JSON and every rule about which
// decision may follow which live in ledger/ledger.h, which calls these. Nothing here opens a
// transaction: writes land in whatever transaction the caller holds (Store::Begin).
//
// Errors: every failure is a Status naming the database file (Store::path()). A row that is not
// there is not an error: the functions return an empty optional or false.
//
// Thread safety: the functions use the Store given from the calling thread only (Store's rule).
// Ownership: they borrow the Store for the call and keep nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// One ledger row (table ledger). ledger::Entry is this type.
struct LedgerEntry {
  int64_t seq = 0;
  TimeMs time = 0;      // when the decision took effect
  TimeMs recorded = 0;  // when it was written (the ledger's clock)
  std::string action;   // takedown, reinstate, appeal, appeal_denied, referral, referral_actioned,
                        // referral_rejected, review, watch, preserve, purge
  std::string entity;
  std::string reason;
  std::string source;
  std::string decided_by;
  std::string evidence = "{}";  // canonical JSON
  std::string ref;              // referral id, appeal id, policy rule; "" when none
  std::optional<TimeMs> preserve_until;
  std::string prev_hash;
  std::string hash;
};

// Which ledger rows ListLedgerEntries returns. ledger::ListFilter is this type.
struct LedgerFilter {
  std::string entity;  // "": any
  std::string action;  // "": any
  std::optional<TimeMs> since, until;
  int64_t limit = 0;      // 0: all
  int64_t after_seq = 0;  // only entries with a higher seq (paging, streaming)
};

// The last entry of the chain: what the next entry links to.
struct LedgerTip {
  int64_t seq = 0;
  std::string hash;
};

// One appeal (table appeals). ledger::Appeal is this type.
struct AppealRow {
  int64_t id = 0;
  std::string entity;
  TimeMs filed = 0;
  std::string filed_by, reason;
  std::string status;  // open, granted, denied
  std::optional<TimeMs> decided;
  std::string decided_by, decision;
};

// What Purge deleted of one entity.
struct PurgedRows {
  int64_t media = 0;
  int64_t links = 0;
  int64_t messages = 0;
};

// --- Ledger entries ----------------------------------------------------------------------------

// The entry with the highest seq; empty when the ledger is empty.
StatusOr<std::optional<LedgerTip>> ReadLedgerTip(Store& store);
// Writes the entry as given (seq, hashes and all); fails when its seq is taken.
Status InsertLedgerEntry(Store& store, const LedgerEntry& entry);
// Whether an entry records `action` on `entity` at `time`.
StatusOr<bool> LedgerHasDecision(Store& store, std::string_view entity, TimeMs time,
                                 std::string_view action);
// Entries matching the filter, in seq order.
StatusOr<std::vector<LedgerEntry>> ListLedgerEntries(Store& store, const LedgerFilter& filter);
// Calls f for every entry in seq order until f returns false.
Status ForEachLedgerEntry(Store& store, const std::function<bool(const LedgerEntry&)>& f);
// The takedown, reinstate, preserve and purge entries, in seq order: what preservation is
// replayed from.
StatusOr<std::vector<LedgerEntry>> ReadPreservationEntries(Store& store);
// Takedown and reinstate entries with no takedowns row of the same entity, time and action, in
// seq order, at most `limit`.
StatusOr<std::vector<LedgerEntry>> DecisionsWithoutTakedownRow(Store& store, int64_t limit);

// --- Takedowns, messages and entities as the ledger sees them ---------------------------------

// When the entity went down, if it is down after every decision up to and including `at` (of
// two decisions at the same time, a reinstatement counts as the later); empty when it is up.
StatusOr<std::optional<TimeMs>> EntityDownSince(Store& store, std::string_view entity, TimeMs at);
// Takedowns rows with no ledger entry of the same entity, time and action, as the events they
// came from (TakedownEvent, ReinstateEvent), ordered by time, entity and action.
StatusOr<std::vector<Event>> TakedownsWithoutLedgerEntry(Store& store);
// Messages in the entity (a chat) plus messages it sent elsewhere. Reads faster after
// Store::EnsureAnalysisIndexes.
StatusOr<int64_t> CountEntityMessages(Store& store, std::string_view entity);
// Deletes the messages in or from the entity, with their media and links.
StatusOr<PurgedRows> DeleteEntityMessages(Store& store, std::string_view entity);
// Whether anything ingested mentions the entity (table entities).
StatusOr<bool> IsKnownEntity(Store& store, std::string_view key);

// --- Appeals ----------------------------------------------------------------------------------

// Writes a new appeal (its id is ignored) and returns the id the store gave it.
StatusOr<int64_t> InsertAppeal(Store& store, const AppealRow& appeal);
StatusOr<std::optional<AppealRow>> FindAppeal(Store& store, int64_t id);
// The id of the entity's open appeal, if it has one.
StatusOr<std::optional<int64_t>> OpenAppealOf(Store& store, std::string_view entity);
// Sets status, decided, decided_by and decision of appeal `appeal.id`.
Status UpdateAppealDecision(Store& store, const AppealRow& appeal);
// Appeals with the status ("": all), by id.
StatusOr<std::vector<AppealRow>> ListAppeals(Store& store, std::string_view status);

}  // namespace cordon
