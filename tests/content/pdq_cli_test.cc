// cordon hash: JSON and table output, --min-quality, exit status.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "content/image_writers.h"
#include "cordon/content/pdq.h"
#include "cordon/util/digest.h"
#include "test_util.h"

namespace cordon {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun RunCordon(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(CORDON_BINARY) + " " + args + " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class HashCli : public ::testing::Test {
 protected:
  void SetUp() override {
    picture_ = testing::EncodePng(testing::MakePicture(300, 200));
    std::vector<uint8_t> flat(64 * 64, 90);
    testing::PngSpec s{
        .width = 64, .height = 64, .color_type = PNG_COLOR_TYPE_GRAY, .bit_depth = 8};
    s.data = flat;
    flat_ = testing::EncodePng(s);
    testing::WriteFile(tmp_.path() / "picture.png", picture_);
    testing::WriteFile(tmp_.path() / "flat.png", flat_);
    testing::WriteFile(tmp_.path() / "notes.txt", "plain text, no pixels");
    testing::WriteFile(tmp_.path() / "broken.jpg", "\xff\xd8\xff\xe0 and then nothing useful");
  }
  std::string F(const std::string& name) const { return "'" + tmp_.File(name) + "'"; }

  testing::TempDir tmp_;
  std::string picture_, flat_;
};

TEST_F(HashCli, JsonHasOneObjectPerFileInOrder) {
  CliRun r =
      RunCordon("hash --json " + F("picture.png") + " " + F("flat.png") + " " + F("notes.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  ASSERT_EQ(parser.parse(r.out).get_array().get(arr), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(arr.size(), 3u);

  auto pic = PdqFromBytes(picture_, "picture.png");
  ASSERT_TRUE(pic.ok());
  const Digests d = DigestBytes(picture_);
  simdjson::dom::object o0 = arr.at(0).get_object();
  EXPECT_EQ(std::string_view(o0["file"].get_string()), tmp_.File("picture.png"));
  EXPECT_EQ(std::string_view(o0["pdq"].get_string()), pic->hash.Hex());
  EXPECT_EQ(int64_t(o0["quality"].get_int64()), pic->quality);
  EXPECT_EQ(std::string_view(o0["md5"].get_string()), d.md5);
  EXPECT_EQ(std::string_view(o0["sha256"].get_string()), d.sha256);

  simdjson::dom::object o1 = arr.at(1).get_object();
  EXPECT_EQ(int64_t(o1["quality"].get_int64()), 0);
  EXPECT_EQ(std::string_view(o1["pdq"].get_string()).size(), 64u);

  simdjson::dom::object o2 = arr.at(2).get_object();  // not an image: digests only
  EXPECT_TRUE(o2["pdq"].is_null());
  EXPECT_TRUE(o2["quality"].is_null());
  EXPECT_EQ(std::string_view(o2["md5"].get_string()), DigestBytes("plain text, no pixels").md5);
}

TEST_F(HashCli, MinQualityDropsWeakHashesButKeepsTheFile) {
  CliRun r =
      RunCordon("hash --json --min-quality 50 -j 1 " + F("flat.png") + " " + F("picture.png"));
  ASSERT_EQ(r.exit_code, 0);
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  ASSERT_EQ(parser.parse(r.out).get_array().get(arr), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(arr.size(), 2u);
  EXPECT_TRUE(arr.at(0)["pdq"].is_null());
  EXPECT_EQ(int64_t(arr.at(0)["quality"].get_int64()), 0);
  EXPECT_FALSE(arr.at(1)["pdq"].is_null());
}

TEST_F(HashCli, UnreadableFilesFailTheRunButOthersArePrinted) {
  CliRun r =
      RunCordon("hash --json " + F("missing.png") + " " + F("picture.png") + " " + F("broken.jpg"));
  EXPECT_EQ(r.exit_code, 1);
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  ASSERT_EQ(parser.parse(r.out).get_array().get(arr), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(arr.size(), 2u);  // the missing file has no row; the broken image has digests
  EXPECT_EQ(std::string_view(arr.at(0)["file"].get_string()), tmp_.File("picture.png"));
  EXPECT_TRUE(arr.at(1)["pdq"].is_null());
  EXPECT_FALSE(arr.at(1)["error"].is_null());
}

TEST_F(HashCli, NoDigestsGivesPdqOnly) {
  CliRun r = RunCordon("hash --json --no-digests " + F("picture.png") + " " + F("notes.txt"));
  ASSERT_EQ(r.exit_code, 0);
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  ASSERT_EQ(parser.parse(r.out).get_array().get(arr), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(arr.size(), 2u);
  auto pic = PdqFromBytes(picture_, "picture.png");
  EXPECT_EQ(std::string_view(arr.at(0)["pdq"].get_string()), pic->hash.Hex());
  EXPECT_TRUE(arr.at(0)["md5"].is_null());
  EXPECT_TRUE(arr.at(1)["sha256"].is_null());
}

TEST_F(HashCli, TableOutput) {
  CliRun r = RunCordon("hash " + F("picture.png") + " " + F("notes.txt"));
  ASSERT_EQ(r.exit_code, 0);
  auto pic = PdqFromBytes(picture_, "picture.png");
  EXPECT_NE(r.out.find("pdq"), std::string::npos);
  EXPECT_NE(r.out.find(pic->hash.Hex()), std::string::npos);
  EXPECT_NE(r.out.find(tmp_.File("notes.txt")), std::string::npos);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
}

// The reference images through the CLI, all at once and in parallel.
TEST(HashCliReference, MatchesTheReferenceHashes) {
  const auto csv = testing::SharedDir() / "data" / "pdq" / "reference-hashes.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "reference data absent: " << csv;
  const std::string images = (testing::SharedDir() / "data" / "pdq" / "images").string();
  std::string args = "hash --json -j 2";
  std::vector<std::pair<std::string, std::string>> want;
  std::stringstream ss(testing::ReadFile(csv));
  std::string line;
  std::getline(ss, line);
  while (std::getline(ss, line)) {
    const size_t a = line.find(','), b = line.find(',', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    want.push_back({images + "/" + line.substr(0, a), line.substr(a + 1, b - a - 1)});
    args += " '" + want.back().first + "'";
  }
  CliRun r = RunCordon(args);
  ASSERT_EQ(r.exit_code, 0);
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  ASSERT_EQ(parser.parse(r.out).get_array().get(arr), simdjson::SUCCESS);
  ASSERT_EQ(arr.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(std::string_view(arr.at(i)["file"].get_string()), want[i].first);
    EXPECT_EQ(std::string_view(arr.at(i)["pdq"].get_string()), want[i].second) << want[i].first;
  }
}

}  // namespace
}  // namespace cordon
