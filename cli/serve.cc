// cordon serve --db FILE [--listen HOST:PORT] [--log-format text|json|none] [--threads N]
//              [--max-body BYTES] [--max-header-bytes BYTES] [--header-timeout S]
//              [--body-timeout S] [--fetch-allow PREFIX]...
//
// Runs the HTTP API in the foreground (src/cordon/serve/server.h). Prints
// "listening on http://HOST:PORT" on stderr once the port is open; SIGTERM or SIGINT stops
// accepting, finishes the requests in flight, and exits 0.
#include <pthread.h>
#include <signal.h>

#include <fmt/core.h>

#include <cstdio>
#include <thread>

#include "command.h"
#include "cordon/serve/fetch.h"
#include "cordon/serve/server.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::string listen = "127.0.0.1:8080";
    std::string log_format = "text";
    int threads = 64;
    int64_t max_body = int64_t{64} << 20;
    int max_streams = 8, stream_seconds = 300;
    int header_timeout = 10, body_timeout = 60;
    int64_t max_header = int64_t{64} << 10;
    std::vector<std::string> fetch_allow;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database (created when missing)")->required();
  app.add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)");
  app.add_option("--log-format", a->log_format, "request log on stderr: text, json or none")
      ->check(CLI::IsMember({"text", "json", "none"}));
  app.add_option("--threads", a->threads, "worker threads, one per connection being served")
      ->check(CLI::Range(1, 4096));
  app.add_option("--max-body", a->max_body, "largest request body in bytes (413 above)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--max-header-bytes", a->max_header, "largest request line and headers")
      ->check(CLI::Range(int64_t{1024}, int64_t{1} << 24))
      ->capture_default_str();
  app.add_option("--header-timeout", a->header_timeout, "seconds to send a request's headers")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--body-timeout", a->body_timeout, "seconds to send a request's body")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--fetch-allow", a->fetch_allow,
                 "URL prefix GET /h/hash?url= may fetch from (repeatable; none: fetching is off)");
  app.add_option("--max-streams", a->max_streams, "GET /v1/stream clients at once (503 above)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--stream-seconds", a->stream_seconds, "longest life of one GET /v1/stream")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  return [a]() -> int {
    serve::ServeOptions o;
    o.db = a->db;
    const size_t colon = a->listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      fmt::print(stderr, "cordon: --listen: expected HOST:PORT, got '{}'\n", a->listen);
      return 2;
    }
    o.host = a->listen.substr(0, colon);
    if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
      o.host = o.host.substr(1, o.host.size() - 2);
    }
    try {
      size_t used = 0;
      const std::string port = a->listen.substr(colon + 1);
      o.port = std::stoi(port, &used);
      if (used != port.size() || o.port < 0 || o.port > 65535) throw std::out_of_range("port");
    } catch (const std::exception&) {
      fmt::print(stderr, "cordon: --listen: expected HOST:PORT, got '{}'\n", a->listen);
      return 2;
    }
    o.log_format = a->log_format == "json"   ? serve::LogFormat::kJson
                   : a->log_format == "none" ? serve::LogFormat::kNone
                                             : serve::LogFormat::kText;
    o.threads = a->threads;
    o.max_body_bytes = static_cast<size_t>(a->max_body);
    // Each stream holds a worker: leave most of them to other requests.
    o.max_streams = std::min(a->max_streams, std::max(0, a->threads / 2));
    o.stream_max_seconds = a->stream_seconds;
    o.header_timeout_s = a->header_timeout;
    o.body_timeout_s = a->body_timeout;
    o.max_header_bytes = static_cast<size_t>(a->max_header);
    for (const std::string& prefix : a->fetch_allow) {
      auto url = serve::ParseFetchUrl(prefix);
      if (!url.ok()) {
        fmt::print(stderr, "cordon: --fetch-allow '{}': {}\n", prefix, url.status().message());
        return 2;
      }
    }
    o.fetch_allow = a->fetch_allow;

    // Memory stays flat across index reloads (serve_bench: resident memory after 100 reloads).
    serve::TuneAllocatorForReloads();

    // Signals are taken by one thread with sigwait, so every thread the server starts inherits
    // the mask and none is interrupted; Stop is then called from an ordinary thread.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    serve::ApiServer server(o);
    Status s = server.Bind();
    if (!s.ok()) return Fail(s.ToString());
    const bool v6 = o.host.find(':') != std::string::npos;
    fmt::print(stderr, "listening on http://{}{}{}:{}\n", v6 ? "[" : "", o.host, v6 ? "]" : "",
               server.port());
    std::fflush(stderr);
    std::thread waiter([&server, signals] {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig != 0) server.Stop();
    });
    s = server.Run();
    // The waiter is still in sigwait when Run ended on its own: wake it.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    if (!s.ok()) return Fail(s.ToString());
    return 0;
  };
}

CORDON_COMMAND(kServe, "serve", "Serve the HTTP API (HMA-compatible matching, banks, metrics)",
               Setup);

}  // namespace
}  // namespace cordon::cli
