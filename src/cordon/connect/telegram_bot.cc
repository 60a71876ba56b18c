#include "cordon/connect/telegram_bot.h"

#include <simdjson.h>

#include <charconv>
#include <set>

#include "cordon/connect/spool.h"
#include "cordon/ingest/telegram_common.h"
#include "cordon/store/connector_tables.h"

namespace cordon::connect {
namespace {

constexpr std::string_view kPrefix = "telegram:";
constexpr std::string_view kUpdateKinds[] = {"message",      "edited_message",
                                             "channel_post", "edited_channel_post",
                                             "chat_member",  "my_chat_member"};

struct UpdatesHead {
  int64_t count = 0;
  std::optional<int64_t> last_update_id;
  std::set<int64_t> chats;  // groups and channels (negative ids)
};

StatusOr<UpdatesHead> ReadUpdatesHead(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc)) {
    return Status::Corrupt(std::string("getUpdates answer: ") + simdjson::error_message(err));
  }
  bool ok = false;
  simdjson::dom::array result;
  if (doc["ok"].get_bool().get(ok) || !ok || doc["result"].get_array().get(result)) {
    return Status::Corrupt("getUpdates answer without \"ok\": true and a result array");
  }
  UpdatesHead head;
  for (simdjson::dom::element u : result) {
    ++head.count;
    int64_t id = 0;
    if (u["update_id"].get_int64().get(id)) continue;  // the importer rejects it
    head.last_update_id = std::max(head.last_update_id.value_or(id), id);
    for (std::string_view kind : kUpdateKinds) {
      int64_t chat = 0;
      if (!u[kind]["chat"]["id"].get_int64().get(chat) && chat < 0 &&
          telegram::KeyFromMarkedId(chat)) {
        head.chats.insert(chat);
      }
    }
  }
  return head;
}

bool BotAnswerOk(const HttpResponse& r) {
  if (r.status != 200) return false;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(r.body);
  simdjson::dom::element doc;
  bool ok = false;
  return !parser.parse(padded).get(doc) && !doc["ok"].get_bool().get(ok) && ok;
}

std::optional<int64_t> Number(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

PlannedAction Action(const ledger::Entry& e, std::string_view action, std::string_view method,
                     int64_t chat, int64_t subject, std::string_view subject_field) {
  PlannedAction a{e.seq,
                  std::string(action),
                  std::to_string(chat),
                  std::to_string(subject),
                  "POST",
                  "/" + std::string(method),
                  ""};
  a.body = JsonObject([&](JsonWriter& w) {
    w.Field("chat_id", chat).Field(subject_field, subject);
    if (action == "unban") w.Field("only_if_banned", true);
  });
  return a;
}

}  // namespace

StatusOr<HttpOptions> TelegramClientOptions(std::string_view token, HttpOptions options) {
  for (unsigned char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == ':';
    // Not quoted: the token is a secret.
    if (!ok) return Status::InvalidArgument("the bot token holds a character a token never has");
  }
  if (token.empty()) return Status::InvalidArgument("the bot token is empty");
  options.secret_path_prefix = "/bot" + std::string(token);
  options.shown_path_prefix = "/bot<token>";
  return options;
}

StatusOr<TelegramSyncReport> TelegramSync(HttpClient& client, const TelegramSyncOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  const std::string spool =
      options.spool_dir.empty() ? options.db + ".telegram-spool" : options.spool_dir;
  RETURN_IF_ERROR(MakeSpoolDir(spool));
  TelegramSyncReport report;
  for (int64_t round = 0; options.rounds == 0 || round < options.rounds; ++round) {
    if (options.stop && options.stop()) break;
    std::optional<std::string> offset;
    {
      ASSIGN_OR_RETURN(auto store, Store::Open(options.db));
      ASSIGN_OR_RETURN(offset, ReadConnectorCursor(*store, kTelegramConnector, "offset"));
    }
    const std::optional<int64_t> from = offset ? Number(*offset) : std::nullopt;
    if (offset && !from) return Status::Corrupt("the stored getUpdates offset is no number");
    const std::string body = JsonObject([&](JsonWriter& w) {
      if (from) w.Field("offset", *from);
      w.Field("timeout", options.timeout_s).Field("limit", options.limit);
      w.Key("allowed_updates").BeginArray();
      for (std::string_view kind : kUpdateKinds) w.String(kind);
      w.EndArray();
    });
    ASSIGN_OR_RETURN(HttpResponse answer, client.Send("POST", "/getUpdates", body));
    if (answer.status != 200) return Status::IoError("getUpdates: " + HttpError(answer));
    ASSIGN_OR_RETURN(UpdatesHead head, ReadUpdatesHead(answer.body));

    const std::string file = spool + "/updates-" + offset.value_or("0") + ".json";
    RETURN_IF_ERROR(WriteSpool(file, answer.body));
    ASSIGN_OR_RETURN(
        pipeline::PipelineReport ingested,
        IngestSpool(options.db, {file}, "telegram-bot-api", options.progress, options.clock));
    report.events += ingested.ingest.events;
    report.rejected += ingested.ingest.rejected;
    report.weird += ingested.ingest.weird;

    ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
    const TimeMs now = clock.Now();
    RETURN_IF_ERROR(InTransaction(*store, [&]() -> Status {
      for (int64_t chat : head.chats) {
        RETURN_IF_ERROR(NoteConnectorRoom(*store, kTelegramConnector, std::to_string(chat), now));
      }
      if (!head.last_update_id) return Status::Ok();
      return WriteConnectorCursor(*store, kTelegramConnector, "offset",
                                  std::to_string(*head.last_update_id + 1), now);
    }));
    RemoveSpool({file});
    ++report.rounds;
    report.updates += head.count;
    report.chats += static_cast<int64_t>(head.chats.size());
    if (head.last_update_id) report.offset = *head.last_update_id + 1;
    if (options.log) {
      options.log("getUpdates: " + std::to_string(head.count) + " updates, " +
                  std::to_string(ingested.ingest.events) + " events, " +
                  std::to_string(head.chats.size()) + " chats");
    }
  }
  return report;
}

StatusOr<ActionReport> TelegramEnforce(HttpClient& client, const TelegramEnforceOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
  ledger::Ledger ledger(*store, &clock);
  ASSIGN_OR_RETURN(std::vector<ledger::Entry> entries, ledger.List());
  ASSIGN_OR_RETURN(std::vector<std::string> seen_list,
                   ReadConnectorRooms(*store, kTelegramConnector));
  const std::set<std::string> seen(seen_list.begin(), seen_list.end());
  ASSIGN_OR_RETURN(std::vector<ConnectorAction> done_before,
                   ReadConnectorActions(*store, kTelegramConnector, "done"));
  // A group or channel the bot saw, as its Bot API chat id.
  auto seen_chat = [&](std::string_view key) -> std::optional<int64_t> {
    auto id = telegram::MarkedIdFromKey(key);
    if (!id || *id >= 0 || !seen.count(std::to_string(*id))) return std::nullopt;
    return id;
  };

  std::vector<PlannedAction> plan;
  for (const ledger::Entry& e : DecisionsInForce(entries, kPrefix)) {
    const bool takedown = e.action == "takedown";
    const size_t slash = e.entity.find('/');
    if (slash != std::string::npos) {  // a message
      const auto chat = seen_chat(std::string_view(e.entity).substr(0, slash));
      const auto message = Number(std::string_view(e.entity).substr(slash + 1));
      if (takedown && chat && message) {
        plan.push_back(Action(e, "delete", "deleteMessage", *chat, *message, "message_id"));
      }
      continue;
    }
    const auto user = telegram::MarkedIdFromKey(e.entity);
    if (!user || *user <= 0) continue;  // a chat or channel: nothing a bot can do to it here
    if (takedown) {
      ASSIGN_OR_RETURN(std::vector<std::string> chats, ChatsOfUser(*store, e.entity));
      for (const std::string& key : chats) {
        if (auto chat = seen_chat(key)) {
          plan.push_back(Action(e, "ban", "banChatMember", *chat, *user, "user_id"));
        }
      }
    } else {
      for (const auto& [chat, subject] : DoneActions(done_before, "ban")) {
        const auto chat_id = Number(std::string_view(chat).substr(chat.starts_with('-') ? 1 : 0));
        if (subject == std::to_string(*user) && chat_id) {
          plan.push_back(Action(e, "unban", "unbanChatMember", -*chat_id, *user, "user_id"));
        }
      }
    }
  }
  RunActionsOptions run;
  run.connector = kTelegramConnector;
  run.dry_run = options.dry_run;
  run.clock = &clock;
  run.log = options.log;
  run.succeeded = BotAnswerOk;
  return RunActions(client, *store, std::move(plan), run);
}

}  // namespace cordon::connect
