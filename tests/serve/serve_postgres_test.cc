// Several `cordon serve` instances on one PostgreSQL store (issue #19): a bank edited through
// one is answered by the other once it polls the bank generation, and a token made once works
// on both.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "serve/serve_process.h"
#include "store/postgres_server.h"
#include "test_util.h"

namespace cordon {
namespace {

const char kHash[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

TEST(ServePostgres, TwoServersShareOneStore) {
  testing::PostgresServer pg;
  const std::string why = pg.Start();
  if (pg.missing()) GTEST_SKIP() << why;
  ASSERT_EQ(why, "");
  const std::string url = pg.CreateDatabase("shared");
  ASSERT_FALSE(url.empty());
  auto token = testing::RunCordon("token create --db " + testing::ShellQuote(url) +
                                  " --role analyst --name both");
  if (token.code != 0 && token.err.find("PostgreSQL support") != std::string::npos) {
    GTEST_SKIP() << token.err;  // a build without libpq
  }
  ASSERT_EQ(token.code, 0) << token.err;
  const httplib::Headers auth = {{"Authorization", "Bearer " + Trimmed(token.out)}};

  ServeProcess first(url);
  ServeProcess second(url);
  ASSERT_TRUE(first.WaitLoaded()) << first.Stderr();
  ASSERT_TRUE(second.WaitLoaded()) << second.Stderr();
  auto a = first.Client();
  auto b = second.Client();
  auto made = a.Post("/c/banks", auth, R"({"name":"SHARED","enabled":true})", "application/json");
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  auto added = a.Post("/c/bank/SHARED/signal", auth, std::string(R"({"pdq":")") + kHash + "\"}",
                      "application/json");
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 200) << added->body;

  // The second server has its own index: it sees the bank once it polls the generation (about
  // a second); a bounded wait, not a timing assertion.
  const std::string lookup = std::string("/m/lookup?signal_type=pdq&signal=") + kHash;
  std::string body;
  for (int i = 0; i < 300; ++i) {
    auto r = b.Get(lookup, auth);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    body = r->body;
    if (body.find("\"SHARED\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(body.find(R"("SHARED":[{"bank_content_id":)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("distance":"0")"), std::string::npos) << body;
  // And the first answers it too, from its own index.
  auto r = a.Get(lookup, auth);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, body);
  first.Terminate();
  second.Terminate();
  EXPECT_EQ(first.Wait(), 0);
  EXPECT_EQ(second.Wait(), 0);
}

}  // namespace
}  // namespace cordon
