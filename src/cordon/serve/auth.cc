#include "cordon/serve/auth.h"

#include <openssl/rand.h>

#include "cordon/store/serve_tables.h"
#include "cordon/util/digest.h"

namespace cordon::serve {

std::string_view ApiRoleName(ApiRole role) {
  switch (role) {
    case ApiRole::kViewer:
      return "viewer";
    case ApiRole::kAnalyst:
      return "analyst";
    case ApiRole::kModerator:
      return "moderator";
    case ApiRole::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<ApiRole> ParseApiRole(std::string_view name) {
  for (ApiRole r : {ApiRole::kViewer, ApiRole::kAnalyst, ApiRole::kModerator, ApiRole::kAdmin}) {
    if (ApiRoleName(r) == name) return r;
  }
  return std::nullopt;
}

StatusOr<std::string> NewApiToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::IoError("no random bytes for a token");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token = "cordon_";
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

std::string ApiTokenHash(std::string_view token) { return DigestBytes(token).sha256; }

StatusOr<std::string> CreateApiToken(Store& store, ApiRole role, std::string_view name,
                                     int64_t now_ms) {
  ASSIGN_OR_RETURN(std::string token, NewApiToken());
  RETURN_IF_ERROR(
      InsertApiToken(store, name, ApiRoleName(role), ApiTokenHash(token), now_ms).status());
  return token;
}

std::optional<std::optional<ApiCaller>> TokenCache::Cached(std::string_view token) {
  const std::string hash = ApiTokenHash(token);
  std::lock_guard lock(mu_);
  auto it = cache_.find(hash);
  if (it != cache_.end() && it->second.expires > std::chrono::steady_clock::now()) {
    return it->second.caller;
  }
  return std::nullopt;
}

StatusOr<std::optional<ApiCaller>> TokenCache::Find(Store& store, std::string_view token) {
  const std::string hash = ApiTokenHash(token);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now) return it->second.caller;
  }
  ASSIGN_OR_RETURN(std::optional<ApiTokenRow> row, FindApiToken(store, hash));
  std::optional<ApiCaller> caller;
  if (row && !row->revoked) {
    if (auto role = ParseApiRole(row->role)) caller = ApiCaller{row->name, *role};
  }
  std::lock_guard lock(mu_);
  // Bounded: unknown tokens are cached too, so a flood of made-up ones must not grow it.
  if (cache_.size() > 10000) cache_.clear();
  cache_[hash] = Entry{caller, now + ttl_};
  return caller;
}

}  // namespace cordon::serve
