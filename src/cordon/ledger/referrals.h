// Referrals and removal orders from referral units, with their status and deadlines.
//
// A referral asks the platform to review an entity against its terms; a removal order (EU TCO
// Regulation, Art. 3) must be acted on within one hour of receipt, so it gets that deadline by
// default. Acting on one takes the entity down through the ledger (source "referral", ref
// "referral:<id>"); every change of status is a ledger entry too. Report() gives the
// distribution of time to action and flags what is overdue.
//
// Transactions: like Ledger, the methods write inside the caller's transaction.
// Thread safety: one thread at a time, with its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/ledger/ledger.h"
#include "cordon/store/referral_table.h"

namespace cordon::ledger {

inline constexpr TimeMs kRemovalOrderDeadlineMs = 3600 * 1000;

// A referral row (store/referral_table.h) with what is worked out from it.
struct Referral : ReferralRow {
  // Open past its deadline at `now`, or actioned after it.
  bool Overdue(TimeMs now) const;
};

struct ReferralReport {
  int64_t total = 0, open = 0, actioned = 0, rejected = 0;
  int64_t overdue_open = 0;  // open and past the deadline now
  int64_t late = 0;          // actioned after the deadline
  int64_t with_deadline_actioned = 0;
  // Time to action (received -> actioned) of actioned ones, in seconds.
  double min_s = 0, median_s = 0, p90_s = 0, p99_s = 0, max_s = 0, mean_s = 0;
  double within_deadline = 0;  // share of actioned ones with a deadline that met it
  // Histogram of time to action: <15 min, 15-30 min, 30-60 min, 1-2 h, 2-24 h, >24 h.
  std::vector<std::pair<std::string, int64_t>> histogram;
  // The same for removal orders alone.
  int64_t orders = 0, orders_actioned = 0, orders_late = 0, orders_overdue_open = 0;
  double orders_median_s = 0, orders_p90_s = 0;
};

class Referrals {
 public:
  // The ledger (and its store) must outlive this object.
  explicit Referrals(Ledger& ledger, Store& store) : ledger_(ledger), store_(store) {}

  // Records a received referral or order; the id must be new.
  StatusOr<Referral> Add(Referral r, std::string_view by);
  // Acts on it: takes the entity down through the ledger (unless take_down is false, e.g. the
  // platform removed it already) and marks it actioned.
  StatusOr<Referral> Act(std::string_view id, TimeMs time, std::string_view by, bool take_down);
  StatusOr<Referral> Reject(std::string_view id, TimeMs time, std::string_view by,
                            std::string_view reason);
  StatusOr<std::optional<Referral>> Get(std::string_view id);
  StatusOr<std::vector<Referral>> List(std::string_view status = "");
  StatusOr<ReferralReport> Report(TimeMs now);

 private:
  Status SetStatus(const Referral& r);

  Ledger& ledger_;
  Store& store_;
};

void AppendReferralJson(std::string& out, const Referral& r, TimeMs now);
// {"referrals":[...]}: `cordon referral list --json` and GET /v1/referrals. With overdue_only,
// only those Overdue(now); from the `offset`th listed, at most `limit` (-1: all), and then
// "next_offset" when more remain.
std::string ReferralsJson(const std::vector<Referral>& list, TimeMs now, bool overdue_only,
                          int64_t offset = 0, int64_t limit = -1);

}  // namespace cordon::ledger
