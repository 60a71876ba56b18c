// The service's tables (schema.h migration 7): API tokens, the integer ids HMA's API gives bank
// entries, and HMA's per-bank matching flag.
//
// Tokens are stored only as hashes (serve/auth.h makes and hashes them); a revoked token keeps
// its row, with the time it was revoked. Bank content ids are kept by triggers on bank_entries,
// so entries written by any path (cordon bank import, the API) have one.
//
// Errors: every failure is a Status naming the database file.
//
// Thread safety: the functions use the Store given from the calling thread only (Store's rule).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

struct ApiTokenRow {
  int64_t id = 0;
  std::string name;
  std::string role;  // viewer, analyst, moderator, admin
  std::string hash;  // hex SHA-256 of the token
  TimeMs created = 0;
  std::optional<TimeMs> revoked;
};

// Stores a token's hash; returns its id.
StatusOr<int64_t> InsertApiToken(Store& store, std::string_view name, std::string_view role,
                                 std::string_view hash, TimeMs created);
// The token with this hash, revoked or not.
StatusOr<std::optional<ApiTokenRow>> FindApiToken(Store& store, std::string_view hash);
// Every token, by id.
StatusOr<std::vector<ApiTokenRow>> ReadApiTokens(Store& store);
// Revokes the tokens not yet revoked whose id (all digits) or name is `which`; returns how many.
StatusOr<int64_t> RevokeApiTokens(Store& store, std::string_view which, TimeMs now);

// Calls f(id, signal) for each PDQ entry of the bank, in id order; stops at f's first error.
Status ForEachBankPdqId(Store& store, std::string_view bank,
                        const std::function<Status(int64_t id, std::string_view signal)>& f);
// Same for the entries of any signal type (`vpdq`: ThreatExchange's signal, canonical form).
Status ForEachBankSignalId(Store& store, std::string_view bank, std::string_view signal_type,
                           const std::function<Status(int64_t id, std::string_view signal)>& f);
// The id of one entry (canonical signal); nullopt when the bank has no such entry.
StatusOr<std::optional<int64_t>> FindBankContentId(Store& store, std::string_view bank,
                                                   std::string_view signal_type,
                                                   std::string_view signal);

// HMA's matching flag of a bank. Setting it bumps the bank generation (bank_table.h) in the same
// change, so running matchers see it. Returns false when there is no such bank.
StatusOr<bool> SetBankMatching(Store& store, std::string_view bank, bool enabled);
// The banks whose flag is set, by name; a bank not listed is enabled.
StatusOr<std::map<std::string, bool>> ReadBankMatching(Store& store);

}  // namespace cordon
