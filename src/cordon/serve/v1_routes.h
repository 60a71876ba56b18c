// cordon's own /v1 API beside the HMA endpoints (server.h): the read endpoints that answer what
// the CLI's --json prints (v1_read.cc), the moderator's write endpoints that record decisions in
// the hash-chained ledger (v1_write.cc), and the server-sent event stream (v1_stream.cc).
// docs/formats/api.md is the contract.
//
// Every route is registered through V1Context::guarded, which checks the bearer token's role
// (401/403) and lends the handler a pooled Store for the request. Handlers answer JSON; errors
// are HMA's {"message": "..."}.
//
// Thread safety: handlers run on the server's worker threads; whatever they share is in the
// context (the write lock, the compute lock, the stream slots), which outlives the server.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/serve/auth.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::serve {

void SendJson(httplib::Response& res, int status, std::string body);
// HMA's error body: {"message": "..."}.
void SendError(httplib::Response& res, int status, std::string_view message);
// 400 for InvalidArgument, 404 for NotFound, 413 for ResourceExhausted, else 500.
void SendStatus(httplib::Response& res, const Status& status);

struct V1Context {
  using Handler =
      std::function<void(const httplib::Request&, httplib::Response&, Store&, const ApiCaller&)>;
  httplib::Server* svr = nullptr;
  // Wraps a handler with the role check and a pooled store.
  std::function<httplib::Server::Handler(ApiRole, Handler)> guarded;
  std::string db;                    // for the connections a stream or an impact run opens itself
  std::mutex* write_mu = nullptr;    // one write through the API at a time
  std::mutex* compute_mu = nullptr;  // one network, plan or impact computation at a time
  // Streams: at most max_streams at once, each for at most stream_max_seconds; the store is
  // polled every stream_poll_ms.
  int max_streams = 8;
  int stream_max_seconds = 300;
  int stream_poll_ms = 250;
  std::atomic<int>* open_streams = nullptr;
  std::function<bool()> stopping;  // true once the server stops: streams end
};

void AddV1ReadRoutes(V1Context& ctx);
void AddV1WriteRoutes(V1Context& ctx);
void AddV1StreamRoute(V1Context& ctx);

// Query parameter helpers for the handlers: a list's limit (default `def`, clamped to
// 1..`max`), a non-negative integer, each nullopt (with a 400 sent) when malformed.
std::optional<int64_t> LimitParam(const httplib::Request& req, httplib::Response& res, int64_t def,
                                  int64_t max);
std::optional<int64_t> IntParam(const httplib::Request& req, httplib::Response& res,
                                std::string_view name, int64_t def);
// A time parameter (RFC 3339, YYYY-MM-DD or ms); `def` when absent; nullopt and 400 when bad.
std::optional<std::optional<TimeMs>> TimeParam(const httplib::Request& req, httplib::Response& res,
                                               std::string_view name);

}  // namespace cordon::serve
