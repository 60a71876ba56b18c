// Configuration files of flags (util/flag_config.h): YAML keys into the flags they name, the
// command line winning, and errors that name the file, the line and the key.
#include "cordon/util/flag_config.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace cordon {
namespace {

const std::vector<ConfigFlag> kFlags = {
    {"homeserver", true, false, false}, {"token-file", true, false, false},
    {"db", true, false, true},          {"once", false, false, false},
    {"quiet", false, false, false},     {"room", true, true, false},
};

std::vector<std::string> Args(std::string_view yaml) {
  auto values = ParseFlagConfig(yaml, "c.yaml");
  EXPECT_TRUE(values.ok()) << values.status().ToString();
  if (!values.ok()) return {};
  auto args = ConfigArgs(*values, kFlags, "c.yaml", "cordon matrix sync");
  EXPECT_TRUE(args.ok()) << args.status().ToString();
  return args.ok() ? *args : std::vector<std::string>{};
}

Status Error(std::string_view yaml) {
  auto values = ParseFlagConfig(yaml, "c.yaml");
  if (!values.ok()) return values.status();
  auto args = ConfigArgs(*values, kFlags, "c.yaml", "cordon matrix sync");
  return args.ok() ? Status::Ok() : args.status();
}

TEST(FlagConfig, KeysBecomeTheFlagsTheyName) {
  EXPECT_EQ(Args("homeserver: https://matrix.example.org\n"
                 "token-file: /run/secrets/bot token\n"
                 "once: true\n"
                 "quiet: no\n"
                 "room: ['!a:s', '#b:s']\n"),
            (std::vector<std::string>{"--homeserver=https://matrix.example.org",
                                      "--token-file=/run/secrets/bot token", "--once",
                                      "--room=!a:s", "--room=#b:s"}));
  // A value that looks like a flag stays one value.
  EXPECT_EQ(Args("homeserver: '--db=/etc/passwd'\n"),
            std::vector<std::string>{"--homeserver=--db=/etc/passwd"});
  EXPECT_TRUE(Args("").empty());
  EXPECT_TRUE(Args("# only a comment\n").empty());
  EXPECT_TRUE(Args("{}").empty());
}

TEST(FlagConfig, TheCommandLineWins) {
  // db is given on the command line (kFlags): the file's db is left out.
  EXPECT_EQ(Args("db: /from/file\nonce: yes\n"), std::vector<std::string>{"--once"});
}

TEST(FlagConfig, ErrorsNameTheFileLineAndKey) {
  Status s = Error("homeserver: https://h\n\ntoken-fil: x\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.where().file, "c.yaml");
  EXPECT_EQ(s.where().line, 3);
  EXPECT_NE(s.message().find("unknown key 'token-fil'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("cordon matrix sync"), std::string::npos) << s.message();

  s = Error("homeserver: [a, b]\n");
  EXPECT_EQ(s.where().line, 1);
  EXPECT_NE(s.message().find("takes one value, not a list"), std::string::npos) << s.message();

  s = Error("homeserver: h\nonce: sometimes\n");
  EXPECT_EQ(s.where().line, 2);
  EXPECT_NE(s.message().find("expected true or false, got 'sometimes'"), std::string::npos);

  s = Error("once: true\nonce: false\n");
  EXPECT_EQ(s.where().line, 2);
  EXPECT_NE(s.message().find("given twice"), std::string::npos) << s.message();

  s = Error("homeserver:\n  url: h\n");
  EXPECT_EQ(s.where().line, 1);
  EXPECT_NE(s.message().find("not a mapping"), std::string::npos) << s.message();

  s = Error("homeserver:\n");
  EXPECT_NE(s.message().find("has no value"), std::string::npos) << s.message();

  s = Error("- a\n- b\n");
  EXPECT_NE(s.message().find("expected a mapping"), std::string::npos) << s.message();

  s = Error("homeserver: [unclosed\n");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not valid YAML"), std::string::npos) << s.message();
  EXPECT_GT(s.where().line, 0);
}

TEST(FlagConfig, ReadsAFileAndRefusesAHugeOne) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.File("c.yaml"), "once: on\n");
  auto v = ReadFlagConfig(tmp.File("c.yaml"));
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].key, "once");
  EXPECT_EQ((*v)[0].values, std::vector<std::string>{"on"});
  EXPECT_FALSE(ReadFlagConfig(tmp.File("missing.yaml")).ok());
  testing::WriteFile(tmp.File("big.yaml"), "k: " + std::string(2 << 20, 'x') + "\n");
  EXPECT_FALSE(ReadFlagConfig(tmp.File("big.yaml")).ok());
}

TEST(FlagConfig, Booleans) {
  for (const char* t : {"true", "True", "yes", "on", "Y"}) EXPECT_EQ(ConfigBool(t), true) << t;
  for (const char* f : {"false", "NO", "off", "n"}) EXPECT_EQ(ConfigBool(f), false) << f;
  for (const char* x : {"1", "", "tru", "enabled"}) EXPECT_FALSE(ConfigBool(x)) << x;
}

}  // namespace
}  // namespace cordon
