// cordon bank publish --nats URL[,URL...] --db DB [--stream NAME] [--json] [--follow]
// Copies the store's banks into the stream's key-value bucket NAME_banks, for workers run with
// `--banks nats` (src/cordon/distribute/bank_sync.h): only banks whose version moved are
// written; publishing again with nothing changed writes nothing. --follow keeps running and
// publishes each change of the store's banks within a second; SIGTERM or SIGINT ends it.
#include "bank_publish.h"

#include <fmt/core.h>
#include <signal.h>

#include <atomic>

#include <memory>
#include <string>

#include "cordon/distribute/bank_sync.h"
#include "cordon/util/json_writer.h"

namespace cordon::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

void PrintReport(const distribute::BankPublishReport& r, const std::string& stream, bool json) {
  if (json) {
    std::string out;
    JsonWriter w(out);
    w.BeginObject()
        .Field("bucket", distribute::BanksBucket(stream))
        .Field("banks", r.banks)
        .Field("written", r.written)
        .Field("unchanged", r.unchanged)
        .Field("entries", r.entries)
        .Field("chunks", r.chunks)
        .Field("deleted_keys", r.deleted_keys)
        .Field("index_written", r.index_written)
        .EndObject();
    fmt::print("{}\n", out);
  } else {
    fmt::print(
        "{}: {} banks, {} written ({} entries in {} chunks), {} unchanged; {} stale keys "
        "deleted\n",
        distribute::BanksBucket(stream), r.banks, r.written, r.entries, r.chunks, r.unchanged,
        r.deleted_keys);
  }
  std::fflush(stdout);
}

}  // namespace

std::function<int()> SetupBankPublish(CLI::App& bank) {
  struct Args {
    std::string nats, db, stream = "CORDON";
    bool json = false;
    bool follow = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sub =
      bank.add_subcommand("publish", "Copy the banks into NATS for workers run with --banks nats");
  sub->add_option("--nats", a->nats, "NATS server URLs, comma separated (nats://HOST:PORT)")
      ->required();
  sub->add_option("--db", a->db, "database")->required();
  sub->add_option("--stream", a->stream, "JetStream stream (the bucket is STREAM_banks)")
      ->capture_default_str();
  sub->add_flag("--json", a->json, "the report as one JSON object");
  sub->add_flag("--follow", a->follow,
                "keep running: publish again whenever the store's banks change (polled each "
                "second) until SIGTERM");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    auto js = distribute::JetStream::Connect(a->nats);
    if (!js.ok()) return Fail(js.status().ToString());
    if (a->follow) {
      struct sigaction sa {};
      sa.sa_handler = OnSignal;
      sigaction(SIGTERM, &sa, nullptr);
      sigaction(SIGINT, &sa, nullptr);
      distribute::FollowOptions fo;
      fo.stop = &g_stop;
      fo.on_publish = [&](const distribute::BankPublishReport& r) {
        PrintReport(r, a->stream, a->json);
      };
      fo.on_error = [](const Status& why) {
        fmt::print(stderr, "cordon: bank publish: {}; trying again\n", why.ToString());
      };
      Status s = distribute::FollowBanks(**store, **js, a->stream, fo);
      return s.ok() ? 0 : Fail(s.ToString());
    }
    auto r = distribute::PublishBanks(**store, **js, a->stream);
    if (!r.ok()) return Fail(r.status().ToString());
    PrintReport(*r, a->stream, a->json);
    return 0;
  };
}

}  // namespace cordon::cli
