// `cordon serve` over loopback: every endpoint with every role, HMA's shapes, limits, the
// request log and a graceful SIGTERM. Each test starts the real binary on a free port and
// stops it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "content/image_writers.h"
#include "cordon/content/bank.h"
#include "cordon/content/pdq.h"
#include "cordon/serve/auth.h"
#include "cordon/serve/lookup_index.h"
#include "cordon/store/serve_tables.h"
#include "cordon/store/sqlite.h"
#include "cordon/util/digest.h"
#include "serve/serve_process.h"
#include "test_util.h"

namespace cordon {
namespace {

using serve::ApiRole;

const char kHashA[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
// kHashA with its last digit changed: distance 1.
const char kHashNear[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23";
// kHashA with every bit flipped: distance 256.
const char kHashFar[] = "07070f311f0b57b0f9c8f5ddfc709c0f4c91d12a699de1e2cc194c63b16364dd";

std::string Photo() {
  Image img;
  img.width = 64;
  img.height = 64;
  img.channels = 3;
  img.pixels.resize(64 * 64 * 3);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      uint8_t* p = &img.pixels[(y * 64 + x) * 3];
      p[0] = static_cast<uint8_t>(x * 4);
      p[1] = static_cast<uint8_t>(y * 4);
      p[2] = static_cast<uint8_t>((x * y) & 255);
    }
  }
  return testing::EncodeJpeg(img, 90);
}

httplib::MultipartFormDataItems PhotoForm() {
  return {{"photo", Photo(), "photo.jpg", "image/jpeg"}};
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tmp_.File("db.sqlite");
    for (ApiRole r : {ApiRole::kViewer, ApiRole::kAnalyst, ApiRole::kModerator, ApiRole::kAdmin}) {
      const std::string name(serve::ApiRoleName(r));
      auto res = testing::RunCordon("token create --db " + testing::ShellQuote(db_) + " --role " +
                                    name + " --name " + name + "-token");
      ASSERT_EQ(res.code, 0) << res.err;
      tokens_[r] = Trimmed(res.out);
      ASSERT_EQ(tokens_[r].find('\n'), std::string::npos);
      ASSERT_EQ(tokens_[r].rfind("cordon_", 0), 0u) << tokens_[r];
    }
  }
  httplib::Headers As(ApiRole r) { return {{"Authorization", "Bearer " + tokens_[r]}}; }

  testing::TempDir tmp_;
  std::string db_;
  std::map<ApiRole, std::string> tokens_;
};

TEST_F(ServeTest, TokensAreStoredOnlyAsHashesAndListedWithoutThem) {
  auto list = testing::RunCordon("token list --db " + testing::ShellQuote(db_));
  ASSERT_EQ(list.code, 0) << list.err;
  for (const auto& [role, token] : tokens_) {
    EXPECT_EQ(list.out.find(token), std::string::npos);
    EXPECT_NE(list.out.find(std::string(serve::ApiRoleName(role)) + "-token"), std::string::npos);
  }
  auto store = Store::Open(db_, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  auto dump = (*store)->Dump();
  ASSERT_TRUE(dump.ok());
  for (const auto& [role, token] : tokens_) {
    EXPECT_EQ(dump->find(token), std::string::npos);
    EXPECT_NE(dump->find(serve::ApiTokenHash(token)), std::string::npos);
  }
  auto bad =
      testing::RunCordon("token create --db " + testing::ShellQuote(db_) + " --role superuser");
  EXPECT_NE(bad.code, 0);
}

// One endpoint: the least role it needs (nullopt: none), its success status, and the call.
struct Endpoint {
  std::string name;
  std::optional<ApiRole> role;
  int ok_status;
  // `caller` lets writes use a bank of their own per role, so each succeeds on its own.
  std::function<httplib::Result(httplib::Client&, const httplib::Headers&, ApiRole caller)> call;
};

TEST_F(ServeTest, EveryEndpointAnswersEveryRole) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto admin = serve.Client();
  // Banks the per-role writes work on.
  for (const char* role : {"VIEWER", "ANALYST", "MODERATOR", "ADMIN"}) {
    auto r = admin.Post("/c/banks", As(ApiRole::kAdmin),
                        std::string(R"({"name":"B_)") + role + R"("})", "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  auto bank = [](ApiRole r) {
    std::string name(serve::ApiRoleName(r));
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return "B_" + name;
  };
  const std::vector<Endpoint> endpoints = {
      {"GET /status", std::nullopt, 200,
       [](auto& c, auto& h, ApiRole) { return c.Get("/status", h); }},
      {"GET /status/live", std::nullopt, 200,
       [](auto& c, auto& h, ApiRole) { return c.Get("/status/live", h); }},
      {"GET /c/banks", ApiRole::kViewer, 200,
       [](auto& c, auto& h, ApiRole) { return c.Get("/c/banks", h); }},
      {"POST /c/banks", ApiRole::kAnalyst, 201,
       [&](auto& c, auto& h, ApiRole r) {
         return c.Post("/c/banks", h, R"({"name":")" + bank(r) + R"(_NEW"})", "application/json");
       }},
      {"GET /c/bank/NAME", ApiRole::kViewer, 200,
       [&](auto& c, auto& h, ApiRole r) { return c.Get(("/c/bank/" + bank(r)).c_str(), h); }},
      {"PUT /c/bank/NAME", ApiRole::kAnalyst, 200,
       [&](auto& c, auto& h, ApiRole r) {
         return c.Put(("/c/bank/" + bank(r)).c_str(), h, R"({"enabled":true})", "application/json");
       }},
      {"POST /c/bank/NAME/signal", ApiRole::kAnalyst, 200,
       [&](auto& c, auto& h, ApiRole r) {
         return c.Post(("/c/bank/" + bank(r) + "/signal").c_str(), h,
                       std::string(R"({"pdq":")") + kHashA + R"("})", "application/json");
       }},
      {"POST /c/bank/NAME/content", ApiRole::kAnalyst, 200,
       [&](auto& c, auto& h, ApiRole r) {
         return c.Post(("/c/bank/" + bank(r) + "/content").c_str(), h, PhotoForm());
       }},
      {"GET /m/lookup", ApiRole::kViewer, 200,
       [](auto& c, auto& h, ApiRole) {
         return c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashA).c_str(), h);
       }},
      {"POST /m/compare", ApiRole::kViewer, 200,
       [](auto& c, auto& h, ApiRole) {
         return c.Post("/m/compare", h,
                       std::string(R"({"pdq":[")") + kHashA + R"(",")" + kHashNear + R"("]})",
                       "application/json");
       }},
      {"POST /h/hash", ApiRole::kViewer, 200,
       [](auto& c, auto& h, ApiRole) { return c.Post("/h/hash", h, PhotoForm()); }},
      {"GET /metrics", ApiRole::kViewer, 200,
       [](auto& c, auto& h, ApiRole) { return c.Get("/metrics", h); }},
      {"GET /v1/stats", ApiRole::kViewer, 200,
       [](auto& c, auto& h, ApiRole) { return c.Get("/v1/stats", h); }},
      {"DELETE /c/bank/NAME", ApiRole::kAnalyst, 200,
       [&](auto& c, auto& h, ApiRole r) { return c.Delete(("/c/bank/" + bank(r)).c_str(), h); }},
  };
  auto c = serve.Client();
  for (const Endpoint& e : endpoints) {
    SCOPED_TRACE(e.name);
    const int no_token = e.role ? 401 : e.ok_status;
    auto r = e.call(c, httplib::Headers{}, ApiRole::kViewer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, no_token) << r->body;
    r = e.call(c, {{"Authorization", "Bearer cordon_0000"}}, ApiRole::kViewer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, e.role ? 401 : e.ok_status) << r->body;
    for (ApiRole role :
         {ApiRole::kViewer, ApiRole::kAnalyst, ApiRole::kModerator, ApiRole::kAdmin}) {
      SCOPED_TRACE(std::string(serve::ApiRoleName(role)));
      r = e.call(c, As(role), role);
      ASSERT_TRUE(r);
      const int want = !e.role || role >= *e.role ? e.ok_status : 403;
      EXPECT_EQ(r->status, want) << r->body;
      if (r->status >= 400) {
        EXPECT_NE(r->body.find("\"message\""), std::string::npos);
      }
    }
  }
  // One JSON log line per request, naming the route and the caller.
  serve.Terminate();
  EXPECT_EQ(serve.Wait(), 0);
  const std::string log = serve.Stderr();
  EXPECT_NE(log.find(R"("route":"POST /c/bank/{name}/signal","status":200)"), std::string::npos);
  EXPECT_NE(log.find(R"("caller":"analyst-token")"), std::string::npos);
  EXPECT_NE(log.find(R"("route":"POST /c/banks","status":403)"), std::string::npos);
}

TEST_F(ServeTest, HmaShapes) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  const auto analyst = As(ApiRole::kAnalyst);
  const auto viewer = As(ApiRole::kViewer);
  auto r = c.Post("/c/banks", analyst, R"({"name":"TERROR","enabled":true})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"name":"TERROR","matching_enabled_ratio":1,"entries":0})");
  r = c.Post("/c/banks", analyst, R"({"name":"TERROR"})", "application/json");
  EXPECT_EQ(r->status, 403);
  r = c.Post("/c/banks", analyst, R"({"name":"lower case"})", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("A-Z0-9_"), std::string::npos);
  r = c.Post("/c/banks", analyst, R"({"name":)", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("not JSON"), std::string::npos);

  r = c.Post("/c/bank/TERROR/signal", analyst, std::string(R"({"pdq":")") + kHashA + R"("})",
             "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, std::string(R"({"id":1,"signals":{"pdq":")") + kHashA + R"("}})");
  r = c.Post("/c/bank/TERROR/signal", analyst, R"({"pdq":"abc"})", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Invalid pdq signal"), std::string::npos) << r->body;
  r = c.Post("/c/bank/TERROR/signal", analyst, R"({"tmk":"abc"})", "application/json");
  EXPECT_EQ(r->status, 400);
  r = c.Post("/c/bank/NOPE/signal", analyst, std::string(R"({"pdq":")") + kHashA + R"("})",
             "application/json");
  EXPECT_EQ(r->status, 404);

  r = c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashNear).c_str(), viewer);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"TERROR":[{"bank_content_id":1,"distance":"1"}]})");
  r = c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashFar).c_str(), viewer);
  EXPECT_EQ(r->body, "{}");
  r = c.Get((std::string("/m/lookup?signal_type=pdq&banks=OTHER&signal=") + kHashA).c_str(),
            viewer);
  EXPECT_EQ(r->body, "{}");
  r = c.Get("/m/lookup?signal_type=pdq&signal=nothex", viewer);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("64 hex digits"), std::string::npos) << r->body;
  r = c.Get("/m/lookup?signal_type=pdq", viewer);
  EXPECT_EQ(r->status, 400);
  r = c.Get((std::string("/m/lookup?signal_type=pdq&url=http://example.com/x.jpg")).c_str(),
            viewer);
  EXPECT_EQ(r->status, 400);

  // A disabled bank does not match; enabling it again does.
  r = c.Put("/c/bank/TERROR", analyst, R"({"enabled":false})", "application/json");
  EXPECT_EQ(r->body, R"({"name":"TERROR","matching_enabled_ratio":0,"entries":1})");
  r = c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashA).c_str(), viewer);
  EXPECT_EQ(r->body, "{}");
  r = c.Put("/c/bank/TERROR", analyst, R"({"enabled_ratio":1})", "application/json");
  r = c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashA).c_str(), viewer);
  EXPECT_EQ(r->body, R"({"TERROR":[{"bank_content_id":1,"distance":"0"}]})");
  r = c.Get("/c/bank/NOPE", viewer);
  EXPECT_EQ(r->status, 404);
  r = c.Get("/c/banks", viewer);
  EXPECT_EQ(r->body, R"([{"name":"TERROR","matching_enabled_ratio":1,"entries":1}])");

  // A photo: its hash as /h/hash gives it, banked, then found at distance 0.
  r = c.Post("/h/hash", viewer, PhotoForm());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::parser parser;
  simdjson::padded_string hashed(r->body);
  auto doc = parser.parse(hashed);
  ASSERT_FALSE(doc.error());
  const std::string pdq(doc["pdq"].get_string().value());
  const std::string photo = Photo();
  EXPECT_EQ(pdq, PdqFromBytes(photo, "p")->hash.Hex());
  EXPECT_EQ(std::string(doc["sha256"].get_string().value()), DigestBytes(photo).sha256);
  EXPECT_EQ(std::string(doc["md5"].get_string().value()), DigestBytes(photo).md5);
  r = c.Post("/c/bank/TERROR/content", analyst, PhotoForm());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, R"({"id":2,"signals":{"pdq":")" + pdq + R"("}})");
  r = c.Get(("/m/lookup?signal_type=pdq&signal=" + pdq).c_str(), viewer);
  EXPECT_NE(r->body.find(R"({"bank_content_id":2,"distance":"0"})"), std::string::npos) << r->body;
  r = c.Post("/h/hash", viewer,
             httplib::MultipartFormDataItems{{"photo", "not an image", "x", ""}});
  EXPECT_EQ(r->status, 400);
  r = c.Post("/h/hash", viewer, httplib::MultipartFormDataItems{{"video", "x", "x", ""}});
  EXPECT_EQ(r->status, 400);

  r = c.Post("/m/compare", viewer,
             std::string(R"({"pdq":[")") + kHashA + R"(",")" + kHashFar + R"("]})",
             "application/json");
  EXPECT_EQ(r->body, R"({"pdq":[false,{"distance":256}]})");
  r = c.Post("/m/compare", viewer, std::string(R"({"pdq":[")") + kHashA + R"("]})",
             "application/json");
  EXPECT_EQ(r->status, 400);

  // /v1/stats is `cordon stats --json`.
  r = c.Get("/v1/stats", viewer);
  auto cli = testing::RunCordon("stats --json --db " + testing::ShellQuote(db_));
  EXPECT_EQ(r->body, Trimmed(cli.out));

  r = c.Get("/metrics", viewer);
  EXPECT_NE(r->body.find("cordon_lookups_total "), std::string::npos);
  EXPECT_NE(r->body.find("cordon_index_entries 2"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find(
                R"(cordon_http_request_duration_seconds_bucket{route="GET /m/lookup",le="+Inf"})"),
            std::string::npos);

  r = c.Delete("/c/bank/TERROR", analyst);
  EXPECT_EQ(r->body, R"({"message":"Done"})");
  r = c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashA).c_str(), viewer);
  EXPECT_EQ(r->body, "{}");
  r = c.Get("/no/such/route", viewer);
  EXPECT_EQ(r->status, 404);
}

TEST_F(ServeTest, BankChangesFromOtherProcessesShowWithinASecond) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto add = testing::RunCordon("bank add --db " + testing::ShellQuote(db_) +
                                " --bank CLI --type pdq " + kHashA);
  ASSERT_EQ(add.code, 0) << add.err;
  auto c = serve.Client();
  std::string body;
  for (int i = 0; i < 300 && body.find("CLI") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto r = c.Get((std::string("/m/lookup?signal_type=pdq&signal=") + kHashA).c_str(),
                   As(ApiRole::kViewer));
    ASSERT_TRUE(r);
    body = r->body;
  }
  EXPECT_EQ(body, R"({"CLI":[{"bank_content_id":1,"distance":"0"}]})");
}

TEST_F(ServeTest, RevokedTokensStopWorking) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  EXPECT_EQ(c.Get("/c/banks", As(ApiRole::kViewer))->status, 200);
  auto rv = testing::RunCordon("token revoke --db " + testing::ShellQuote(db_) + " viewer-token");
  ASSERT_EQ(rv.code, 0) << rv.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // the token cache's life
  EXPECT_EQ(c.Get("/c/banks", As(ApiRole::kViewer))->status, 401);
  EXPECT_EQ(c.Get("/c/banks", As(ApiRole::kAnalyst))->status, 200);
  rv = testing::RunCordon("token revoke --db " + testing::ShellQuote(db_) + " viewer-token");
  EXPECT_NE(rv.code, 0);
}

TEST_F(ServeTest, EventsGoThroughThePipelineAsIngestDoes) {
  const auto input = testing::SourceDir() / "testdata/golden/native-basic/input/events.ndjson";
  const std::string body = testing::ReadFile(input);
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  auto r = c.Post("/v1/events", As(ApiRole::kViewer), body, "application/x-ndjson");
  EXPECT_EQ(r->status, 403);
  r = c.Post("/v1/events", As(ApiRole::kAnalyst), body, "application/x-ndjson");
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::parser parser;
  simdjson::padded_string first(r->body);
  auto doc = parser.parse(first);
  ASSERT_FALSE(doc.error()) << r->body;
  const int64_t accepted = doc["accepted"].get_int64().value();
  const int64_t rejected = doc["rejected"].get_int64().value();
  EXPECT_GT(accepted, 0);
  EXPECT_GE(rejected, 1);
  EXPECT_EQ(doc["errors"].at(0)["line"].get_int64().value(), 5) << r->body;
  const std::string stats_once = c.Get("/v1/stats", As(ApiRole::kViewer))->body;
  // Idempotent: the same body again changes nothing.
  r = c.Post("/v1/events", As(ApiRole::kAnalyst), body, "application/x-ndjson");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(c.Get("/v1/stats", As(ApiRole::kViewer))->body, stats_once);
  // The same store as `cordon ingest` of the file (the files row aside: it names the file).
  const std::string other = tmp_.File("ingested.sqlite");
  auto ingest = testing::RunCordon("ingest --quiet --db " + testing::ShellQuote(other) + " " +
                                   testing::ShellQuote(input.string()));
  auto a = Store::Open(db_, OpenMode::kExisting);
  auto b = Store::Open(other, OpenMode::kExisting);
  ASSERT_TRUE(a.ok() && b.ok());
  auto da = (*a)->Dump();
  auto db = (*b)->Dump();
  ASSERT_TRUE(da.ok() && db.ok());
  auto without_tokens = [](const std::string& dump) {
    std::string out, line;
    std::istringstream in(dump);
    while (std::getline(in, line)) {
      // Tokens are this store's; the ledger stamps the time of recording; rejects and weirds
      // name the file (compared by count through stats below).
      bool keep = true;
      for (const char* table : {"api_tokens|", "ledger|", "rejects|", "weirds|"}) {
        if (line.rfind(table, 0) == 0) keep = false;
      }
      if (keep) out += line + "\n";
    }
    return out;
  };
  EXPECT_EQ(without_tokens(*da), without_tokens(*db));
  auto cli_stats = testing::RunCordon("stats --json --db " + testing::ShellQuote(other));
  EXPECT_EQ(stats_once, Trimmed(cli_stats.out));
}

TEST_F(ServeTest, OversizedBodyIs413) {
  ServeProcess serve(db_, {"--max-body", "1000"});
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  auto r = c.Post("/m/compare", As(ApiRole::kViewer), std::string(5000, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("limit"), std::string::npos) << r->body;
  r = c.Post("/v1/events", As(ApiRole::kAnalyst), std::string(5000, '\n'), "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  r = c.Post("/m/compare", As(ApiRole::kViewer),
             std::string(R"({"pdq":[")") + kHashA + R"(",")" + kHashA + R"("]})",
             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
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

void SendAll(int fd, const std::string& s) {
  size_t sent = 0;
  while (sent < s.size()) {
    const ssize_t n = send(fd, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    sent += static_cast<size_t>(n);
  }
}

TEST_F(ServeTest, SigtermFinishesTheRequestInFlightAndExitsZero) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  const std::string body = std::string(R"({"pdq":[")") + kHashA + R"(",")" + kHashNear + R"("]})";
  const int fd = Connect(serve.port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "POST /m/compare HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                  tokens_[ApiRole::kViewer] +
                  "\r\nContent-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server is reading it
  serve.Terminate();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // No new connections once it stopped accepting.
  const int late = Connect(serve.port());
  EXPECT_LT(late, 0);
  if (late >= 0) close(late);
  SendAll(fd, body.substr(10));
  std::string response;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, 10000) > 0) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
    if (response.find(R"("distance":1}]})") != std::string::npos) break;
  }
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find(R"({"pdq":[true,{"distance":1}]})"), std::string::npos) << response;
  EXPECT_EQ(serve.Wait(), 0) << serve.Stderr();
}

// --- the library pieces --------------------------------------------------------------------

TEST(LookupIndex, SwapsSnapshotsAndSharesUnchangedBanks) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  ASSERT_TRUE(CreateBank(s, BankInfo{"A"}, 1).ok());
  ASSERT_TRUE(CreateBank(s, BankInfo{"B"}, 1).ok());
  ASSERT_TRUE(AddEntries(s, "A", {BankEntry{SignalType::kPdq, kHashA}}, 1).ok());
  ASSERT_TRUE(AddEntries(s, "B", {BankEntry{SignalType::kPdq, kHashFar}}, 1).ok());
  serve::LookupIndex index;
  EXPECT_FALSE(index.loaded());
  ASSERT_TRUE(index.Refresh(s).ok());
  EXPECT_TRUE(index.loaded());
  auto first = index.Current();
  EXPECT_EQ(first->entries, 2u);
  ASSERT_EQ(first->banks.at("A").bank->ids, std::vector<int64_t>{1});
  ASSERT_EQ(first->banks.at("B").bank->ids, std::vector<int64_t>{2});
  // Nothing changed: the same snapshot.
  ASSERT_TRUE(index.Refresh(s).ok());
  EXPECT_EQ(index.Current(), first);
  ASSERT_TRUE(AddEntries(s, "A", {BankEntry{SignalType::kPdq, kHashNear}}, 2).ok());
  ASSERT_TRUE(index.Refresh(s).ok());
  auto second = index.Current();
  EXPECT_NE(second, first);
  EXPECT_EQ(second->banks.at("B").bank, first->banks.at("B").bank);  // shared, not rebuilt
  EXPECT_EQ(second->banks.at("A").bank->ids, (std::vector<int64_t>{1, 3}));
  // A reader's old snapshot stays whole, and its replaced bank is freed with the last reader.
  EXPECT_EQ(first->banks.at("A").bank->index.size(), 1u);
  std::weak_ptr<const serve::LookupBank> old_a = first->banks.at("A").bank;
  first.reset();
  EXPECT_TRUE(old_a.expired());
  ASSERT_TRUE(SetBankMatching(s, "B", false).value());
  ASSERT_TRUE(index.Refresh(s).ok());
  EXPECT_FALSE(index.Current()->banks.at("B").enabled);
  EXPECT_FALSE(SetBankMatching(s, "NONE", false).value());
}

TEST(ServeTables, TokensRevokeByIdOrName) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  auto t1 = serve::CreateApiToken(s, ApiRole::kAdmin, "ops", 10);
  auto t2 = serve::CreateApiToken(s, ApiRole::kViewer, "7", 11);
  ASSERT_TRUE(t1.ok() && t2.ok());
  EXPECT_NE(*t1, *t2);
  auto row = FindApiToken(s, serve::ApiTokenHash(*t1));
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->role, "admin");
  EXPECT_EQ(RevokeApiTokens(s, "1", 20).value(), 1);  // by id
  EXPECT_EQ(RevokeApiTokens(s, "1", 21).value(), 0);  // already revoked
  EXPECT_EQ(RevokeApiTokens(s, "7", 22).value(), 1);  // by name
  auto all = ReadApiTokens(s);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].revoked, std::optional<TimeMs>(20));
  serve::TokenCache cache(std::chrono::milliseconds(0));
  EXPECT_FALSE(cache.Find(s, *t1).value().has_value());
  EXPECT_FALSE(cache.Find(s, "cordon_nothing").value().has_value());
  EXPECT_EQ(serve::ParseApiRole("moderator"), ApiRole::kModerator);
  EXPECT_FALSE(serve::ParseApiRole("root").has_value());
}

TEST(ServeTables, BankContentIdsFollowEveryWriter) {
  // Ids follow the order entries were added, whatever wrote them (triggers).
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  ASSERT_TRUE(CreateBank(s, BankInfo{"A"}, 1).ok());
  ASSERT_TRUE(AddEntries(s, "A", {BankEntry{SignalType::kPdq, kHashA}}, 1).ok());
  ASSERT_TRUE(AddEntries(s, "A", {BankEntry{SignalType::kSha256, std::string(64, 'a')}}, 2).ok());
  EXPECT_EQ(FindBankContentId(s, "A", "sha256", std::string(64, 'a')).value(),
            std::optional<int64_t>(2));
  ASSERT_TRUE(RemoveEntries(s, "A", {{SignalType::kPdq, kHashA}}).ok());
  EXPECT_EQ(FindBankContentId(s, "A", "pdq", kHashA).value(), std::nullopt);
  ASSERT_TRUE(DeleteBank(s, "A").ok());
  EXPECT_EQ(FindBankContentId(s, "A", "sha256", std::string(64, 'a')).value(), std::nullopt);
}

TEST(ServeTables, MigrationNumbersExistingEntries) {
  testing::TempDir tmp;
  const std::string path = tmp.File("db");
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    ASSERT_TRUE(CreateBank(s, BankInfo{"A"}, 1).ok());
    ASSERT_TRUE(AddEntries(s, "A", {BankEntry{SignalType::kPdq, kHashFar}}, 5).ok());
    ASSERT_TRUE(AddEntries(s, "A", {BankEntry{SignalType::kPdq, kHashA}}, 3).ok());
    // Back to schema 7, as a store made before the service.
    ASSERT_TRUE(
        Exec(StoreHandle(s),
             "DROP TRIGGER bank_content_id_add; DROP TRIGGER bank_content_id_remove; "
             "DROP TRIGGER bank_matching_remove; DROP TABLE bank_content_ids; "
             "DROP TABLE api_tokens; DROP TABLE bank_matching; DROP TABLE connector_cursors; "
             "DROP TABLE connector_rooms; DROP TABLE connector_actions; "
             "DROP TABLE policy_rules; ALTER TABLE media DROP COLUMN vpdq; DROP TABLE regen_state; "
             "PRAGMA user_version=7")
            .ok());
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(FindBankContentId(**store, "A", "pdq", kHashA).value(), std::optional<int64_t>(1));
  EXPECT_EQ(FindBankContentId(**store, "A", "pdq", kHashFar).value(), std::optional<int64_t>(2));
}

}  // namespace
}  // namespace cordon
