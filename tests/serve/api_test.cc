// cordon's /v1 API over loopback against the real binary: every read and write endpoint with
// every role (401 without a token, 403 below the role, 200/201), bad input (400), the actor in
// the ledger, conflicts (409), the event stream, and a hostile name that stays data.
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <atomic>
#include <map>
#include <thread>

#include "cordon/serve/auth.h"
#include "serve/serve_process.h"
#include "test_util.h"

namespace cordon {
namespace {

using serve::ApiRole;

// A channel whose name an adversary wrote: markup, quotes, a newline and a control character.
const char kHostileName[] = "<img src=x onerror=alert(1)>\\\"\\n\\u0007";
const char kHostileDecoded[] = "<img src=x onerror=alert(1)>\"\n\x07";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tmp_.File("db.sqlite");
    for (ApiRole r : {ApiRole::kViewer, ApiRole::kAnalyst, ApiRole::kModerator, ApiRole::kAdmin}) {
      const std::string name(serve::ApiRoleName(r));
      auto res = testing::RunCordon("token create --db " + testing::ShellQuote(db_) + " --role " +
                                    name + " --name " + name + "-token");
      ASSERT_EQ(res.code, 0) << res.err;
      tokens_[r] = Trimmed(res.out);
    }
    serve_ = std::make_unique<ServeProcess>(db_);
    ASSERT_TRUE(serve_->WaitLoaded()) << serve_->Stderr();
    // Two chats, one with a hostile name, through the analyst's ingest endpoint.
    const std::string events =
        std::string(R"({"type":"entity","key":"telegram:chan1","kind":"channel",)") +
        R"("time":"2024-01-01T00:00:00Z","name":")" + kHostileName + "\"}\n" +
        R"({"type":"entity","key":"telegram:chan2","kind":"channel",)" +
        R"("time":"2024-01-01T00:00:00Z","name":"Plain"})" + "\n" +
        R"({"type":"message","key":"telegram:chan1/1","chat":"telegram:chan1",)" +
        R"("time":"2024-01-01T00:05:00Z","text":"hello"})" + "\n";
    auto r =
        serve_->Client().Post("/v1/events", As(ApiRole::kAnalyst), events, "application/x-ndjson");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  httplib::Headers As(ApiRole r) { return {{"Authorization", "Bearer " + tokens_[r]}}; }
  httplib::Result Post(ApiRole r, const std::string& path, const std::string& body) {
    return serve_->Client().Post(path, As(r), body, "application/json");
  }

  testing::TempDir tmp_;
  std::string db_;
  std::map<ApiRole, std::string> tokens_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(ApiTest, EveryReadEndpointAnswersViewersAndRefusesNoToken) {
  auto c = serve_->Client();
  for (const char* path :
       {"/v1/entities", "/v1/messages", "/v1/matches", "/v1/matches?by_chat=1", "/v1/network",
        "/v1/plan?budget=2", "/v1/plan?targets=telegram:chan1", "/v1/impact", "/v1/detections",
        "/v1/ledger", "/v1/appeals", "/v1/referrals", "/v1/deadlines"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
    r = c.Get(path, {{"Authorization", "Bearer cordon_not_a_token"}});
    EXPECT_EQ(r->status, 401) << path;
    for (ApiRole role : {ApiRole::kViewer, ApiRole::kAdmin}) {
      r = c.Get(path, As(role));
      ASSERT_EQ(r->status, 200) << path << " " << r->body;
      simdjson::dom::parser parser;
      simdjson::padded_string body(r->body);
      EXPECT_FALSE(parser.parse(body).error()) << path << " " << r->body;
      EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << path;
    }
  }
}

TEST_F(ApiTest, ReadEndpointsGiveTheCliJsonAndPage) {
  auto c = serve_->Client();
  // Entities: the same JSON as `cordon entities --json`, a page of one with a cursor.
  auto r = c.Get("/v1/entities?limit=1", As(ApiRole::kViewer));
  ASSERT_EQ(r->status, 200);
  auto cli = testing::RunCordon("entities --db " + testing::ShellQuote(db_) + " --limit 1 --json");
  ASSERT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(r->body + "\n", cli.out);
  simdjson::dom::parser parser;
  simdjson::padded_string body(r->body);
  auto doc = parser.parse(body);
  ASSERT_FALSE(doc.error());
  EXPECT_EQ(doc["entities"].get_array().size(), 1u);
  EXPECT_EQ(std::string(doc["next"].get_string().value()), "telegram:chan1");
  // The hostile name comes back as the same data, escaped JSON, nothing interpreted.
  EXPECT_EQ(std::string(doc["entities"].at(0)["name"].get_string().value()), kHostileDecoded);
  r = c.Get("/v1/entities?limit=1&after=telegram:chan1", As(ApiRole::kViewer));
  EXPECT_NE(r->body.find("telegram:chan2"), std::string::npos) << r->body;
  // Hostile sizes are capped, bad ones refused.
  EXPECT_EQ(c.Get("/v1/entities?limit=999999999999", As(ApiRole::kViewer))->status, 200);
  for (const char* bad :
       {"/v1/entities?limit=-1", "/v1/entities?limit=abc", "/v1/messages?after=x",
        "/v1/ledger?after=-3", "/v1/plan?budget=1e9", "/v1/plan", "/v1/impact?window=0",
        "/v1/network?at=yesterday", "/v1/referrals?status=weird"}) {
    r = c.Get(bad, As(ApiRole::kViewer));
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
    EXPECT_NE(r->body.find("\"message\""), std::string::npos) << bad;
  }
  // Messages: the same JSON as `cordon messages --json`.
  r = c.Get("/v1/messages", As(ApiRole::kViewer));
  cli = testing::RunCordon("messages --db " + testing::ShellQuote(db_) + " --json");
  EXPECT_EQ(r->body + "\n", cli.out);
  EXPECT_NE(r->body.find("telegram:chan1/1"), std::string::npos);
  // Detections and referrals: the same JSON as the CLI's.
  cli = testing::RunCordon("regen --db " + testing::ShellQuote(db_) + " --stored --json");
  EXPECT_EQ(c.Get("/v1/detections", As(ApiRole::kViewer))->body + "\n", cli.out);
}

TEST_F(ApiTest, WritesNeedTheModeratorRole) {
  const std::map<std::string, std::string> writes = {
      {"/v1/takedowns", R"({"entity":"telegram:chan2","reason":"r"})"},
      {"/v1/reinstatements", R"({"entity":"telegram:chan2","reason":"r"})"},
      {"/v1/appeals", R"({"entity":"telegram:chan2","reason":"r"})"},
      {"/v1/appeals/1/deny", R"({"reason":"r"})"},
      {"/v1/referrals", R"({"id":"R1","entity":"telegram:chan2","unit":"u"})"},
      {"/v1/referrals/R1/act", "{}"},
      {"/v1/referrals/R1/reject", R"({"reason":"r"})"}};
  auto c = serve_->Client();
  for (const auto& [path, body] : writes) {
    EXPECT_EQ(c.Post(path, body, "application/json")->status, 401) << path;
    EXPECT_EQ(Post(ApiRole::kViewer, path, body)->status, 403) << path;
    EXPECT_EQ(Post(ApiRole::kAnalyst, path, body)->status, 403) << path;
    // Bad JSON is 400 for those allowed.
    auto r = Post(ApiRole::kModerator, path, "{not json");
    EXPECT_EQ(r->status, 400) << path << " " << r->body;
  }
}

TEST_F(ApiTest, TakedownIsInTheLedgerWithTheActorAndConflictsAre409) {
  auto r = Post(ApiRole::kModerator, "/v1/takedowns",
                R"({"entity":"telegram:chan1","reason":"terrorist_content",)"
                R"("messages":["telegram:chan1/1"],"evidence":{"note":"seen"}})");
  ASSERT_EQ(r->status, 201) << r->body;
  auto ledger = serve_->Client().Get("/v1/ledger?action=takedown", As(ApiRole::kViewer));
  simdjson::dom::parser parser;
  simdjson::padded_string body(ledger->body);
  auto doc = parser.parse(body);
  ASSERT_FALSE(doc.error()) << ledger->body;
  auto entry = doc["entries"].at(0);
  EXPECT_EQ(std::string(entry["decided_by"].get_string().value()), "moderator-token");
  EXPECT_EQ(std::string(entry["entity"].get_string().value()), "telegram:chan1");
  EXPECT_EQ(std::string(entry["evidence"]["note"].get_string().value()), "seen");
  EXPECT_EQ(std::string(entry["evidence"]["messages"].at(0).get_string().value()),
            "telegram:chan1/1");
  // The chain still verifies, and the CLI lists the same entries.
  auto verify = testing::RunCordon("ledger verify --db " + testing::ShellQuote(db_));
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  auto cli =
      testing::RunCordon("ledger --db " + testing::ShellQuote(db_) + " --action takedown --json");
  EXPECT_EQ(ledger->body + "\n", cli.out);

  // Again: 409. Unknown entity: 404. A bad field: 400 naming it.
  r = Post(ApiRole::kModerator, "/v1/takedowns", R"({"entity":"telegram:chan1","reason":"x"})");
  EXPECT_EQ(r->status, 409) << r->body;
  r = Post(ApiRole::kModerator, "/v1/takedowns", R"({"entity":"telegram:ghost","reason":"x"})");
  EXPECT_EQ(r->status, 404) << r->body;
  r = Post(ApiRole::kModerator, "/v1/takedowns", R"({"entity":"telegram:chan2","reason":7})");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("reason"), std::string::npos) << r->body;
  r = Post(ApiRole::kModerator, "/v1/takedowns", R"({"entity":"no-platform","reason":"x"})");
  EXPECT_EQ(r->status, 400) << r->body;

  // Appeal, deny, reinstate.
  r = Post(ApiRole::kModerator, "/v1/appeals", R"({"entity":"telegram:chan1","reason":"not us"})");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(
      Post(ApiRole::kModerator, "/v1/appeals", R"({"entity":"telegram:chan1","reason":"again"})")
          ->status,
      409);
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/appeals/99/deny", R"({"reason":"r"})")->status, 404);
  r = Post(ApiRole::kModerator, "/v1/appeals/1/deny", R"({"reason":"upheld"})");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/appeals/1/deny", R"({"reason":"r"})")->status, 409);
  r = Post(ApiRole::kAdmin, "/v1/reinstatements",
           R"({"entity":"telegram:chan1","reason":"mistaken_takedown"})");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_NE(r->body.find("\"decided_by\":\"admin-token\""), std::string::npos) << r->body;
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/reinstatements",
                 R"({"entity":"telegram:chan1","reason":"again"})")
                ->status,
            409);
}

TEST_F(ApiTest, ReferralsAreRecordedActedOnAndListed) {
  auto r = Post(ApiRole::kModerator, "/v1/referrals",
                R"({"id":"IRU-1","entity":"telegram:chan2","unit":"unit-a",)"
                R"("kind":"removal_order","reason":"tco"})");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/referrals",
                 R"({"id":"IRU-1","entity":"telegram:chan2","unit":"unit-a"})")
                ->status,
            409);
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/referrals",
                 R"({"id":"IRU-2","entity":"telegram:chan2","unit":"u","kind":"other"})")
                ->status,
            400);
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/referrals/NOPE/act", "{}")->status, 404);
  r = Post(ApiRole::kModerator, "/v1/referrals/IRU-1/act", "{}");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_NE(r->body.find("actioned"), std::string::npos) << r->body;
  EXPECT_EQ(Post(ApiRole::kModerator, "/v1/referrals/IRU-1/reject", R"({"reason":"x"})")->status,
            409);
  auto list = serve_->Client().Get("/v1/referrals", As(ApiRole::kViewer));
  EXPECT_NE(list->body.find("IRU-1"), std::string::npos) << list->body;
  auto ledger = serve_->Client().Get("/v1/ledger?entity=telegram:chan2", As(ApiRole::kViewer));
  EXPECT_NE(ledger->body.find("\"action\":\"takedown\""), std::string::npos) << ledger->body;
  EXPECT_NE(ledger->body.find("moderator-token"), std::string::npos) << ledger->body;
}

TEST_F(ApiTest, StreamDeliversALedgerEntryWrittenAfterItOpened) {
  auto c = serve_->Client();
  EXPECT_EQ(c.Get("/v1/stream")->status, 401);
  httplib::Headers bogus = As(ApiRole::kViewer);
  bogus.emplace("Last-Event-ID", "bogus");
  EXPECT_EQ(c.Get("/v1/stream", bogus)->status, 400);
  std::atomic<bool> opened{false};
  std::string got;
  std::thread writer;
  // The stream's own lifetime (max_seconds) bounds the test if nothing arrives.
  auto stream = serve_->Client();
  stream.set_read_timeout(30, 0);
  auto r = stream.Get("/v1/stream?max_seconds=20", As(ApiRole::kViewer),
                      [&](const char* data, size_t n) {
                        got.append(data, n);
                        if (!opened && got.find(": cordon stream") != std::string::npos) {
                          opened = true;
                          writer = std::thread([this] {
                            auto w = Post(ApiRole::kModerator, "/v1/takedowns",
                                          R"({"entity":"telegram:chan2","reason":"streamed"})");
                            EXPECT_EQ(w->status, 201);
                          });
                        }
                        // Stop once the entry is in.
                        return got.find("\"reason\":\"streamed\"") == std::string::npos;
                      });
  if (writer.joinable()) writer.join();
  EXPECT_TRUE(opened);
  EXPECT_NE(got.find("event: ledger\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\"decided_by\":\"moderator-token\""), std::string::npos) << got;
  // Its id is the cursor after it: ledger seq first.
  const size_t id_at = got.find("id: ");
  ASSERT_NE(id_at, std::string::npos) << got;
  const std::string id = got.substr(id_at + 4, got.find('\n', id_at) - id_at - 4);
  EXPECT_EQ(id.substr(0, 2), "1.") << id;  // the first ledger entry
}

TEST_F(ApiTest, StreamsAreCapped) {
  // Started with no stream slots: every stream is refused with 503 and Retry-After.
  ServeProcess capped(db_, {"--max-streams", "0"});
  auto r = capped.Client().Get("/v1/stream", As(ApiRole::kViewer));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->get_header_value("Retry-After"), "5");
}

}  // namespace
}  // namespace cordon
