// The referral report (referrals.h, ReferralReport) as JSON and as text for people
// (`cordon referral report`).
// Thread safety: pure functions.
#pragma once

#include <string>

#include "cordon/ledger/referrals.h"

namespace cordon::ledger {

// "42 s", "3.5 min", "1.25 h".
std::string FormatDuration(double seconds);

// One JSON object: counts, time to action, histogram, removal orders; `now` as RFC 3339.
std::string ReferralReportJson(const ReferralReport& report, TimeMs now);

// Three summary lines and the histogram, each line ending in a newline.
std::string ReferralReportText(const ReferralReport& report);

// One line of `cordon referral list` (no newline).
std::string ReferralLine(const Referral& r, TimeMs now);

}  // namespace cordon::ledger
