// Fetching media by URL for `GET /h/hash?url=` (HMA's form), off unless the operator allows
// URLs: a server that fetches what a client names is a server-side request forgery risk.
//
// An allow-list entry is a URL prefix, such as "https://media.example.org/uploads/". A URL is
// fetched only when its scheme, host and port equal an entry's and its path starts with the
// entry's path; a URL with user information ("user@host"), a fragment, or any other scheme than
// http or https is refused, and redirects are not followed (they could lead outside the list).
//
// Thread safety: the functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cordon/util/status.h"

namespace cordon::serve {

struct FetchUrl {
  std::string scheme;  // http or https
  std::string host;    // lower case
  int port = 0;
  std::string path;  // from the first '/', with the query; "/" when empty
};

// InvalidArgument when `url` is not an absolute http(s) URL of the form above.
StatusOr<FetchUrl> ParseFetchUrl(std::string_view url);

// Whether `url` is under one of `allow`'s prefixes (entries that do not parse allow nothing).
bool FetchAllowed(const std::vector<std::string>& allow, const FetchUrl& url);

// GETs `url` (already allowed): the body, at most `max_bytes`, within `timeout_s`. Unavailable
// when the server cannot be reached or answers other than 200; ResourceExhausted over the size.
StatusOr<std::string> FetchBody(const FetchUrl& url, size_t max_bytes, int timeout_s);

}  // namespace cordon::serve
