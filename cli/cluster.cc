// cordon cluster status --nats URL[,URL...] [--db DB] [--json]
// The state of a distributed ingest: the stream, what is pending, the workers, the store.
#include <fmt/core.h>

#include "command.h"
#include "cordon/distribute/cluster_status.h"
#include "cordon/store/store.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string nats;
    std::string db;
    std::string stream = "CORDON";
    std::string durable = "cordon-workers";
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* status = app.add_subcommand("status", "the stream, pending events, workers, store");
  app.require_subcommand(1);
  status->add_option("--nats", a->nats, "NATS server URLs, comma separated")->required();
  status->add_option("--db", a->db, "the shared store (its counts are added)");
  status->add_option("--stream", a->stream, "JetStream stream")->capture_default_str();
  status->add_option("--consumer", a->durable, "the workers' durable consumer")
      ->capture_default_str();
  status->add_flag("--json", a->json, "print JSON");
  return [a]() -> int {
    auto js = distribute::JetStream::Connect(a->nats);
    if (!js.ok()) return Fail(js.status().ToString());
    auto st = distribute::GetClusterStatus(**js, a->stream, a->durable);
    if (!st.ok()) return Fail(st.status().ToString());
    std::optional<StoreStats> stats;
    if (!a->db.empty()) {
      auto store = Store::Open(a->db, OpenMode::kExisting);
      if (!store.ok()) return Fail(store.status().ToString());
      auto s = (*store)->Stats();
      if (!s.ok()) return Fail(s.status().ToString());
      stats = *s;
    }
    if (a->json) {
      fmt::print("{}\n", distribute::ClusterStatusJson(*st, stats ? &*stats : nullptr));
      return 0;
    }
    fmt::print("stream {}: {} messages, {} bytes, replicas {}{}\n", a->stream, st->stream.messages,
               st->stream.bytes, st->stream.replicas,
               st->stream.leader.empty() ? "" : ", leader " + st->stream.leader);
    fmt::print("pending: {}\n", st->pending);
    fmt::print("workers: {}\n", st->workers.size());
    for (const std::string& w : st->workers) fmt::print("  {}\n", w);
    if (stats) fmt::print("store: {} messages, {} takedowns\n", stats->messages, stats->takedowns);
    return 0;
  };
}

CORDON_COMMAND(kCluster, "cluster", "State of workers on NATS JetStream", Setup);

}  // namespace
}  // namespace cordon::cli
