// The dashboard of `cordon serve` over loopback against the real binary: its page and assets
// (the ones compiled in, byte for byte, with the security headers, nothing loaded from another
// origin, no HTML parsed from strings in the scripts), and the endpoints only it uses:
// /v1/overview, /v1/queue (a hostile name comes back as data), /v1/network/map.
// tests/browser/ drives the page itself in Chromium.
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <map>
#include <regex>

#include "cordon/serve/auth.h"
#include "cordon/serve/dashboard.h"
#include "serve/serve_process.h"
#include "test_util.h"

namespace cordon {
namespace {

using serve::ApiRole;

const char kHostile[] = "<img src=x onerror=alert(1)>";

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tmp_.File("db.sqlite");
    // A channel whose name is markup, taken down, and regenerated under the same name by the
    // same admin three hours later: the regeneration detector raises a detection at ingest.
    const std::string hostile = kHostile;
    testing::WriteFile(
        tmp_.File("events.ndjson"),
        R"({"type":"entity","key":"telegram:user9001","kind":"user","time":"2019-10-20T00:00:00Z","name":"Admin"})"
        "\n"
        R"({"type":"entity","key":"telegram:channel9001","kind":"channel","time":"2019-10-20T00:00:00Z","name":")" +
            hostile +
            R"(","username":"hostile_news","created":"2019-10-02T00:00:00Z","creator":"telegram:user9001"})"
            "\n"
            R"({"type":"message","key":"telegram:channel9001/1","chat":"telegram:channel9001","time":"2019-10-20T01:00:00Z","text":"news"})"
            "\n"
            R"({"type":"takedown","entity":"telegram:channel9001","time":"2019-10-21T00:00:00Z","reason":"terrorist_channel","source":"platform"})"
            "\n"
            R"({"type":"entity","key":"telegram:channel9002","kind":"channel","time":"2019-10-21T03:00:00Z","name":")" +
            hostile +
            R"(","username":"hostile_news2","created":"2019-10-21T03:00:00Z","creator":"telegram:user9001"})"
            "\n"
            R"({"type":"message","key":"telegram:channel9002/1","chat":"telegram:channel9002","time":"2019-10-21T03:10:00Z","text":"news"})"
            "\n");
    auto ingest = testing::RunCordon("ingest --db " + testing::ShellQuote(db_) + " --quiet " +
                                     testing::ShellQuote(tmp_.File("events.ndjson")));
    ASSERT_EQ(ingest.code, 0) << ingest.err;
    for (ApiRole r : {ApiRole::kViewer, ApiRole::kModerator}) {
      const std::string name(serve::ApiRoleName(r));
      auto res = testing::RunCordon("token create --db " + testing::ShellQuote(db_) + " --role " +
                                    name + " --name " + name + "-token");
      ASSERT_EQ(res.code, 0) << res.err;
      tokens_[r] = Trimmed(res.out);
    }
    serve_ = std::make_unique<ServeProcess>(db_);
    ASSERT_TRUE(serve_->WaitLoaded()) << serve_->Stderr();
  }
  httplib::Headers As(ApiRole r) { return {{"Authorization", "Bearer " + tokens_[r]}}; }
  // GET as `role`, parsed; fails the test unless 200.
  simdjson::dom::element GetJson(const std::string& path, ApiRole role) {
    auto r = serve_->Client().Get(path, As(role));
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << path << " " << r->body;
    bodies_.push_back(std::make_unique<simdjson::padded_string>(r->body));
    parsers_.push_back(std::make_unique<simdjson::dom::parser>());
    simdjson::dom::element doc;
    EXPECT_FALSE(parsers_.back()->parse(*bodies_.back()).get(doc)) << path << " " << r->body;
    return doc;
  }

  testing::TempDir tmp_;
  std::string db_;
  std::map<ApiRole, std::string> tokens_;
  std::unique_ptr<ServeProcess> serve_;
  std::vector<std::unique_ptr<simdjson::padded_string>> bodies_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
};

void ExpectSecurityHeaders(const httplib::Response& r, const std::string& what) {
  const std::string csp = r.get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << what << ": " << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << what << ": " << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(r.get_header_value("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(r.get_header_value("Referrer-Policy"), "no-referrer") << what;
  EXPECT_EQ(r.get_header_value("X-Frame-Options"), "DENY") << what;
}

TEST_F(DashboardTest, PageAndEveryAssetAreServedFromTheBinaryWithSecurityHeaders) {
  auto c = serve_->Client();
  // No token needed: the page holds no data.
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  ExpectSecurityHeaders(*page, "/");
  EXPECT_NE(page->body.find(R"(<script type="module" src="/dashboard/app.js"></script>)"),
            std::string::npos);
  // Every <script> names its source: none is inline (the CSP would block it anyway).
  const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)");
  EXPECT_FALSE(std::regex_search(page->body, inline_script));

  ASSERT_GE(serve::DashboardAssets().size(), 4u);
  for (const serve::DashboardAsset& a : serve::DashboardAssets()) {
    const std::string path = "/dashboard/" + std::string(a.name);
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body, a.body) << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), a.type) << path;
    ExpectSecurityHeaders(*r, path);
    // Nothing from another origin: the only absolute URL is SVG's namespace name.
    std::string body(a.body);
    for (size_t at = body.find("http"); at != std::string::npos; at = body.find("http", at + 1)) {
      const std::string url = body.substr(at, 30);
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) continue;
      EXPECT_EQ(url.rfind("http://www.w3.org/2000/svg", 0), 0u) << path << ": " << url;
    }
    // The scripts build the page from text: no HTML parsed from strings, no eval.
    if (a.name.ends_with(".js")) {
      for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                               "eval(", "new Function", "setAttribute('on", "javascript:"}) {
        EXPECT_EQ(body.find(sink), std::string::npos) << path << " uses " << sink;
      }
    }
  }
}

TEST_F(DashboardTest, UnknownAssetsAre404AndNoPathReachesTheFileSystem) {
  auto c = serve_->Client();
  for (const char* path :
       {"/dashboard/nope.js", "/dashboard/", "/dashboard/..%2f..%2fetc%2fpasswd",
        "/dashboard/../../etc/passwd", "/dashboard/%2e%2e/server.cc", "/dashboard/index.html/x"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(c.Get("/favicon.ico")->status, 204);
}

TEST_F(DashboardTest, OverviewNamesTheCallerAndCountsOpenDetections) {
  auto c = serve_->Client();
  EXPECT_EQ(c.Get("/v1/overview")->status, 401);
  EXPECT_EQ(c.Get("/v1/overview", {{"Authorization", "Bearer cordon_x"}})->status, 401);
  auto o = GetJson("/v1/overview", ApiRole::kViewer);
  EXPECT_EQ(std::string_view(o["caller"]["name"]), "viewer-token");
  EXPECT_EQ(std::string_view(o["caller"]["role"]), "viewer");
  EXPECT_EQ(int64_t(o["ledger"]["seq"]), 1);  // the stream takedown, mirrored into the ledger
  EXPECT_EQ(int64_t(o["detections"]["total"]), 1);
  EXPECT_EQ(int64_t(o["detections"]["open"]), 1);
  auto m = GetJson("/v1/overview", ApiRole::kModerator);
  EXPECT_EQ(std::string_view(m["caller"]["role"]), "moderator");
}

TEST_F(DashboardTest, QueueGivesNamesAsDataAndMovesATakenDownEntityOutOfOpen) {
  auto c = serve_->Client();
  EXPECT_EQ(c.Get("/v1/queue")->status, 401);
  EXPECT_EQ(c.Get("/v1/queue?state=closed", As(ApiRole::kViewer))->status, 400);
  EXPECT_EQ(c.Get("/v1/queue?limit=0", As(ApiRole::kViewer))->status, 400);

  auto q = GetJson("/v1/queue?state=open", ApiRole::kViewer);
  EXPECT_EQ(int64_t(q["total"]), 1);
  simdjson::dom::array rows = q["queue"];
  ASSERT_EQ(rows.size(), 1u);
  simdjson::dom::element row = rows.at(0);
  // The name an adversary wrote, exactly, as a JSON string.
  EXPECT_EQ(std::string_view(row["name"]), kHostile);
  EXPECT_EQ(std::string_view(row["parent_name"]), kHostile);
  EXPECT_TRUE(row["down_since"].is_null());
  EXPECT_EQ(std::string_view(row["detection"]["entity"]), "telegram:channel9002");
  EXPECT_EQ(std::string_view(row["detection"]["parent"]), "telegram:channel9001");
  EXPECT_GT(simdjson::dom::array(row["detection"]["evidence"]).size(), 0u);

  auto w =
      c.Post("/v1/takedowns", As(ApiRole::kModerator),
             R"({"entity":"telegram:channel9002","reason":"regeneration"})", "application/json");
  ASSERT_EQ(w->status, 201) << w->body;
  EXPECT_EQ(int64_t(GetJson("/v1/queue?state=open", ApiRole::kViewer)["total"]), 0);
  auto down = GetJson("/v1/queue?state=down", ApiRole::kViewer);
  ASSERT_EQ(int64_t(down["total"]), 1);
  EXPECT_FALSE(down["queue"].at(0)["down_since"].is_null());
  EXPECT_EQ(int64_t(GetJson("/v1/overview", ApiRole::kViewer)["detections"]["open"]), 0);
  EXPECT_EQ(int64_t(GetJson("/v1/queue", ApiRole::kViewer)["total"]), 1);  // all
}

TEST_F(DashboardTest, NetworkMapListsNodesAndOnlyTheEdgesAmongThem) {
  auto c = serve_->Client();
  EXPECT_EQ(c.Get("/v1/network/map")->status, 401);
  EXPECT_EQ(c.Get("/v1/network/map?nodes=0", As(ApiRole::kViewer))->status, 400);
  EXPECT_EQ(c.Get("/v1/network/map?nodes=x", As(ApiRole::kViewer))->status, 400);
  auto all = GetJson("/v1/network/map", ApiRole::kViewer);
  simdjson::dom::array nodes = all["nodes"];
  simdjson::dom::array edges = all["edges"];
  // The admin account and both channels it created, joined by admin edges.
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(int64_t(all["nodes_total"]), 3);
  ASSERT_GE(edges.size(), 2u);
  bool hostile_named = false;
  for (auto n : nodes) hostile_named |= std::string_view(n["name"]) == kHostile;
  EXPECT_TRUE(hostile_named);
  for (auto e : edges) {
    EXPECT_LT(int64_t(e["from"]), 3);
    EXPECT_LT(int64_t(e["to"]), 3);
  }
  // One node: no edge can be drawn.
  auto one = GetJson("/v1/network/map?nodes=1", ApiRole::kViewer);
  EXPECT_EQ(simdjson::dom::array(one["nodes"]).size(), 1u);
  EXPECT_EQ(simdjson::dom::array(one["edges"]).size(), 0u);
  EXPECT_EQ(int64_t(one["nodes_total"]), 3);
}

}  // namespace
}  // namespace cordon
