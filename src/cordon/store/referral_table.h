// The referrals table: referrals and removal orders received from referral units, with their
// status (schema.h).
//
// Rows go in and come out as stored; deadlines, the rules of which status may follow which and
// the ledger entries each change makes live in ledger/referrals.h, which calls these. Nothing here
// opens a transaction: writes land in whatever transaction the caller holds (Store::Begin).
//
// Errors: every failure is a Status naming the database file (Store::path()); a referral that is
// not there is an empty optional, not an error.
//
// Thread safety: the functions use the Store given from the calling thread only (Store's rule).
// Ownership: they borrow the Store for the call and keep nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// One referral row. ledger::Referral adds what is worked out from it.
struct ReferralRow {
  std::string id;
  std::string kind = "referral";  // referral, removal_order
  std::string entity;
  std::string unit;  // who sent it (a referral unit, a competent authority)
  std::string reason;
  TimeMs received = 0;
  std::optional<TimeMs> deadline;  // removal orders: received + 1 h unless given
  std::string status = "open";     // open, actioned, rejected
  std::optional<TimeMs> actioned;  // when it was actioned or rejected
  std::string note;                // "" is stored as NULL
};

// Writes a new referral; fails when its id is taken.
Status InsertReferral(Store& store, const ReferralRow& referral);
StatusOr<std::optional<ReferralRow>> FindReferral(Store& store, std::string_view id);
// Sets status, actioned and note of referral `referral.id`.
Status UpdateReferralStatus(Store& store, const ReferralRow& referral);
// Referrals with the status ("": all), by time received, then id.
StatusOr<std::vector<ReferralRow>> ListReferrals(Store& store, std::string_view status);

}  // namespace cordon
