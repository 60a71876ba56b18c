// `cordon serve`: the engine behind an HTTP API, compatible with Meta's Hasher-Matcher-Actioner
// (HMA 1.1, OpenMediaMatch) for hashing, matching and bank curation, with bearer-token roles
// (auth.h), Prometheus metrics (metrics.h) and one log line per request.
//
// HTTP is cpp-httplib (Debian's libcpp-httplib-dev; docs/design.md, "The service", says why):
// a pool of worker threads, each serving one connection at a time. Limits: request bodies
// (413 over max_body_bytes), request line and header lines (8 KiB each, the library's; 64 KiB
// together, max_header_bytes), a read, write and keep-alive timeout per connection, a deadline
// for a request's headers and one for its body (http_server.h), and a request count per
// connection after which it is closed, so a slow or idle client gives its worker back.
//
// Lifecycle: Bind opens the store and the port; Run serves until Stop, loading the lookup index
// in the background (/status answers 503 INDEX-NOT-LOADED until it is) and polling the bank
// generation so changes made by other processes show within refresh_interval_ms. Stop stops
// accepting; Run then finishes the requests in flight, closes idle connections and returns.
//
// Thread safety: Stop may be called from any thread (not from a signal handler: cli/serve.cc
// waits for signals on a thread of its own). Bind, Run and port come from one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cordon/util/status.h"

namespace cordon::serve {

enum class LogFormat { kText, kJson, kNone };

struct ServeOptions {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;   // 0: any free port (see ApiServer::port)
  int threads = 64;  // workers, so 64 keep-alive clients are served at once
  LogFormat log_format = LogFormat::kText;
  std::FILE* log = stderr;
  size_t max_body_bytes = size_t{64} << 20;
  int read_timeout_s = 5;
  int write_timeout_s = 5;
  int keep_alive_timeout_s = 5;
  int header_timeout_s = 10;  // a request's headers, from its first byte (http_server.h)
  int body_timeout_s = 60;    // its body, from the end of its headers
  size_t max_header_bytes = size_t{64} << 10;  // a request line and its headers together
  size_t keep_alive_max_requests = 10000;
  int64_t refresh_interval_ms = 1000;
  int pdq_threshold = 31;         // HMA's default match distance
  int64_t token_cache_ms = 2000;  // a revoked token stops working within this
  // URL prefixes GET /h/hash?url= may fetch from (fetch.h); empty: fetching is off.
  std::vector<std::string> fetch_allow;
  int fetch_timeout_s = 10;
  int max_streams = 8;           // GET /v1/stream at once (each holds a worker)
  int stream_max_seconds = 300;  // a stream's longest life; the client then reconnects
};

class ApiServer {
 public:
  explicit ApiServer(ServeOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  Status Bind();
  // The port bound (the one chosen when options.port was 0).
  int port() const;
  Status Run();
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Sets glibc's allocator for a long-running server that rebuilds bank indexes: call once at
// startup, before threads start. Two arenas (with one per worker thread, freed index pages stayed
// in arenas that rarely reuse them), and a fixed mmap threshold of 1 MiB, so every large index
// array is its own mapping and returns to the system when the old snapshot is freed (glibc's
// default raises the threshold after the first such free, and later index arrays then come from
// the heap, where they fragment it). Process-wide; not thread-safe against other mallopt calls.
void TuneAllocatorForReloads();

}  // namespace cordon::serve
