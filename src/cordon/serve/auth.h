// API tokens and roles for `cordon serve`.
//
// A token is 32 bytes from OpenSSL's CSPRNG, written as "cordon_" and 64 hex digits; the store
// keeps only its SHA-256 (store/serve_tables.h), so a copy of the database yields no token.
// Roles are ordered: each may do what the ones below it may (viewer reads; analyst also ingests
// and curates banks; moderator also records takedowns and referral actions; admin also manages
// tokens).
//
// Thread safety: the free functions are thread-safe. TokenCache may be used from many threads;
// Find borrows a Store from the caller, used on the calling thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::serve {

enum class ApiRole { kViewer = 0, kAnalyst = 1, kModerator = 2, kAdmin = 3 };

std::string_view ApiRoleName(ApiRole role);  // viewer, analyst, moderator, admin
std::optional<ApiRole> ParseApiRole(std::string_view name);

// A new random token; fails only when the CSPRNG does.
StatusOr<std::string> NewApiToken();
// The hex SHA-256 the store keeps of a token.
std::string ApiTokenHash(std::string_view token);

// Makes a token with this role and name and stores its hash; returns the token.
StatusOr<std::string> CreateApiToken(Store& store, ApiRole role, std::string_view name,
                                     int64_t now_ms);

struct ApiCaller {
  std::string name;
  ApiRole role = ApiRole::kViewer;
};

// Remembers what each presented token resolved to for `ttl`, so a request does not cost a store
// read; a revoked token stops working within `ttl`.
class TokenCache {
 public:
  explicit TokenCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}
  // What `token` resolved to when the cache still knows it (the inner nullopt: unknown or
  // revoked); nullopt when the store must be asked (Find).
  std::optional<std::optional<ApiCaller>> Cached(std::string_view token);
  // The caller behind `token`, nullopt when unknown or revoked; asks the store when not cached.
  StatusOr<std::optional<ApiCaller>> Find(Store& store, std::string_view token);

 private:
  struct Entry {
    std::optional<ApiCaller> caller;
    std::chrono::steady_clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // by token hash
};

}  // namespace cordon::serve
