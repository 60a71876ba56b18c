// `cordon serve` over loopback, the contract's robustness lines: every route against every role
// from one table, slow clients, readers beside a writer, fetching by URL only from an
// allow-list, and route labels in /metrics. Each test starts the real binary and stops it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "content/image_writers.h"
#include "cordon/content/pdq.h"
#include "cordon/serve/auth.h"
#include "cordon/serve/fetch.h"
#include "cordon/util/digest.h"
#include "serve/serve_process.h"
#include "test_util.h"

namespace cordon {
namespace {

using serve::ApiRole;

const char kHash[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
constexpr ApiRole kRoles[] = {ApiRole::kViewer, ApiRole::kAnalyst, ApiRole::kModerator,
                              ApiRole::kAdmin};

std::string Photo() {
  Image img;
  img.width = img.height = 48;
  img.channels = 3;
  img.pixels.resize(48 * 48 * 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i * 7);
  return testing::EncodeJpeg(img, 90);
}

class ServeLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tmp_.File("db.sqlite");
    for (ApiRole r : kRoles) {
      const std::string name(serve::ApiRoleName(r));
      auto res = testing::RunCordon("token create --db " + testing::ShellQuote(db_) + " --role " +
                                    name + " --name " + name + "-token");
      ASSERT_EQ(res.code, 0) << res.err;
      tokens_[r] = Trimmed(res.out);
    }
  }
  httplib::Headers As(ApiRole r) { return {{"Authorization", "Bearer " + tokens_[r]}}; }

  testing::TempDir tmp_;
  std::string db_;
  std::map<ApiRole, std::string> tokens_;
};

// `token create` prints the token alone on one line; no byte of the database files (the WAL
// too) holds a token or its random part, only their SHA-256.
TEST_F(ServeLimitsTest, TokensAreNowhereInTheDatabaseFilesInPlain) {
  std::string files;
  for (const char* suffix : {"", "-wal", "-journal"}) {
    if (std::filesystem::exists(db_ + suffix)) files += testing::ReadFile(db_ + suffix);
  }
  ASSERT_FALSE(files.empty());
  for (const auto& [role, token] : tokens_) {
    ASSERT_EQ(token.size(), 7u + 64u) << token;
    EXPECT_EQ(files.find(token.substr(7)), std::string::npos);
    EXPECT_EQ(files.find(token.substr(7, 16)), std::string::npos);
    EXPECT_NE(files.find(serve::ApiTokenHash(token)), std::string::npos);
  }
  auto once = testing::RunCordon("token create --db " + testing::ShellQuote(db_) +
                                 " --role viewer --name extra");
  ASSERT_EQ(once.code, 0);
  EXPECT_EQ(once.out.find('\n'), once.out.size() - 1);  // one line, the token alone
  EXPECT_EQ(once.out.rfind("cordon_", 0), 0u);
}

// One row per route: method, path (a concrete one), the least role (nullopt: no token), a body,
// and the route label /metrics counts it under.
struct Route {
  std::string method, path;
  std::optional<ApiRole> role;
  std::string body;
  std::string label;
};

httplib::Result Call(httplib::Client& c, const Route& r, const httplib::Headers& h) {
  if (r.method == "GET") return c.Get(r.path.c_str(), h);
  if (r.method == "PUT") return c.Put(r.path.c_str(), h, r.body, "application/json");
  if (r.method == "DELETE") return c.Delete(r.path.c_str(), h);
  if (r.path.find("/content") != std::string::npos || r.path == "/h/hash") {
    return c.Post(r.path.c_str(), h,
                  httplib::MultipartFormDataItems{{"photo", Photo(), "p.jpg", "image/jpeg"}});
  }
  return c.Post(r.path.c_str(), h, r.body,
                r.path == "/v1/events" ? "application/x-ndjson" : "application/json");
}

TEST_F(ServeLimitsTest, EveryRouteFromOneTableAgainstEveryRole) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  EXPECT_EQ(c.Get("/status")->body, "I-AM-ALIVE");
  EXPECT_EQ(c.Get("/status/live")->body, "I-AM-ALIVE");
  ASSERT_EQ(c.Post("/c/banks", As(ApiRole::kAdmin), R"({"name":"B"})", "application/json")->status,
            201);
  const std::string hash_body = std::string(R"({"pdq":")") + kHash + R"("})";
  const std::string entity = R"({"entity":"telegram:c1","reason":"r"})";
  const std::string events =
      R"({"type":"entity","key":"telegram:c1","kind":"channel","time":"2024-01-01T00:00:00Z"})"
      "\n";
  const auto V = ApiRole::kViewer, A = ApiRole::kAnalyst, M = ApiRole::kModerator;
  const std::vector<Route> routes = {
      {"GET", "/status", std::nullopt, "", "GET /status"},
      {"GET", "/status/live", std::nullopt, "", "GET /status/live"},
      {"GET", "/", std::nullopt, "", "GET /"},
      {"GET", "/dashboard/app.js", std::nullopt, "", "GET /dashboard/{file}"},
      {"GET", "/metrics", V, "", "GET /metrics"},
      {"GET", "/c/banks", V, "", "GET /c/banks"},
      {"POST", "/c/banks", A, R"({"name":"NEW"})", "POST /c/banks"},
      {"GET", "/c/bank/B", V, "", "GET /c/bank/{name}"},
      {"PUT", "/c/bank/B", A, R"({"enabled":true})", "PUT /c/bank/{name}"},
      {"POST", "/c/bank/B/signal", A, hash_body, "POST /c/bank/{name}/signal"},
      {"POST", "/c/bank/B/content", A, "", "POST /c/bank/{name}/content"},
      {"GET", std::string("/m/lookup?signal_type=pdq&signal=") + kHash, V, "", "GET /m/lookup"},
      {"POST", "/m/compare", V, std::string(R"({"pdq":[")") + kHash + R"(",")" + kHash + R"("]})",
       "POST /m/compare"},
      {"POST", "/h/hash", V, "", "POST /h/hash"},
      {"POST", "/v1/events", A, events, "POST /v1/events"},
      {"GET", "/v1/stats", V, "", "GET /v1/stats"},
      {"GET", "/v1/entities", V, "", "GET /v1/entities"},
      {"GET", "/v1/messages", V, "", "GET /v1/messages"},
      {"GET", "/v1/matches", V, "", "GET /v1/matches"},
      {"GET", "/v1/network", V, "", "GET /v1/network"},
      {"GET", "/v1/network/map", V, "", "GET /v1/network/map"},
      {"GET", "/v1/plan?budget=1", V, "", "GET /v1/plan"},
      {"GET", "/v1/impact", V, "", "GET /v1/impact"},
      {"GET", "/v1/detections", V, "", "GET /v1/detections"},
      {"GET", "/v1/ledger", V, "", "GET /v1/ledger"},
      {"GET", "/v1/appeals", V, "", "GET /v1/appeals"},
      {"GET", "/v1/referrals", V, "", "GET /v1/referrals"},
      {"GET", "/v1/deadlines", V, "", "GET /v1/deadlines"},
      {"GET", "/v1/overview", V, "", "GET /v1/overview"},
      {"GET", "/v1/queue", V, "", "GET /v1/queue"},
      {"POST", "/v1/takedowns", M, entity, "POST /v1/takedowns"},
      {"POST", "/v1/appeals", M, entity, "POST /v1/appeals"},
      {"POST", "/v1/appeals/1/deny", M, R"({"reason":"r"})", "POST /v1/appeals/{id}/deny"},
      {"POST", "/v1/reinstatements", M, entity, "POST /v1/reinstatements"},
      {"POST", "/v1/referrals", M, R"({"id":"R1","entity":"telegram:c1","unit":"u"})",
       "POST /v1/referrals"},
      {"POST", "/v1/referrals/R1/act", M, "{}", "POST /v1/referrals/{id}/act"},
      {"DELETE", "/c/bank/B", A, "", "DELETE /c/bank/{name}"},
  };
  for (const Route& r : routes) {
    SCOPED_TRACE(r.method + " " + r.path);
    if (r.role) {
      EXPECT_EQ(Call(c, r, {})->status, 401);
      EXPECT_EQ(Call(c, r, {{"Authorization", "Bearer cordon_unknown"}})->status, 401);
      EXPECT_EQ(Call(c, r, {{"Authorization", "Basic eDp5"}})->status, 401);
    }
    for (ApiRole role : kRoles) {
      SCOPED_TRACE(std::string(serve::ApiRoleName(role)));
      if (r.role && role < *r.role) {
        auto res = Call(c, r, As(role));
        EXPECT_EQ(res->status, 403) << res->body;
        EXPECT_NE(res->body.find("\"message\""), std::string::npos);
      }
    }
    // The least role succeeds (a write once: repeating it would conflict).
    auto res = Call(c, r, r.role ? As(*r.role) : httplib::Headers{});
    EXPECT_GE(res->status, 200) << res->body;
    EXPECT_LT(res->status, 300) << res->body;
    if (!r.role) continue;
    if (r.method == "GET" && r.path.rfind("/v1/", 0) == 0) {
      for (ApiRole role : kRoles) {
        if (role > *r.role) {
          EXPECT_EQ(Call(c, r, As(role))->status, 200);
        }
      }
    }
  }
  // Every route has a label of its own in /metrics; names in paths never become labels.
  // (A request is counted once its answer is written: the last one may still be on its way.)
  // Wait for the last route's success (its 401 and 403 are counted long before).
  const std::string last_ok =
      "cordon_http_requests_total{route=\"" + routes.back().label + "\",status=\"2";
  std::string metrics;
  for (int i = 0; i < 500 && metrics.find(last_ok) == std::string::npos; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    metrics = c.Get("/metrics", As(ApiRole::kViewer))->body;
  }
  for (const Route& r : routes) {
    EXPECT_NE(metrics.find("cordon_http_requests_total{route=\"" + r.label + "\",status=\"2"),
              std::string::npos)
        << r.label;
  }
  EXPECT_EQ(metrics.find("route=\"GET /c/bank/B\""), std::string::npos);
  EXPECT_EQ(metrics.find("route=\"GET other\""), std::string::npos) << metrics;
  c.Get("/c/bank/SOME_NAME/unknown", As(ApiRole::kViewer));
  // Counted once its answer is written, which may be after the client read it (as above).
  const std::string other = "route=\"GET other\",status=\"404";
  metrics.clear();
  for (int i = 0; i < 500 && metrics.find(other) == std::string::npos; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    metrics = c.Get("/metrics", As(ApiRole::kViewer))->body;
  }
  EXPECT_NE(metrics.find(other), std::string::npos) << metrics;
  for (const char* series :
       {"cordon_http_request_duration_seconds_bucket", "cordon_lookups_total 1",
        "cordon_events_ingested_total 1", "cordon_index_entries "}) {
    EXPECT_NE(metrics.find(series), std::string::npos) << series;
  }
}

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One worker, and a client that sends its headers a byte a second without end: the header
// deadline takes the worker back, so another client is answered (without it, never).
TEST_F(ServeLimitsTest, ASlowClientCannotHoldTheOnlyWorker) {
  ServeProcess serve(db_, {"--threads", "1", "--header-timeout", "2"});
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  const int fd = Connect(serve.port());
  ASSERT_GE(fd, 0);
  std::atomic<bool> stop{false};
  std::thread dribbler([&] {
    const std::string head = "GET /status/live HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (size_t i = 0; !stop; ++i) {
      const char byte = i < head.size() ? head[i] : 'a';
      if (send(fd, &byte, 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  struct Join {  // on every way out: the dribbler stops before its socket is closed
    std::atomic<bool>& stop;
    std::thread& t;
    int fd;
    ~Join() {
      stop = true;
      t.join();
      close(fd);
    }
  } join{stop, dribbler, fd};
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the worker reads the dribble
  auto c = serve.Client();
  c.set_read_timeout(60, 0);
  auto r = c.Get("/status/live");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "I-AM-ALIVE");
  // The slow one was closed without an answer (its request line never came whole).
  char buf[512];
  EXPECT_EQ(recv(fd, buf, sizeof buf, 0), 0);
  serve.Terminate();
  EXPECT_EQ(serve.Wait(), 0);
}

// A client that sends `Expect: 100-continue` waits for the interim answer before sending the
// body (curl does, for bodies over 1 MB): the server sends it at once, not held back with the
// final answer's headers until the body it waits for arrives.
TEST_F(ServeLimitsTest, ExpectContinueIsAnsweredBeforeTheBody) {
  // A short body timeout: were the interim answer held back, the server would give up on the
  // body and answer 400 before the client sent it.
  ServeProcess serve(db_, {"--body-timeout", "2"});
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  const int fd = Connect(serve.port());
  ASSERT_GE(fd, 0);
  const std::string body = R"({"pdq":[")" + std::string(kHash) + R"(",")" + kHash + R"("]})";
  const std::string head = "POST /m/compare HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           tokens_[ApiRole::kViewer] +
                           "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                           "Content-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  // Nothing of the body is sent until the server answers: the first bytes are the interim
  // answer (held back, they would come only after the server gave up on the body).
  std::string got;
  char buf[1024];
  while (got.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << got;
  ASSERT_EQ(send(fd, body.data(), body.size(), MSG_NOSIGNAL), static_cast<ssize_t>(body.size()));
  got.erase(0, got.find("\r\n\r\n") + 4);
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
  close(fd);
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_NE(got.find(R"({"pdq":[true,{"distance":0}]})"), std::string::npos) << got;
  serve.Terminate();
  EXPECT_EQ(serve.Wait(), 0);
}

// Headers over the limit (each line under the library's 8 KiB, many of them) are refused with
// 400, and the server goes on answering.
TEST_F(ServeLimitsTest, TooManyHeaderBytesAre400) {
  ServeProcess serve(db_, {"--max-header-bytes", "16384"});
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  httplib::Headers many;
  for (int i = 0; i < 40; ++i)
    many.emplace("X-Filler-" + std::to_string(i), std::string(1000, 'a'));
  auto r = c.Get("/status/live", many);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"message\""), std::string::npos);
  many.erase(many.begin(), std::next(many.begin(), 30));  // 10 KB: under the limit
  r = c.Get("/status/live", many);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// An ingest of many events through POST /v1/events while lookups run on other connections:
// every lookup is answered 200, and some while the ingest is still going.
TEST_F(ServeLimitsTest, LookupsKeepAnsweringWhileEventsIngest) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  ASSERT_EQ(
      c.Post("/c/banks", As(ApiRole::kAnalyst), R"({"name":"B"})", "application/json")->status,
      201);
  ASSERT_EQ(c.Post("/c/bank/B/signal", As(ApiRole::kAnalyst),
                   std::string(R"({"pdq":")") + kHash + R"("})", "application/json")
                ->status,
            200);
  std::string events =
      R"({"type":"entity","key":"telegram:c1","kind":"channel","time":"2024-01-01T00:00:00Z"})"
      "\n";
  for (int i = 1; i <= 60000; ++i) {
    events += R"({"type":"message","key":"telegram:c1/)" + std::to_string(i) +
              R"(","chat":"telegram:c1","time":"2024-01-01T00:05:00Z","text":"message )" +
              std::to_string(i) + " t.me/other" + std::to_string(i % 50) + "\"}\n";
  }
  std::atomic<bool> ingested{false};
  int ingest_status = 0;
  std::thread writer([&] {
    auto w = serve.Client();
    w.set_read_timeout(300, 0);
    auto r = w.Post("/v1/events", As(ApiRole::kAnalyst), events, "application/x-ndjson");
    ingest_status = r ? r->status : -1;
    ingested = true;
  });
  int during = 0, total = 0, failed = 0;
  const std::string lookup = std::string("/m/lookup?signal_type=pdq&signal=") + kHash;
  while (!ingested || total < 10) {
    auto r = c.Get(lookup.c_str(), As(ApiRole::kViewer));
    ++total;
    if (!r || r->status != 200 || r->body != R"({"B":[{"bank_content_id":1,"distance":"0"}]})") {
      ++failed;
    } else if (!ingested) {
      ++during;
    }
    auto s = c.Get("/status");
    if (!s || s->status != 200) ++failed;
  }
  writer.join();
  EXPECT_EQ(ingest_status, 200);
  EXPECT_EQ(failed, 0);
  EXPECT_GT(during, 0);
  auto stats = c.Get("/v1/stats", As(ApiRole::kViewer));
  EXPECT_NE(stats->body.find("\"messages\":60000"), std::string::npos) << stats->body;
}

// GET /h/hash?url= is refused while no allow-list is configured; with one, a URL under it is
// fetched and hashed, and a URL outside it (another path, port, scheme, or with user
// information) is refused without being fetched.
TEST_F(ServeLimitsTest, HashByUrlOnlyFromTheAllowList) {
  httplib::Server media;
  std::atomic<int> fetched{0};
  const std::string photo = Photo();
  media.Get(R"(/.*)", [&](const httplib::Request&, httplib::Response& res) {
    ++fetched;
    res.set_content(photo, "image/jpeg");
  });
  const int media_port = media.bind_to_any_port("127.0.0.1");
  ASSERT_GT(media_port, 0);
  std::thread media_thread([&] { media.listen_after_bind(); });
  const std::string base = "http://127.0.0.1:" + std::to_string(media_port);
  const std::string allowed = base + "/media/p.jpg";
  auto get = [&](ServeProcess& s, const std::string& url) {
    return s.Client().Get(("/h/hash?url=" + httplib::detail::encode_query_param(url)).c_str(),
                          As(ApiRole::kViewer));
  };
  {
    ServeProcess off(db_);
    ASSERT_TRUE(off.WaitLoaded()) << off.Stderr();
    auto r = get(off, allowed);
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(r->body.find("disabled"), std::string::npos) << r->body;
    EXPECT_EQ(fetched, 0);
  }
  {
    ServeProcess on(db_, {"--fetch-allow", base + "/media/"});
    ASSERT_TRUE(on.WaitLoaded()) << on.Stderr();
    auto r = get(on, allowed);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->body, R"({"pdq":")" + PdqFromBytes(photo, "p")->hash.Hex() + R"(","md5":")" +
                           DigestBytes(photo).md5 + R"(","sha256":")" + DigestBytes(photo).sha256 +
                           R"("})");
    EXPECT_EQ(fetched, 1);
    for (const std::string& refused : std::vector<std::string>{
             base + "/other/p.jpg", std::string("http://127.0.0.1:1/media/p.jpg"),
             "https://127.0.0.1:" + std::to_string(media_port) + "/media/p.jpg",
             "http://x@127.0.0.1:" + std::to_string(media_port) + "/media/p.jpg",
             "file:///etc/passwd", std::string("not a url")}) {
      r = get(on, refused);
      EXPECT_TRUE(r->status == 400 || r->status == 403) << refused << " " << r->status;
      EXPECT_NE(r->body.find("\"message\""), std::string::npos);
    }
    EXPECT_EQ(fetched, 1);
    EXPECT_EQ(on.Client().Get("/h/hash?url=x")->status, 401);
  }
  media.stop();
  media_thread.join();
  // A prefix that is no http(s) URL is refused at start.
  auto bad = testing::RunCordon("serve --db " + testing::ShellQuote(db_) +
                                " --listen 127.0.0.1:0 --fetch-allow file:///etc/");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--fetch-allow"), std::string::npos) << bad.err;
}

TEST(FetchUrl, ParsesAndMatchesPrefixesByParts) {
  auto u = serve::ParseFetchUrl("HTTP://Media.Example:8080/a/b.jpg?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "media.example");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/a/b.jpg?x=1");
  EXPECT_TRUE(serve::FetchAllowed({"http://media.example:8080/a/"}, *u));
  EXPECT_FALSE(serve::FetchAllowed({"http://media.example/a/"}, *u));       // port 80
  EXPECT_FALSE(serve::FetchAllowed({"http://media.example:8080/b/"}, *u));  // path
  EXPECT_FALSE(serve::FetchAllowed({"http://media.example.evil:8080/"}, *u));
  EXPECT_FALSE(serve::FetchAllowed({}, *u));
  EXPECT_EQ(serve::ParseFetchUrl("https://h")->path, "/");
  EXPECT_EQ(serve::ParseFetchUrl("https://h")->port, 443);
  for (const char* bad : {"ftp://h/x", "http://u:p@h/x", "http://h:99999/", "http:///x",
                          "http://h/#f", "http://h:x/", "//h/x", "http://h h/"}) {
    EXPECT_FALSE(serve::ParseFetchUrl(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace cordon
