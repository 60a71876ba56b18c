#include "cordon/connect/rocketchat.h"

#include <simdjson.h>

#include <climits>
#include <map>
#include <set>

#include "cordon/connect/spool.h"
#include "cordon/ingest/importer.h"
#include "cordon/ingest/weirds.h"
#include "cordon/store/connector_tables.h"
#include "cordon/util/digest.h"
#include "cordon/util/strings.h"
#include "cordon/util/time.h"
#include "cordon/util/utf8.h"

namespace cordon::connect {
namespace {

constexpr std::string_view kApi = "/api/v1/";

struct Room {
  std::string id;
  char type = 'c';  // c: public channel, p: private group
};

// Parses an answer; Corrupt unless it is HTTP 200 with "success": true.
StatusOr<simdjson::dom::element> Answer(simdjson::dom::parser& parser, const HttpResponse& r,
                                        std::string_view what) {
  if (r.status != 200) return Status::IoError(std::string(what) + ": " + HttpError(r));
  simdjson::dom::element doc;
  bool success = false;
  if (parser.parse(r.body).get(doc) || doc["success"].get_bool().get(success) || !success) {
    return Status::Corrupt(std::string(what) + ": no {\"success\": true} answer");
  }
  return doc;
}

bool Succeeded(const HttpResponse& r) {
  if (r.status != 200) return false;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  bool success = false;
  return !parser.parse(r.body).get(doc) && !doc["success"].get_bool().get(success) && success;
}

// The rooms of one list endpoint, every page.
Status ListRooms(HttpClient& client, std::string_view endpoint, std::string_view field, char type,
                 std::vector<Room>& rooms) {
  simdjson::dom::parser parser;
  for (int64_t offset = 0;;) {
    ASSIGN_OR_RETURN(HttpResponse r,
                     client.Send("GET", std::string(kApi) + std::string(endpoint) +
                                            "?count=100&offset=" + std::to_string(offset)));
    ASSIGN_OR_RETURN(simdjson::dom::element doc, Answer(parser, r, endpoint));
    simdjson::dom::array list;
    if (doc[field].get_array().get(list)) {
      return Status::Corrupt(std::string(endpoint) + ": no '" + std::string(field) + "' array");
    }
    int64_t got = 0;
    for (simdjson::dom::element room : list) {
      ++got;
      std::string_view id;
      if (!room["_id"].get_string().get(id) && !id.empty() && id.size() <= 256 &&
          id.find('/') == std::string_view::npos) {
        rooms.push_back({RepairUtf8(id), type});
      }
    }
    int64_t total = 0;
    offset += got;
    if (got == 0 || doc["total"].get_int64().get(total) || offset >= total) return Status::Ok();
  }
}

// The newest `ts` of a history page (ISO strings, as the REST API writes them), and how many
// messages it held.
void ScanPage(simdjson::dom::element doc, int64_t& count, TimeMs& newest) {
  simdjson::dom::array messages;
  if (doc["messages"].get_array().get(messages)) return;
  for (simdjson::dom::element m : messages) {
    ++count;
    std::string_view ts;
    if (m["ts"].get_string().get(ts)) continue;
    if (auto t = ParseRfc3339Ms(ts)) newest = std::max(newest, *t);
  }
}

std::string Kind(char type) { return type == 'p' ? "groups" : "channels"; }

}  // namespace

HttpOptions RocketChatClientOptions(std::string_view user_id, std::string_view token,
                                    HttpOptions options) {
  options.headers.emplace_back("X-User-Id", std::string(user_id));
  options.headers.emplace_back("X-Auth-Token", std::string(token));
  return options;
}

StatusOr<RocketChatSyncReport> RocketChatSync(HttpClient& client,
                                              const RocketChatSyncOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  // The directory is named after the server, so the importer keys the messages with it.
  std::string name = ToLower(client.base().host);
  if (client.base().port != (client.base().scheme == "https" ? 443 : 80)) {
    name += ":" + std::to_string(client.base().port);
  }
  const std::string host = RocketChatHostFromPath("/" + name + "/x.json");
  const std::string spool =
      (options.spool_dir.empty() ? options.db + ".rocketchat-spool" : options.spool_dir) + "/" +
      host;
  RETURN_IF_ERROR(MakeSpoolDir(spool));
  RocketChatSyncReport report;
  report.host = RocketChatHostFromPath(spool + "/x.json");

  std::vector<Room> rooms;
  RETURN_IF_ERROR(ListRooms(client, "channels.list.joined", "channels", 'c', rooms));
  RETURN_IF_ERROR(ListRooms(client, "groups.list", "groups", 'p', rooms));
  std::map<std::string, std::string> cursors;  // cursor name -> value, stored at the end
  std::vector<std::string> files, gaps;
  simdjson::dom::parser parser;
  {
    ASSIGN_OR_RETURN(auto store, Store::Open(options.db));
    for (const Room& room : rooms) {
      ASSIGN_OR_RETURN(std::optional<std::string> oldest,
                       ReadConnectorCursor(*store, kRocketChatConnector, "oldest/" + room.id));
      const std::optional<TimeMs> from = oldest ? ParseRfc3339Ms(*oldest) : std::nullopt;
      TimeMs newest = from.value_or(INT64_MIN);
      const std::string digest = DigestBytes(room.id + "\n" + oldest.value_or("")).sha256;
      auto page_path = [&](int64_t offset, int64_t count) {
        std::string path = std::string(kApi) + Kind(room.type) +
                           ".history?roomId=" + PathSegment(room.id) +
                           "&count=" + std::to_string(count) + "&offset=" + std::to_string(offset);
        if (oldest) path += "&oldest=" + PathSegment(*oldest) + "&inclusive=true";
        return path;
      };
      for (int64_t page = 0;; ++page) {
        if (page == options.max_pages) {
          // One more message past the pages read, newer than the kept time: a gap.
          ASSIGN_OR_RETURN(HttpResponse r, client.Send("GET", page_path(page * options.count, 1)));
          ASSIGN_OR_RETURN(simdjson::dom::element doc,
                           Answer(parser, r, Kind(room.type) + ".history"));
          int64_t count = 0;
          TimeMs probe = INT64_MIN;
          ScanPage(doc, count, probe);
          if (count > 0 && probe > from.value_or(INT64_MIN)) gaps.push_back(room.id);
          break;
        }
        ASSIGN_OR_RETURN(HttpResponse r,
                         client.Send("GET", page_path(page * options.count, options.count)));
        ASSIGN_OR_RETURN(simdjson::dom::element doc,
                         Answer(parser, r, Kind(room.type) + ".history"));
        int64_t count = 0;
        ScanPage(doc, count, newest);
        if (count > 0) {
          files.push_back(spool + "/" + digest.substr(0, 16) + "-" + std::to_string(page) +
                          ".json");
          RETURN_IF_ERROR(WriteSpool(files.back(), r.body));
        }
        report.messages += count;
        ++report.pages;
        if (count < options.count) break;
      }
      cursors["type/" + room.id] = std::string(1, room.type);
      if (newest != INT64_MIN) cursors["oldest/" + room.id] = FormatRfc3339Ms(newest);
    }
  }
  if (!files.empty()) {
    ASSIGN_OR_RETURN(pipeline::PipelineReport ingested,
                     IngestSpool(options.db, files, "rocketchat", options.progress, options.clock));
    report.events = ingested.ingest.events;
    report.rejected = ingested.ingest.rejected;
    report.weird = ingested.ingest.weird;
  }
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
  const TimeMs now = clock.Now();
  RETURN_IF_ERROR(InTransaction(*store, [&]() -> Status {
    for (const Room& room : rooms) {
      RETURN_IF_ERROR(NoteConnectorRoom(*store, kRocketChatConnector, room.id, now));
    }
    for (const auto& [name, value] : cursors) {
      RETURN_IF_ERROR(WriteConnectorCursor(*store, kRocketChatConnector, name, value, now));
    }
    for (const std::string& room : gaps) {
      RETURN_IF_ERROR(store->AddWeird(Location{report.host + " sync"}, weird::kRocketSyncGap,
                                      "room " + room + ": more than " +
                                          std::to_string(options.max_pages * options.count) +
                                          " new messages; the oldest of them were not read"));
    }
    return WriteConnectorCursor(*store, kRocketChatConnector, "host", report.host, now);
  }));
  RemoveSpool(files);
  report.rooms = static_cast<int64_t>(rooms.size());
  report.gaps = static_cast<int64_t>(gaps.size());
  report.weird += report.gaps;
  if (options.log) {
    options.log("sync: " + std::to_string(report.rooms) + " rooms, " +
                std::to_string(report.messages) + " messages, " + std::to_string(report.gaps) +
                " gaps");
  }
  return report;
}

StatusOr<ActionReport> RocketChatEnforce(HttpClient& client,
                                         const RocketChatEnforceOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
  ASSIGN_OR_RETURN(std::optional<std::string> host,
                   ReadConnectorCursor(*store, kRocketChatConnector, "host"));
  if (!host) return Status::InvalidArgument("no rocketchat sync has run on this database yet");
  const std::string prefix = "rocketchat:" + *host + "/";
  ledger::Ledger ledger(*store, &clock);
  ASSIGN_OR_RETURN(std::vector<ledger::Entry> entries, ledger.List());
  ASSIGN_OR_RETURN(std::vector<std::string> room_list,
                   ReadConnectorRooms(*store, kRocketChatConnector));
  const std::set<std::string> rooms(room_list.begin(), room_list.end());
  ASSIGN_OR_RETURN(std::vector<ConnectorAction> done_before,
                   ReadConnectorActions(*store, kRocketChatConnector, "done"));
  auto type_of = [&](const std::string& room) -> StatusOr<char> {
    ASSIGN_OR_RETURN(std::optional<std::string> t,
                     ReadConnectorCursor(*store, kRocketChatConnector, "type/" + room));
    return t && *t == "p" ? 'p' : 'c';
  };
  auto action = [&](const ledger::Entry& e, std::string_view verb, std::string endpoint,
                    const std::string& room, const std::string& subject,
                    std::string_view subject_field) {
    PlannedAction a{e.seq, std::string(verb), room, subject, "POST", std::string(kApi) + endpoint,
                    ""};
    a.body = JsonObject([&](JsonWriter& w) {
      w.Field("roomId", std::string_view(room)).Field(subject_field, std::string_view(subject));
    });
    return a;
  };

  std::vector<PlannedAction> plan;
  for (const ledger::Entry& e : DecisionsInForce(entries, prefix)) {
    const bool takedown = e.action == "takedown";
    const std::string id = e.entity.substr(prefix.size());
    const size_t slash = id.find('/');
    if (slash != std::string::npos) {  // a message
      const std::string room = id.substr(0, slash);
      if (takedown && rooms.count(room)) {
        plan.push_back(action(e, "delete", "chat.delete", room, id.substr(slash + 1), "msgId"));
      }
      continue;
    }
    if (rooms.count(id)) continue;  // a room: nothing to do to it here
    if (takedown) {
      ASSIGN_OR_RETURN(std::vector<std::string> chats, ChatsOfUser(*store, e.entity));
      for (const std::string& chat : chats) {
        if (!chat.starts_with(prefix) || !rooms.count(chat.substr(prefix.size()))) continue;
        const std::string room = chat.substr(prefix.size());
        ASSIGN_OR_RETURN(char type, type_of(room));
        plan.push_back(action(e, "kick", Kind(type) + ".kick", room, id, "userId"));
      }
    } else {
      for (const auto& [room, user] : DoneActions(done_before, "kick")) {
        if (user != id) continue;
        ASSIGN_OR_RETURN(char type, type_of(room));
        plan.push_back(action(e, "invite", Kind(type) + ".invite", room, id, "userId"));
      }
    }
  }
  RunActionsOptions run;
  run.connector = kRocketChatConnector;
  run.dry_run = options.dry_run;
  run.clock = &clock;
  run.log = options.log;
  run.succeeded = Succeeded;
  return RunActions(client, *store, std::move(plan), run);
}

}  // namespace cordon::connect
