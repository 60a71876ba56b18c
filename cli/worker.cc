// cordon worker --nats URL[,URL...] --db DB [--name NAME] [--banks store|nats]
// Consumes a cordon stream into the store through the ingest pipeline
// (src/cordon/distribute/worker.h). SIGTERM or SIGINT: finishes the batch in hand, brings the
// detections up to date, and exits 0.
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <fmt/core.h>

#include "command.h"
#include "cordon/distribute/worker.h"

namespace cordon::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string nats;
    distribute::WorkerOptions opt;
    bool no_match = false;
    bool no_enforce = false;
    bool quiet = false;
    int64_t ack_wait_s = 120;
    int64_t jitter_s = 10;
    double lateness_h = 24;
    std::string banks = "store";
  };
  auto a = std::make_shared<Args>();
  app.add_option("--nats", a->nats, "NATS server URLs, comma separated (nats://HOST:PORT)")
      ->required();
  app.add_option("--db", a->opt.db, "the store to write (created when missing)")->required();
  app.add_option("--name", a->opt.name, "this worker's name (default: host-pid)");
  app.add_option("--stream", a->opt.stream, "JetStream stream")->capture_default_str();
  app.add_option("--consumer", a->opt.durable, "the durable consumer the workers share")
      ->capture_default_str();
  app.add_option("--batch", a->opt.batch, "messages per fetch and transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--ack-wait", a->ack_wait_s,
                 "seconds before a batch not acknowledged goes to another worker (set when the "
                 "shared consumer is created)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--bank-reload-jitter", a->jitter_s,
                 "seconds, at most, a worker waits at random before loading a changed bank")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  app.add_option("--banks", a->banks,
                 "where the banks are read: store, or nats (the bucket STREAM_banks that "
                 "`cordon bank publish` writes)")
      ->check(CLI::IsMember({"store", "nats"}))
      ->capture_default_str();
  app.add_option("--work-dir", a->opt.work_dir, "where batches are written while applied");
  app.add_option("--detector-lateness", a->lateness_h,
                 "hours of event time the global detector waits for events published out of "
                 "order before it feeds them")
      ->check(CLI::Range(0.0, 24.0 * 365))
      ->capture_default_str();
  app.add_flag("--exit-when-drained", a->opt.exit_when_drained,
               "exit once the stream has nothing pending");
  app.add_flag("--no-match", a->no_match, "do not match messages against the banks");
  app.add_flag("--no-enforce", a->no_enforce,
               "do not detect regenerations or mirror takedowns into the ledger");
  app.add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  return [a]() -> int {
    if (a->opt.name.empty()) {
      char host[64] = {0};
      if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
      std::string h;
      for (char c : std::string(host)) h += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
      a->opt.name = (h.empty() ? "worker" : h) + "-" + std::to_string(::getpid());
    }
    a->opt.match = !a->no_match;
    a->opt.ack_wait_ms = a->ack_wait_s * 1000;
    a->opt.bank_reload_jitter_ms = a->jitter_s * 1000;
    a->opt.enforce = !a->no_enforce;
    a->opt.detector_lateness_ms = static_cast<TimeMs>(a->lateness_h * 3600 * 1000);
    a->opt.banks_from_nats = a->banks == "nats";
    a->opt.on_bank_error = [](const Status& why) {
      fmt::print(stderr, "cordon: worker: banks not reloaded: {}; keeping the banks loaded\n",
                 why.ToString());
    };
    a->opt.stop = &g_stop;
    a->opt.on_retry = [](const Status& why, int64_t wait_ms) {
      fmt::print(stderr, "cordon: worker: {}; trying again in {:.1f} s\n", why.ToString(),
                 static_cast<double>(wait_ms) / 1000.0);
    };
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    auto js = distribute::JetStream::Connect(a->nats);
    if (!js.ok()) return Fail(js.status().ToString());
    if (!a->quiet) fmt::print(stderr, "worker {} consuming {}\n", a->opt.name, a->opt.stream);
    auto r = distribute::RunWorker(**js, a->opt);
    if (!r.ok()) return Fail(r.status().ToString());
    if (!a->quiet) {
      fmt::print(
          "worker {}: {} messages ({} events, {} notes, {} rejected) in {} batches, {:.2f} s; "
          "stages finished {} times; {} retries; {} bank loads failed\n",
          a->opt.name, r->messages, r->events, r->notes, r->rejected, r->batches, r->seconds,
          r->checkpoints, r->retries, r->bank_errors);
      const distribute::GlobalDetectorReport& d = r->detector;
      if (d.terms > 0) {
        fmt::print(
            "worker {}: global detector {} times: {} events from the stream, detections "
            "made current {} times from it and {} from a replay of the store{}{}\n",
            a->opt.name, d.terms, d.messages, d.checkpoints, d.replays,
            d.replays > 0 ? " (last: " : "", d.replays > 0 ? d.replayed_because + ")" : "");
      }
    }
    return 0;
  };
}

CORDON_COMMAND(kWorker, "worker", "Apply a NATS JetStream stream of events to the store", Setup);

}  // namespace
}  // namespace cordon::cli
