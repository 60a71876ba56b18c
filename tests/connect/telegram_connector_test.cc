// The Telegram Bot API connector against a fake Bot API server on 127.0.0.1: getUpdates with the
// offset kept in the store (a rerun resumes there, a replay applies nothing twice), the Bot API
// importer, and enforcement (deleteMessage, banChatMember, unbanChatMember) with a 429 carrying
// parameters.retry_after, a 400 on one ban among several, and reruns that repeat nothing.
#include <gtest/gtest.h>

#include "cordon/connect/telegram_bot.h"
#include "cordon/ingest/importer.h"
#include "cordon/ingest/telegram_common.h"
#include "cordon/ledger/ledger.h"
#include "cordon/store/connector_tables.h"
#include "cordon/store/sqlite.h"
#include "fake_server.h"
#include "test_util.h"

namespace cordon::connect {
namespace {

using testing::FakeAnswer;
using testing::FakeServer;

constexpr char kToken[] = "123456:AbC-dEf_9";

const std::vector<std::pair<int, std::string>> kUpdates = {
    {10,
     R"({"update_id":10,"message":{"message_id":7,"from":{"id":42,"is_bot":false,"first_name":"Sam","username":"sam_a"},"chat":{"id":-1001234567890,"title":"Group A","type":"supergroup"},"date":1700000000,"text":"see https://example.org/x"}})"},
    {11,
     R"({"update_id":11,"channel_post":{"message_id":3,"sender_chat":{"id":-1001987654321,"title":"Channel B","type":"channel"},"chat":{"id":-1001987654321,"title":"Channel B","type":"channel"},"date":1700000100,"caption":"a photo","photo":[{"file_id":"f","file_unique_id":"u","width":90,"height":90}]}})"},
    {12,
     R"({"update_id":12,"chat_member":{"chat":{"id":-1001234567890,"title":"Group A","type":"supergroup"},"from":{"id":43,"is_bot":false,"first_name":"Kim"},"date":1700000200,"old_chat_member":{"status":"left","user":{"id":43,"is_bot":false,"first_name":"Kim"}},"new_chat_member":{"status":"member","user":{"id":43,"is_bot":false,"first_name":"Kim"}}}})"},
    {13,
     R"({"update_id":13,"edited_message":{"message_id":7,"from":{"id":42,"is_bot":false,"first_name":"Sam"},"chat":{"id":-1001234567890,"title":"Group A","type":"supergroup"},"date":1700000000,"edit_date":1700000300,"text":"edited"}})"},
};

int64_t Count(Store& s, const std::string& sql) {
  Statement q(StoreHandle(s), sql);
  return q.Step() ? q.Int(0) : -1;
}
std::string Text(Store& s, const std::string& sql) {
  Statement q(StoreHandle(s), sql);
  return q.Step() ? std::string(q.Text(0)) : "<none>";
}

// The Bot API's getUpdates: every update from the offset on (the first `available` of them).
struct FakeBotApi {
  size_t available = 3;
  FakeAnswer Answer(const httplib::Request& req) {
    if (req.path != std::string("/bot") + kToken + "/getUpdates") return {404, "{}", {}};
    int64_t offset = 0;
    const size_t at = req.body.find("\"offset\":");
    if (at != std::string::npos) offset = std::stoll(req.body.substr(at + 9));
    std::string result;
    for (size_t i = 0; i < available && i < kUpdates.size(); ++i) {
      if (kUpdates[i].first < offset) continue;
      result += (result.empty() ? "" : ",") + kUpdates[i].second;
    }
    return {200, R"({"ok":true,"result":[)" + result + "]}", {}};
  }
};

TEST(TelegramConnector, BotApiImporterSniffsAndKeys) {
  const Importer* imp = FindImporter("telegram-bot-api");
  ASSERT_NE(imp, nullptr);
  EXPECT_EQ(imp->Sniff("x.json", R"({"ok":true,"result":[{"update_id":1,"message":{}}]})"), 95);
  EXPECT_EQ(imp->Sniff("x.json", R"({"_id":"a","rid":"b","msg":"c"})"), 0);
  EXPECT_EQ(telegram::MarkedIdFromKey("telegram:channel1234567890"), -1001234567890);
  EXPECT_EQ(telegram::MarkedIdFromKey("telegram:chat99"), -99);
  EXPECT_EQ(telegram::MarkedIdFromKey("telegram:user42"), 42);
  EXPECT_FALSE(telegram::MarkedIdFromKey("telegram:user-1"));
  EXPECT_FALSE(telegram::MarkedIdFromKey("matrix:@a:b"));
}

TEST(TelegramConnector, TokenIsRefusedWhenOddAndNeverShown) {
  EXPECT_FALSE(TelegramClientOptions("12:ab/../x").ok());
  EXPECT_FALSE(TelegramClientOptions("").ok());
  auto o = TelegramClientOptions(kToken);
  ASSERT_TRUE(o.ok());
  // A server that is not there: the error names the path without the token.
  o->max_attempts = 1;
  auto client = HttpClient::Open("http://127.0.0.1:1", "", *o);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->Send("POST", "/getUpdates", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString().find("AbC"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().ToString().find("/bot<token>/getUpdates"), std::string::npos);
}

TEST(TelegramConnector, SyncKeepsTheOffsetAndResumesWithoutApplyingTwice) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  FakeBotApi api;
  FakeServer server([&](const httplib::Request& req) { return api.Answer(req); });
  auto options = TelegramClientOptions(kToken);
  ASSERT_TRUE(options.ok());
  auto client = HttpClient::Open(server.url(), "", *options);
  ASSERT_TRUE(client.ok());
  ledger::FixedClock clock(5000);
  TelegramSyncOptions o;
  o.db = db;
  o.rounds = 1;
  o.timeout_s = 0;
  o.clock = &clock;
  const std::string kinds =
      R"("allowed_updates":["message","edited_message","channel_post","edited_channel_post","chat_member","my_chat_member"]})";

  auto r = TelegramSync(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->updates, 3);
  EXPECT_EQ(r->offset, 13);
  const std::string path = std::string("/bot") + kToken + "/getUpdates";
  ASSERT_EQ(server.lines().size(), 1u);
  EXPECT_EQ(server.lines()[0], "POST " + path + R"( {"timeout":0,"limit":100,)" + kinds);
  for (const HttpRequestLog& l : (*client)->log()) {
    EXPECT_EQ(l.path, "/bot<token>/getUpdates");
  }
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    EXPECT_EQ(ReadConnectorCursor(s, "telegram", "offset").value(), "13");
    EXPECT_EQ(ReadConnectorRooms(s, "telegram").value(),
              (std::vector<std::string>{"-1001234567890", "-1001987654321"}));
    EXPECT_EQ(Count(s, "SELECT count(*) FROM messages"), 2);
    EXPECT_EQ(Text(s,
                   "SELECT sender || ' ' || text FROM messages WHERE key = "
                   "'telegram:channel1234567890/7'"),
              "telegram:user42 see https://example.org/x");
    EXPECT_EQ(Text(s, "SELECT sender FROM messages WHERE key = 'telegram:channel1987654321/3'"),
              "telegram:channel1987654321");
    EXPECT_EQ(Text(s,
                   "SELECT kind || ' ' || name FROM entities WHERE key = "
                   "'telegram:channel1987654321'"),
              "channel Channel B");
    EXPECT_EQ(Text(s, "SELECT user || ' ' || action FROM memberships"), "telegram:user43 join");
    EXPECT_EQ(ChatsOfUser(s, "telegram:user42").value(),
              std::vector<std::string>{"telegram:channel1234567890"});
    // The token is nowhere in the store.
    EXPECT_EQ(Count(s, "SELECT count(*) FROM connector_cursors WHERE value LIKE '%AbC%'"), 0);
  }

  // The next run asks from the stored offset and reads the one new update (an edit).
  api.available = 4;
  r = TelegramSync(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->updates, 1);
  ASSERT_EQ(server.lines().size(), 2u);
  EXPECT_EQ(server.lines()[1],
            "POST " + path + R"( {"offset":13,"timeout":0,"limit":100,)" + kinds);

  // A crash before the offset was stored: the same updates come again, nothing lands twice.
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(WriteConnectorCursor(**store, "telegram", "offset", "10", 1).ok());
  }
  r = TelegramSync(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->updates, 4);
  EXPECT_EQ(r->offset, 14);
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  EXPECT_EQ(Count(s, "SELECT count(*) FROM messages"), 2);
  EXPECT_EQ(Count(s, "SELECT count(*) FROM memberships"), 1);
  EXPECT_EQ(Text(s, "SELECT text FROM messages WHERE key = 'telegram:channel1234567890/7'"),
            "edited");
  EXPECT_EQ(ReadConnectorCursor(s, "telegram", "offset").value(), "14");
}

TEST(TelegramConnector, EnforceDeletesBansHonours429AndRetriesOnlyTheFailure) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  ledger::FixedClock clock(1000);
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    ASSERT_TRUE(s.Begin().ok());
    for (const char* chat : {"-1001234567890", "-1001987654321"}) {
      ASSERT_TRUE(NoteConnectorRoom(s, "telegram", chat, 1).ok());
    }
    // The user is in three chats; the bot saw two of them.
    for (const char* chat :
         {"telegram:channel1234567890", "telegram:channel1987654321", "telegram:chat99"}) {
      MemberEvent m;
      m.chat = chat;
      m.user = "telegram:user42";
      m.time = 10;
      ASSERT_TRUE(s.Apply(Event{m}).ok());
    }
    ledger::Ledger led(s, &clock);
    ledger::TakedownRequest t;
    t.time = 100;
    t.decided_by = "moderator";
    for (const char* entity : {"telegram:user42", "telegram:channel1234567890/7",
                               "telegram:chat99/5"}) {  // the last: a chat the bot never saw
      t.entity = entity;
      t.reason = "spam";
      auto tk = led.Takedown(t);
      ASSERT_TRUE(tk.ok()) << tk.status().ToString();
    }
    ASSERT_TRUE(s.Commit().ok());
  }
  int rate_limited = 1;
  const std::string bot = std::string("/bot") + kToken;
  FakeServer server([&](const httplib::Request& req) -> FakeAnswer {
    if (req.path.rfind(bot + "/", 0) != 0) return {404, R"({"ok":false})", {}};
    if (rate_limited > 0) {
      --rate_limited;
      return {
          429,
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})",
          {}};
    }
    if (req.body.find("-1001987654321") != std::string::npos) {
      return {
          400,
          R"({"ok":false,"error_code":400,"description":"Bad Request: not enough rights to restrict/unrestrict chat member"})",
          {}};
    }
    return {200, R"({"ok":true,"result":true})", {}};
  });
  std::vector<int64_t> waits;
  auto options = TelegramClientOptions(kToken);
  ASSERT_TRUE(options.ok());
  options->sleep = [&](int64_t ms) { waits.push_back(ms); };
  auto client = HttpClient::Open(server.url(), "", *options);
  ASSERT_TRUE(client.ok());
  TelegramEnforceOptions o;
  o.db = db;
  o.clock = &clock;

  // Dry run: the plan, nothing sent.
  o.dry_run = true;
  auto dry = TelegramEnforce(**client, o);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->actions.size(), 3u);
  EXPECT_TRUE(server.lines().empty());
  o.dry_run = false;

  auto r = TelegramEnforce(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->done, 2);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(waits, std::vector<int64_t>{3000});
  const std::vector<std::string> want = {
      "POST " + bot + R"(/banChatMember {"chat_id":-1001234567890,"user_id":42})",  // the 429
      "POST " + bot + R"(/banChatMember {"chat_id":-1001234567890,"user_id":42})",
      "POST " + bot + R"(/banChatMember {"chat_id":-1001987654321,"user_id":42})",  // the 400
      "POST " + bot + R"(/deleteMessage {"chat_id":-1001234567890,"message_id":7})",
  };
  EXPECT_EQ(server.lines(), want);
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    auto failed = ReadConnectorActions(**store, "telegram", "failed");
    ASSERT_TRUE(failed.ok());
    ASSERT_EQ(failed->size(), 1u);
    EXPECT_EQ((*failed)[0].target, "-1001987654321");
    EXPECT_EQ((*failed)[0].subject, "42");
    EXPECT_EQ((*failed)[0].http_status, 400);
    EXPECT_NE((*failed)[0].answer.find("not enough rights"), std::string::npos);
    auto done = ReadConnectorActions(**store, "telegram", "done");
    ASSERT_TRUE(done.ok());
    ASSERT_EQ(done->size(), 2u);
    EXPECT_EQ((*done)[0].action, "ban");
    EXPECT_EQ((*done)[1].action, "delete");
    EXPECT_EQ(Count(**store, "SELECT count(*) FROM connector_actions WHERE answer LIKE '%AbC%'"),
              0);
  }

  // A rerun sends only the failed ban again.
  auto again = TelegramEnforce(**client, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->already_done, 2);
  EXPECT_EQ(again->failed, 1);
  ASSERT_EQ(server.lines().size(), want.size() + 1);
  EXPECT_EQ(server.lines().back(), want[2]);

  // A reinstatement unbans where the ban was done, and only there.
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ledger::Ledger led(**store, &clock);
    ledger::ReinstateRequest rr;
    rr.entity = "telegram:user42";
    rr.time = 200;
    rr.decided_by = "moderator";
    rr.reason = "appeal granted";
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(led.Reinstate(rr).ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  auto unban = TelegramEnforce(**client, o);
  ASSERT_TRUE(unban.ok());
  EXPECT_EQ(unban->done, 1);
  EXPECT_EQ(
      server.lines().back(),
      "POST " + bot +
          R"(/unbanChatMember {"chat_id":-1001234567890,"user_id":42,"only_if_banned":true})");
}

TEST(TelegramConnector, CliReadsOnceAndDryRunsWithoutShowingTheToken) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  testing::WriteFile(tmp.path() / "token", std::string(kToken) + "\n");
  FakeBotApi api;
  FakeServer server([&](const httplib::Request& req) { return api.Answer(req); });
  const std::string common = " --api " + server.url() + " --token-file " +
                             testing::ShellQuote(tmp.File("token")) + " --db " +
                             testing::ShellQuote(db) + " --once";
  auto bot = testing::RunCordon("telegram bot" + common);
  ASSERT_EQ(bot.code, 0) << bot.err;
  EXPECT_NE(bot.out.find("3 updates"), std::string::npos) << bot.out;
  EXPECT_NE(bot.out.find("next offset 13"), std::string::npos) << bot.out;
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ledger::Ledger led(**store);
    ledger::TakedownRequest t;
    t.entity = "telegram:user42";
    t.time = 100;
    t.decided_by = "moderator";
    t.reason = "spam";
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(led.Takedown(t).ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  auto dry = testing::RunCordon("telegram enforce --dry-run" + common);
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_NE(dry.out.find(R"(POST /banChatMember {"chat_id":-1001234567890,"user_id":42})"),
            std::string::npos)
      << dry.out;
  EXPECT_EQ((bot.out + bot.err + dry.out + dry.err).find("AbC"), std::string::npos);
  EXPECT_EQ(server.lines().size(), 1u);  // the dry run sent nothing
}

}  // namespace
}  // namespace cordon::connect
