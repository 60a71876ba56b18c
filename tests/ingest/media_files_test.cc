// Media files named by input (docs/security.md): through the whole ingest, each importer that
// names media files may have them read only inside the export's folder or a --media-root; a
// file outside is never hashed, and a named weird says why, at the message that named it.
#include "cordon/ingest/media_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "cordon/ingest/ingest.h"
#include "cordon/store/sqlite.h"
#include "cordon/util/digest.h"
#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

struct Weird {
  int64_t line;
  std::string what;
};

// T/export/ holds the input and its good media; T/secret.bin is outside it.
class MediaFilesIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::canonical(tmp_.path());
    testing::WriteFile(Secret(), kSecret);
    testing::WriteFile(dir_ / "export" / "files" / "good.txt", kGood);
    fs::create_symlink(Secret(), dir_ / "export" / "files" / "doc.txt");
  }

  std::string Secret() const { return (dir_ / "secret.bin").string(); }
  std::string Input(const std::string& name) const { return (dir_ / "export" / name).string(); }

  // Ingests `text` written to export/`name` into a new store; the report is kept in report_.
  void Ingest(const std::string& name, const std::string& text, IngestOptions opt = {}) {
    testing::WriteFile(Input(name), text);
    auto store = Store::Open(tmp_.File("t" + std::to_string(++stores_) + ".db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    opt.skip_done_files = false;
    auto report = cordon::Ingest(*store_, {Input(name)}, opt);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    report_ = *report;
    ASSERT_EQ(report_.failed_files(), 0);
  }

  // The stored sha256 of each message's first media, by message key ("" for NULL).
  std::map<std::string, std::string> Sha256s() {
    std::map<std::string, std::string> out;
    Statement q(StoreHandle(*store_),
                "SELECT m.key, coalesce(d.sha256, ''), coalesce(d.md5, '') FROM media d "
                "JOIN messages m ON m.id = d.message_id WHERE d.idx = 0");
    while (q.Step()) {
      EXPECT_EQ(q.Text(1).empty(), q.Text(2).empty());  // both digests or neither
      out[std::string(q.Text(0))] = std::string(q.Text(1));
    }
    return out;
  }
  std::vector<Weird> Weirds() {
    std::vector<Weird> out;
    Statement q(StoreHandle(*store_), "SELECT line, what FROM weirds ORDER BY line, what");
    while (q.Step()) out.push_back({q.Int(0), std::string(q.Text(1))});
    return out;
  }

  static constexpr const char* kSecret = "top secret, outside the export";
  static constexpr const char* kGood = "a file inside the export";
  const std::string good_sha_ = DigestBytes(kGood).sha256;
  const std::string secret_sha_ = DigestBytes(kSecret).sha256;

  testing::TempDir tmp_;
  fs::path dir_;
  std::unique_ptr<Store> store_;
  int stores_ = 0;
  IngestReport report_;
};

std::string NativeMessage(int id, const std::string& path) {
  return R"({"type":"message","key":"telegram:channel1/)" + std::to_string(id) +
         R"(","chat":"telegram:channel1","time":"2019-11-20T10:05:00Z","media":[{"kind":"photo","path":")" +
         path + "\"}]}\n";
}

TEST_F(MediaFilesIngestTest, NativeEventsReadMediaOnlyInsideTheExport) {
  Ingest("events.ndjson", NativeMessage(1, "files/good.txt") + NativeMessage(2, Secret()) +
                              NativeMessage(3, "../secret.bin") +
                              NativeMessage(4, "../../../../../../../../" + Secret()) +
                              NativeMessage(5, "/proc/self/environ") +
                              NativeMessage(6, "files/doc.txt"));
  auto sha = Sha256s();
  EXPECT_EQ(sha["telegram:channel1/1"], good_sha_);
  for (int id = 2; id <= 6; ++id) EXPECT_EQ(sha["telegram:channel1/" + std::to_string(id)], "");
  auto w = Weirds();
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(report_.weird, 5);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(w[i].line, i + 2);
    EXPECT_TRUE(w[i].what.starts_with("media_outside_root: ")) << w[i].what;
  }
  EXPECT_EQ(w[0].what, "media_outside_root: " + Secret());
  EXPECT_EQ(w[4].line, 6);
  EXPECT_EQ(w[4].what, "media_symlink_escape: files/doc.txt");
}

std::string MatrixImage(int id, const std::string& url) {
  return R"({"type":"m.room.message","event_id":"$e)" + std::to_string(id) +
         R"(","room_id":"!r:harbor.example","sender":"@u:harbor.example","origin_server_ts":1574416920000,"content":{"msgtype":"m.image","body":"p.png","url":")" +
         url + "\"}}\n";
}

TEST_F(MediaFilesIngestTest, MatrixUrlsAreNeitherFetchedNorReadAsPaths) {
  Ingest("events.ndjson", MatrixImage(1, "files/good.txt") + MatrixImage(2, Secret()) +
                              MatrixImage(3, "mxc://harbor.example/AbC") +
                              MatrixImage(4, "https://example.org/p.png") +
                              MatrixImage(5, "files/doc.txt"));
  auto sha = Sha256s();
  EXPECT_EQ(sha["matrix:!r:harbor.example/$e1"], good_sha_);
  for (int id = 2; id <= 5; ++id)
    EXPECT_EQ(sha["matrix:!r:harbor.example/$e" + std::to_string(id)], "");
  auto w = Weirds();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].line, 2);
  EXPECT_EQ(w[0].what, "media_outside_root: " + Secret());
  EXPECT_EQ(w[1].line, 3);
  EXPECT_EQ(w[1].what, "media_url_not_fetched: mxc://harbor.example/AbC");
  EXPECT_EQ(w[2].line, 4);
  EXPECT_EQ(w[2].what, "media_url_not_fetched: https://example.org/p.png");
  EXPECT_EQ(w[3].line, 5);
  EXPECT_EQ(w[3].what, "media_symlink_escape: files/doc.txt");
}

std::string TelegramExport(const std::vector<std::string>& files) {
  std::string msgs;
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) msgs += ",\n";
    msgs +=
        R"({"id": )" + std::to_string(i + 1) +
        R"(, "type": "message", "date_unixtime": "1574244300", "from": "Lantern", "from_id": "channel15", "text": "", "file": ")" +
        files[i] + "\"}";
  }
  return R"({"name": "Lantern", "type": "public_channel", "id": 15, "messages": [)" + msgs + "]}";
}

TEST_F(MediaFilesIngestTest, TelegramExportSymlinkOutIsNotFollowed) {
  Ingest("result.json",
         TelegramExport({"files/good.txt", "files/doc.txt", "../secret.bin", Secret()}));
  auto sha = Sha256s();
  EXPECT_EQ(sha["telegram:channel15/1"], good_sha_);
  EXPECT_EQ(sha["telegram:channel15/2"], "");
  EXPECT_EQ(sha["telegram:channel15/3"], "");
  EXPECT_EQ(sha["telegram:channel15/4"], "");
  auto w = Weirds();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(report_.weird, 3);
  EXPECT_EQ(w[0].line, 2);  // the message's place in the chat, 1-based
  EXPECT_EQ(w[0].what, "media_symlink_escape: files/doc.txt");
  EXPECT_EQ(w[1].line, 3);
  EXPECT_EQ(w[1].what, "media_outside_root: ../secret.bin");
  EXPECT_EQ(w[2].line, 4);
  EXPECT_EQ(w[2].what, "media_outside_root: " + Secret());
}

TEST_F(MediaFilesIngestTest, AMediaRootAllowsFilesOutsideTheExport) {
  testing::WriteFile(dir_ / "media" / "pic.bin", kGood);
  const std::string events = NativeMessage(1, (dir_ / "media" / "pic.bin").string()) +
                             NativeMessage(2, "../media/pic.bin") + NativeMessage(3, Secret());
  Ingest("events.ndjson", events);
  EXPECT_EQ(Sha256s()["telegram:channel1/1"], "");
  EXPECT_EQ(Sha256s()["telegram:channel1/2"], "");

  IngestOptions opt;
  opt.media_roots = {(dir_ / "media").string()};
  Ingest("events.ndjson", events, opt);
  auto sha = Sha256s();
  EXPECT_EQ(sha["telegram:channel1/1"], good_sha_);
  EXPECT_EQ(sha["telegram:channel1/2"], good_sha_);
  EXPECT_EQ(sha["telegram:channel1/3"], "");  // the secret is in neither root
  EXPECT_EQ(report_.weird, 1);
}

TEST_F(MediaFilesIngestTest, FifosDirectoriesAndMissingFilesAreNamedWeirds) {
  ASSERT_EQ(::mkfifo((dir_ / "export" / "files" / "pipe").c_str(), 0600), 0);
  Ingest("events.ndjson", NativeMessage(1, "files/pipe") + NativeMessage(2, "files") +
                              NativeMessage(3, "files/none.txt") +
                              NativeMessage(4, "files/good.txt"));
  EXPECT_EQ(Sha256s()["telegram:channel1/4"], good_sha_);
  auto w = Weirds();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].what, "media_not_regular: files/pipe (FIFO)");
  EXPECT_EQ(w[1].what, "media_not_regular: files (directory)");
  EXPECT_EQ(w[2].what, "media_missing: files/none.txt");
}

TEST_F(MediaFilesIngestTest, NoMediaHashReadsNothingAndReportsNothing) {
  IngestOptions opt;
  opt.hash_media = false;
  Ingest("events.ndjson", NativeMessage(1, "files/good.txt") + NativeMessage(2, Secret()), opt);
  EXPECT_EQ(Sha256s()["telegram:channel1/1"], "");
  EXPECT_TRUE(Weirds().empty());
}

TEST_F(MediaFilesIngestTest, AMediaRootThatIsNoDirectoryStopsTheIngest) {
  auto store = Store::Open(tmp_.File("t.db"));
  ASSERT_TRUE(store.ok());
  IngestOptions opt;
  opt.media_roots = {Secret()};
  testing::WriteFile(Input("events.ndjson"), NativeMessage(1, "files/good.txt"));
  auto report = cordon::Ingest(**store, {Input("events.ndjson")}, opt);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(MediaFilesIngestTest, CliMediaRootIsRepeatableAndLeavesTheInputsAlone) {
  testing::WriteFile(dir_ / "media" / "pic.bin", kGood);
  testing::WriteFile(Input("events.ndjson"), NativeMessage(1, "../media/pic.bin"));
  const std::string db = tmp_.File("cli.db");
  const std::string cmd = std::string(CORDON_BINARY) + " ingest -q --db " + db + " --media-root " +
                          (dir_ / "media").string() + " --media-root " +
                          (dir_ / "export").string() + " " + Input("events.ndjson");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  store_ = std::move(*store);
  EXPECT_EQ(Sha256s()["telegram:channel1/1"], good_sha_);
  EXPECT_TRUE(Weirds().empty());
}

TEST(MediaFiles, ControlCharactersAndLongPathsAreCutInWeirds) {
  testing::TempDir tmp;
  MediaFiles files(tmp.File("events.ndjson"), {});
  MessageEvent m;
  m.media.push_back(Media{"photo", "", "", "", "/a\nb"});
  m.media.push_back(Media{"photo", "", "", "", "/" + std::string(300, 'x')});
  std::vector<std::string> weirds;
  files.Hash(m, [&](std::string_view, std::string what) { weirds.push_back(std::move(what)); });
  ASSERT_EQ(weirds.size(), 2u);
  EXPECT_EQ(weirds[0], "media_outside_root: /a?b");
  EXPECT_EQ(weirds[1], "media_outside_root: /" + std::string(119, 'x') + "...");
}

}  // namespace
}  // namespace cordon
