#include "cordon/connect/matrix_sync.h"

#include <simdjson.h>

#include "cordon/connect/policy_rules.h"
#include "cordon/connect/spool.h"
#include "cordon/ingest/weirds.h"
#include "cordon/store/connector_tables.h"
#include "cordon/util/digest.h"
#include "cordon/util/utf8.h"

namespace cordon::connect {
namespace {

struct Gap {
  std::string room, prev_batch;
};

struct SyncHead {
  std::string next_batch;
  std::vector<std::string> rooms;
  std::vector<Gap> gaps;
};

// What the round needs besides the events (which the importer reads): the next cursor, the
// joined rooms and their limited timelines.
StatusOr<SyncHead> ReadSyncHead(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc)) {
    return Status::Corrupt(std::string("sync answer: ") + simdjson::error_message(err));
  }
  SyncHead head;
  std::string_view next;
  if (doc["next_batch"].get_string().get(next) || next.empty()) {
    return Status::Corrupt("sync answer without a next_batch string");
  }
  head.next_batch = std::string(next);
  simdjson::dom::object join;
  if (doc["rooms"]["join"].get_object().get(join)) return head;
  for (auto [room, value] : join) {
    head.rooms.push_back(RepairUtf8(room));
    bool limited = false;
    if (!value["timeline"]["limited"].get_bool().get(limited) && limited) {
      std::string_view prev;
      if (value["timeline"]["prev_batch"].get_string().get(prev)) prev = "";
      head.gaps.push_back({head.rooms.back(), RepairUtf8(prev)});
    }
  }
  return head;
}

}  // namespace

StatusOr<MatrixSyncReport> MatrixSync(HttpClient& client, const MatrixSyncOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  const std::string spool =
      options.spool_dir.empty() ? options.db + ".matrix-spool" : options.spool_dir;
  RETURN_IF_ERROR(MakeSpoolDir(spool));
  MatrixSyncReport report;
  for (int64_t round = 0; options.rounds == 0 || round < options.rounds; ++round) {
    if (options.stop && options.stop()) break;
    std::optional<std::string> since;
    {
      ASSIGN_OR_RETURN(auto store, Store::Open(options.db));
      ASSIGN_OR_RETURN(since, ReadConnectorCursor(*store, kMatrixConnector, "since"));
    }
    std::string path = "/_matrix/client/v3/sync?timeout=" + std::to_string(options.timeout_ms);
    if (since) path += "&since=" + PathSegment(*since);
    ASSIGN_OR_RETURN(HttpResponse answer, client.Send("GET", path));
    if (answer.status != 200) {
      return Status::IoError("GET /_matrix/client/v3/sync: " + HttpError(answer));
    }
    ASSIGN_OR_RETURN(SyncHead head, ReadSyncHead(answer.body));

    // Named by the cursor it was read from: re-reading the same batch after a crash writes the
    // same file, so its rejects and weirds land on the same keys.
    const std::string file =
        spool + "/sync-" + DigestBytes(since.value_or("")).sha256.substr(0, 16) + ".json";
    RETURN_IF_ERROR(WriteSpool(file, answer.body));
    if (options.crash_point) RETURN_IF_ERROR(options.crash_point("fetched"));
    ASSIGN_OR_RETURN(pipeline::PipelineReport ingested,
                     IngestSpool(options.db, {file}, "matrix", options.progress, options.clock));
    report.events += ingested.ingest.events;
    report.rejected += ingested.ingest.rejected;
    report.weird += ingested.ingest.weird;
    if (options.crash_point) RETURN_IF_ERROR(options.crash_point("ingested"));

    ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
    const TimeMs now = clock.Now();
    RETURN_IF_ERROR(store->Begin());
    Status s;
    for (const std::string& room : head.rooms) {
      if (s.ok()) s = NoteConnectorRoom(*store, kMatrixConnector, room, now);
    }
    for (const Gap& g : head.gaps) {
      const std::string what = "room " + g.room + ": limited timeline, events before prev_batch '" +
                               g.prev_batch + "' were not read (since '" + since.value_or("") +
                               "')";
      if (s.ok()) {
        s = store->AddWeird(Location{client.base().host + " sync"}, weird::kMatrixSyncGap, what);
      }
    }
    ledger::Ledger ledger(*store, &clock);
    StatusOr<PolicyApplyReport> applied = PolicyApplyReport{};
    if (s.ok()) applied = ApplyPolicyRules(*store, ledger, now, false);
    if (s.ok() && !applied.ok()) s = applied.status();
    if (s.ok()) s = WriteConnectorCursor(*store, kMatrixConnector, "since", head.next_batch, now);
    if (s.ok()) s = store->Commit();
    if (!s.ok()) {
      (void)store->Rollback();
      return s;
    }
    RemoveSpool({file});
    ++report.rounds;
    report.gaps += static_cast<int64_t>(head.gaps.size());
    report.weird += static_cast<int64_t>(head.gaps.size());
    report.rooms = std::max<int64_t>(report.rooms, static_cast<int64_t>(head.rooms.size()));
    report.policy_takedowns += static_cast<int64_t>(applied->taken_down.size());
    report.since = head.next_batch;
    if (options.log) {
      options.log("sync: " + std::to_string(ingested.ingest.events) + " events, " +
                  std::to_string(head.rooms.size()) + " rooms, " +
                  std::to_string(head.gaps.size()) + " gaps, " +
                  std::to_string(applied->taken_down.size()) + " policy takedowns");
    }
  }
  return report;
}

}  // namespace cordon::connect
