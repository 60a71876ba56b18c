// RFC 3339 times <-> milliseconds since the Unix epoch (UTC). No locale, no time zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cordon {

inline constexpr int64_t kHourMs = 3600 * 1000;
inline constexpr int64_t kDayMs = 24 * kHourMs;

// Now, in milliseconds since the Unix epoch (the system clock: for times that are stored or
// shown), and on a clock that never goes back (for intervals and timeouts).
int64_t UnixNowMs();
int64_t SteadyNowMs();

// Parses "2019-11-22T10:15:00Z", with optional fraction and a "+hh:mm"/"-hh:mm" offset, or a
// date-time without zone (taken as UTC; Telegram Desktop writes local time that way). A space
// may stand for 'T'. Returns nullopt on anything else.
std::optional<int64_t> ParseRfc3339Ms(std::string_view s);
// The same, into `out`; false (and `out` untouched) where the above says nullopt. For hot loops:
// an optional<int64_t> comes back through memory and stalls the caller's load (perf).
bool ParseRfc3339Ms(std::string_view s, int64_t& out);

// Parses a time given on a command line or in a file: integer milliseconds since the epoch, a
// date YYYY-MM-DD (its midnight, UTC), or anything ParseRfc3339Ms takes. Returns nullopt on
// anything else; callers word the error for their flag, naming kTimeArgForms.
std::optional<int64_t> ParseTimeArg(std::string_view s);

// The forms ParseTimeArg takes, for messages ("--time: not <forms>: <value>").
inline constexpr std::string_view kTimeArgForms = "RFC 3339, YYYY-MM-DD or milliseconds";

// "2019-11-22T10:15:00Z", or "...:00.250Z" when the milliseconds are not zero.
std::string FormatRfc3339Ms(int64_t ms);

// "2019-11-22" for the UTC day containing ms.
std::string FormatDate(int64_t ms);

// Days since 1970-01-01 for a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// The proleptic Gregorian date `z` days after 1970-01-01 (Howard Hinnant's civil_from_days),
// the inverse of DaysFromCivil.
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d);

}  // namespace cordon
