// The connectors' HTTP client (cpp-httplib): talks only to the base URL the user gave.
//
// - Requests go to the base URL's scheme, host and port, under its path; redirects are never
//   followed (a 3xx is returned as the answer), so a hostile server cannot send the bot, with
//   its access token, anywhere else.
// - Answers are capped (HttpOptions::max_response_bytes, counted after decompression); a bigger
//   one is ResourceExhausted.
// - 429 is honoured: the wait is the answer's `retry_after_ms` (Matrix), `parameters.retry_after`
//   in seconds (Telegram's Bot API), the `Retry-After` header in seconds or the
//   `X-RateLimit-Reset` header (Rocket.Chat: when the limit resets, ms since the epoch), at
//   least the current backoff, at most max_wait_ms; 502, 503, 504 and failed
//   connections are retried with exponential backoff. After max_attempts the last answer is
//   returned (429 included) or, with none, an IoError.
// - Path segments from input (room, event and user ids) must go through PathSegment().
// - A secret can ride in the path (Telegram's Bot API: /bot<token>/METHOD): it is sent but never
//   logged nor put in an error (HttpOptions::secret_path_prefix).
//
// Errors: a Status when there is no usable answer; any HTTP status is an answer.
// Thread safety: one client per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::connect {

struct HttpOptions {
  size_t max_response_bytes = 64u << 20;
  int connect_timeout_s = 10;
  int read_timeout_s = 90;  // above a sync long poll's 30 s
  int max_attempts = 6;
  int64_t first_backoff_ms = 500;
  int64_t max_wait_ms = 60000;
  // Waits between attempts; tests replace it to record the waits instead of sleeping.
  std::function<void(int64_t ms)> sleep;
  // The wall clock in ms since the epoch, for X-RateLimit-Reset; tests fix it.
  std::function<int64_t()> now_ms;
  // Headers sent with every request (Rocket.Chat's X-User-Id and X-Auth-Token).
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent between the base URL's path and each request's path, shown as `shown_path_prefix` in
  // the log and in errors (Telegram: "/bot<token>", shown "/bot<token>" literally).
  std::string secret_path_prefix;
  std::string shown_path_prefix;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One request as sent, for logs and tests.
struct HttpRequestLog {
  std::string method, path, body;
  int status = 0;  // 0: no answer
};

// Percent-encodes everything but RFC 3986's unreserved characters: safe as one path segment or
// one query value whatever the input holds ("/", "?", "#", "%", "..", control bytes).
std::string PathSegment(std::string_view s);

// A base URL split: "https://host:8448/prefix" -> https, host, 8448, "/prefix".
struct BaseUrl {
  std::string scheme, host;
  int port = 0;
  std::string path;  // "" or "/..." without a trailing slash
};
// Accepts http and https URLs with a host, an optional port and path; refuses user info, a
// query or a fragment (InvalidArgument saying why).
StatusOr<BaseUrl> ParseBaseUrl(std::string_view url);

class HttpClient {
 public:
  // `token`: sent as "Authorization: Bearer"; empty for none.
  static StatusOr<std::unique_ptr<HttpClient>> Open(std::string_view base_url, std::string token,
                                                    HttpOptions options = {});
  ~HttpClient();

  // `path` starts with "/" and may carry a query; it is appended to the base URL's path.
  // `body` is sent as application/json when non-empty (or when the method is PUT or POST).
  StatusOr<HttpResponse> Send(std::string_view method, std::string_view path,
                              std::string_view body = "");

  // Every attempt so far, in order.
  const std::vector<HttpRequestLog>& log() const { return log_; }
  const BaseUrl& base() const { return base_; }

 private:
  struct Impl;
  HttpClient(BaseUrl base, std::string token, HttpOptions options);
  StatusOr<HttpResponse> Once(std::string_view method, const std::string& path,
                              std::string_view body, int64_t* retry_after_ms);

  BaseUrl base_;
  std::string token_;
  HttpOptions options_;
  std::unique_ptr<Impl> impl_;
  std::vector<HttpRequestLog> log_;
};

// Store options for a connector's records (cursors, actions, rules): every commit synced, so
// an action the server carried out is not forgotten by a power loss.
StoreOptions DurableOptions();

// The wait a 429 answer asks for, in ms: `retry_after_ms` of its JSON body (Matrix), else
// `parameters.retry_after` in seconds (Bot API), else the Retry-After header in seconds, else
// X-RateLimit-Reset (ms since the epoch) minus `now_ms`; -1 when none says.
int64_t RetryAfterMs(std::string_view body, std::string_view retry_after_header,
                     std::string_view rate_limit_reset_header = "", int64_t now_ms = 0);

// Reads a bot's access token from a file: the first line, surrounding whitespace trimmed; at
// most 4 KiB. InvalidArgument when it is empty or holds control characters.
StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace cordon::connect
