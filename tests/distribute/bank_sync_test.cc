// Banks replicated through JetStream (src/cordon/distribute/bank_sync.h): publishing twice
// writes nothing the second time; a matcher reading the bucket matches as one reading the
// store; an edit published is picked up by a running matcher; a manifest whose chunks are
// missing or corrupt is a Status, counted, and the banks loaded before stay.
#include "cordon/distribute/bank_sync.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>

#include "cordon/content/matcher.h"
#include "distribute/nats_server.h"
#include "test_util.h"

namespace cordon {
namespace {

using distribute::BankChunkKey;
using distribute::BankManifestKey;
using distribute::BanksBucket;
using distribute::JetStream;
using distribute::JetStreamBankSource;
using distribute::PublishBanks;
using testing::NatsServer;
using testing::TempDir;

constexpr TimeMs kNow = 1700000000000;

PdqHash MakeHash(uint64_t seed) {
  std::mt19937_64 rng(seed);
  PdqHash h;
  for (auto& w : h.bits) w = rng();
  return h;
}

std::string VpdqSignal(uint64_t seed, int frames) {
  std::vector<VpdqFrame> v;
  for (int i = 0; i < frames; ++i) {
    v.push_back({i, static_cast<double>(i), 100, MakeHash(seed * 1000 + static_cast<uint64_t>(i))});
  }
  return FormatVpdqSignal(v);
}

std::string Text(int i) {
  return "the made-up ministry of vorla repeats its statement number " + std::to_string(i) +
         " about the harvest in the eastern valleys";
}

// Two banks: "photos" with enough PDQ hashes for several chunks, md5s and videos; "texts" with
// statements and no label on some entries.
void FillStore(Store& store, int pdq_entries) {
  ASSERT_TRUE(CreateBank(store, {"photos", "known-photo", "test", 0, 0, 0}, kNow).ok());
  ASSERT_TRUE(CreateBank(store, {"texts", "known-text", "test", 0, 0, 0}, kNow).ok());
  std::vector<BankEntry> photos;
  for (int i = 0; i < pdq_entries; ++i) {
    photos.push_back({SignalType::kPdq, MakeHash(static_cast<uint64_t>(i)).Hex(),
                      i % 3 == 0 ? "" : "label-" + std::to_string(i % 7), "", 0});
  }
  photos.push_back({SignalType::kMd5, "0123456789abcdef0123456789abcdef", "", "", 0});
  for (uint64_t v = 1; v <= 3; ++v)
    photos.push_back({SignalType::kVpdq, VpdqSignal(v, 20), "", "", 0});
  auto n = AddEntries(store, "photos", photos, kNow);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  std::vector<BankEntry> texts;
  for (int i = 0; i < 40; ++i)
    texts.push_back({SignalType::kText, Text(i), i % 2 ? "x" : "", "", 0});
  n = AddEntries(store, "texts", texts, kNow);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  auto s = Store::Open(path);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

std::unique_ptr<JetStream> Connect(const NatsServer& nats) {
  auto js = JetStream::Connect(nats.url());
  EXPECT_TRUE(js.ok()) << js.status().ToString();
  return js.ok() ? std::move(*js) : nullptr;
}

std::unique_ptr<JetStreamBankSource> Source(JetStream& js) {
  auto s = JetStreamBankSource::Open(js, "CORDON");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

MessageEvent Message(std::string text, std::vector<Media> media) {
  MessageEvent m;
  m.key = "telegram:m1";
  m.chat = "telegram:channel5";
  m.time = 1000;
  m.text = std::move(text);
  m.media = std::move(media);
  return m;
}

// Messages that hit every kind of entry (and some that hit nothing).
std::vector<MessageEvent> Probes(int pdq_entries) {
  std::vector<MessageEvent> out;
  for (int i = 0; i < pdq_entries; i += 97) {
    PdqHash h = MakeHash(static_cast<uint64_t>(i));
    h.bits[0] ^= 0x15;  // 3 bits off
    Media md;
    md.kind = "photo";
    md.pdq = h.Hex();
    md.md5 = i == 0 ? "0123456789ABCDEF0123456789ABCDEF" : "";
    out.push_back(
        Message(i % 2 ? Text(i % 40) : "nothing known here at all, " + std::to_string(i), {md}));
  }
  Media video;
  video.kind = "video";
  video.sha256 = std::string(64, 'a');
  video.vpdq = VpdqSignal(2, 20);
  out.push_back(Message(Text(7) + " (shared again)", {video}));
  return out;
}

size_t ChunksOf(JetStream& js, const std::string& bank) {
  auto keys = js.Keys(BanksBucket("CORDON"));
  EXPECT_TRUE(keys.ok());
  const std::string prefix = "chunk." + distribute::BankKeyId(bank) + ".";
  size_t n = 0;
  for (const auto& k : *keys) n += k.rfind(prefix, 0) == 0;
  return n;
}

TEST(BankKv, ValuesParseBackAndAnythingElseIsCorrupt) {
  distribute::BankIndex index;
  index.generation = 12;
  index.banks.push_back({"a \"bank\"\n", "label", "", 0, 11, 5});
  auto i = distribute::ParseBankIndex(distribute::FormatBankIndex(index));
  ASSERT_TRUE(i.ok()) << i.status().ToString();
  EXPECT_EQ(i->generation, 12);
  ASSERT_EQ(i->banks.size(), 1u);
  EXPECT_EQ(i->banks[0].name, "a \"bank\"\n");
  EXPECT_EQ(i->banks[0].version, 11);
  EXPECT_EQ(i->banks[0].entries, 5);
  distribute::BankManifest m{"a", "l", 11, 5, 2, std::string(64, 'e')};
  auto mb = distribute::ParseBankManifest(distribute::FormatBankManifest(m));
  ASSERT_TRUE(mb.ok()) << mb.status().ToString();
  EXPECT_EQ(mb->chunks, 2);
  EXPECT_EQ(mb->sha256, m.sha256);
  StoredEntry e;
  e.entry = {SignalType::kText, "tab\there", "", "", 0};
  e.digest = "d";
  std::string chunk;
  distribute::AppendBankChunkEntry(chunk, e);
  int n = 0;
  ASSERT_TRUE(distribute::ParseBankChunk(chunk, [&](const StoredEntry& got) {
                EXPECT_EQ(got.entry.signal, "tab\there");
                EXPECT_EQ(got.digest, "d");
                EXPECT_EQ(got.entry.type, SignalType::kText);
                ++n;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(n, 1);
  std::string id;
  int64_t version = 0, c = 0;
  EXPECT_TRUE(distribute::ParseBankChunkKey(BankChunkKey("a", 11, 3), &id, &version, &c));
  EXPECT_EQ(id, distribute::BankKeyId("a"));
  EXPECT_EQ(version, 11);
  EXPECT_EQ(c, 3);
  for (const char* key :
       {"chunk.x", "chunk.x.1", "chunk.x.1.", "chunk.x.-1.0", "bank.x", "index"}) {
    EXPECT_FALSE(distribute::ParseBankChunkKey(key, &id, &version, &c)) << key;
  }
  auto none = [](const StoredEntry&) { return Status::Ok(); };
  for (const char* bad : {"", "[]", "{}", "{\"generation\":-1,\"banks\":[]}",
                          "{\"generation\":1,\"banks\":[{\"version\":1,\"entries\":1}]}",
                          "{\"generation\":1,\"banks\":[3]}"}) {
    EXPECT_EQ(distribute::ParseBankIndex(bad).status().code(), StatusCode::kCorrupt) << bad;
    EXPECT_EQ(distribute::ParseBankManifest(bad).status().code(), StatusCode::kCorrupt) << bad;
  }
  for (const char* bad : {"\n", "{\"type\":\"pdq\"}\n", "{\"type\":\"photo\",\"signal\":\"x\"}",
                          "{\"type\":\"pdq\",\"signal\":1}", "not json"}) {
    EXPECT_EQ(distribute::ParseBankChunk(bad, none).code(), StatusCode::kCorrupt) << bad;
  }
}

TEST(BankSync, PublishingTwiceWritesNothingTheSecondTime) {
  NatsServer nats;
  ASSERT_TRUE(nats.available()) << "nats-server is not installed (scripts/install-deps.sh)";
  TempDir dir;
  auto store = OpenStore(dir.File("banks.db"));
  ASSERT_NO_FATAL_FAILURE(FillStore(*store, 5000));
  auto js = Connect(nats);
  auto first = PublishBanks(*store, *js, "CORDON");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->banks, 2);
  EXPECT_EQ(first->written, 2);
  EXPECT_EQ(first->entries, 5000 + 1 + 3 + 40);
  EXPECT_GT(first->chunks, 2);  // the PDQ bank takes several
  EXPECT_TRUE(first->index_written);
  EXPECT_EQ(static_cast<size_t>(first->chunks), ChunksOf(*js, "photos") + ChunksOf(*js, "texts"));
  auto before = js->GetStreamState("KV_" + BanksBucket("CORDON"));
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  auto second = PublishBanks(*store, *js, "CORDON");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->written, 0);
  EXPECT_EQ(second->unchanged, 2);
  EXPECT_EQ(second->chunks, 0);
  EXPECT_EQ(second->deleted_keys, 0);
  EXPECT_FALSE(second->index_written);
  auto after = js->GetStreamState("KV_" + BanksBucket("CORDON"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->last_seq, before->last_seq);  // not one message written

  // From the command line too.
  auto cli = testing::RunCordon("bank publish --json --nats " + nats.url() + " --db " +
                                testing::ShellQuote(dir.File("banks.db")));
  ASSERT_EQ(cli.code, 0) << cli.err;
  EXPECT_NE(cli.out.find("\"written\":0,\"unchanged\":2"), std::string::npos) << cli.out;
}

TEST(BankSync, AMatcherReadingNatsMatchesAsOneReadingTheStore) {
  NatsServer nats;
  ASSERT_TRUE(nats.available()) << "nats-server is not installed (scripts/install-deps.sh)";
  TempDir dir;
  auto store = OpenStore(dir.File("banks.db"));
  ASSERT_NO_FATAL_FAILURE(FillStore(*store, 5000));
  auto js = Connect(nats);
  auto pub = PublishBanks(*store, *js, "CORDON");
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();

  Matcher from_store(*store, {});
  auto source = Source(*js);
  Matcher from_nats(*source, {});
  ASSERT_TRUE(from_store.Refresh().ok());
  Status s = from_nats.Refresh();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(from_nats.generation(), from_store.generation());
  EXPECT_EQ(from_nats.banks(), 2u);
  EXPECT_EQ(from_nats.entries(), from_store.entries());
  size_t matched = 0;
  std::set<SignalType> types;
  for (const MessageEvent& m : Probes(5000)) {
    const auto want = from_store.MatchMessage(m);
    EXPECT_EQ(from_nats.MatchMessage(m), want) << m.text;
    matched += want.size();
    for (const Match& x : want) types.insert(x.type);
  }
  EXPECT_GT(matched, 50u);
  EXPECT_EQ(types.size(), 4u);  // pdq, md5, text, vpdq
  EXPECT_EQ(from_nats.LookupPdq(MakeHash(4242), 31), from_store.LookupPdq(MakeHash(4242), 31));
}

TEST(BankSync, AnEditPublishedIsPickedUpByARunningMatcher) {
  NatsServer nats;
  ASSERT_TRUE(nats.available()) << "nats-server is not installed (scripts/install-deps.sh)";
  TempDir dir;
  auto store = OpenStore(dir.File("banks.db"));
  ASSERT_NO_FATAL_FAILURE(FillStore(*store, 3000));
  auto js = Connect(nats);
  ASSERT_TRUE(PublishBanks(*store, *js, "CORDON").ok());
  auto source = Source(*js);
  MatcherOptions o;
  o.refresh_interval_ms = 0;  // poll on every call: what changes is the bucket, not the clock
  Matcher matcher(*source, o);
  ASSERT_TRUE(matcher.MaybeRefresh().ok());
  const size_t entries = matcher.entries();
  const int64_t generation = matcher.generation();
  const PdqHash added = MakeHash(900001);
  EXPECT_TRUE(matcher.LookupPdq(added, 0).empty());
  const size_t photo_chunks = ChunksOf(*js, "photos");

  // An entry added to the store is not seen until it is published.
  ASSERT_TRUE(
      AddEntries(*store, "photos", {{SignalType::kPdq, added.Hex(), "new", "", 0}}, kNow).ok());
  ASSERT_TRUE(matcher.MaybeRefresh().ok());
  EXPECT_EQ(matcher.entries(), entries);
  auto pub = PublishBanks(*store, *js, "CORDON");
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->written, 1);  // photos; texts unchanged
  EXPECT_EQ(pub->unchanged, 1);
  EXPECT_EQ(static_cast<size_t>(pub->deleted_keys), photo_chunks);  // the old version's chunks
  EXPECT_EQ(ChunksOf(*js, "photos"), static_cast<size_t>(pub->chunks));
  ASSERT_TRUE(matcher.MaybeRefresh().ok());
  EXPECT_GT(matcher.generation(), generation);
  EXPECT_EQ(matcher.entries(), entries + 1);
  auto hit = matcher.LookupPdq(added, 0);
  ASSERT_EQ(hit.size(), 1u);
  EXPECT_EQ(hit[0].label, "new");

  // A bank deleted and published is gone from the matcher, and from the bucket.
  ASSERT_TRUE(DeleteBank(*store, "texts").ok());
  pub = PublishBanks(*store, *js, "CORDON");
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_GT(pub->deleted_keys, 0);
  EXPECT_EQ(ChunksOf(*js, "texts"), 0u);
  EXPECT_EQ(js->Get(BanksBucket("CORDON"), BankManifestKey("texts")).status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(matcher.MaybeRefresh().ok());
  EXPECT_EQ(matcher.banks(), 1u);
  EXPECT_TRUE(matcher.MatchMessage(Message(Text(3), {})).empty());
}

TEST(BankSync, MissingOrCorruptChunksAreAStatusAndTheBanksLoadedBeforeStay) {
  NatsServer nats;
  ASSERT_TRUE(nats.available()) << "nats-server is not installed (scripts/install-deps.sh)";
  TempDir dir;
  auto store = OpenStore(dir.File("banks.db"));
  ASSERT_NO_FATAL_FAILURE(FillStore(*store, 3000));
  auto js = Connect(nats);
  ASSERT_TRUE(PublishBanks(*store, *js, "CORDON").ok());
  auto source = Source(*js);
  std::vector<Status> reported;
  MatcherOptions o;
  o.refresh_interval_ms = 0;
  o.on_refresh_error = [&](const Status& s) { reported.push_back(s); };
  Matcher matcher(*source, o);
  ASSERT_TRUE(matcher.MaybeRefresh().ok());
  const size_t entries = matcher.entries();
  const int64_t generation = matcher.generation();

  ASSERT_TRUE(
      AddEntries(*store, "photos", {{SignalType::kPdq, MakeHash(900002).Hex(), "", "", 0}}, kNow)
          .ok());
  ASSERT_TRUE(PublishBanks(*store, *js, "CORDON").ok());
  auto info = FindBank(*store, "photos");
  ASSERT_TRUE(info.ok() && info->has_value());
  const int64_t version = (*info)->version;
  const std::string bucket = BanksBucket("CORDON");
  const std::string chunk0 = BankChunkKey("photos", version, 0);
  auto good = js->Get(bucket, chunk0);
  ASSERT_TRUE(good.ok()) << good.status().ToString();

  auto expect_kept = [&](const char* what) {
    SCOPED_TRACE(what);
    const size_t before = reported.size();
    Status direct = matcher.Refresh();
    EXPECT_EQ(direct.code(), StatusCode::kCorrupt) << direct.ToString();
    EXPECT_TRUE(matcher.MaybeRefresh().ok());  // reported, not returned
    EXPECT_EQ(reported.size(), before + 1);
    EXPECT_EQ(matcher.generation(), generation);
    EXPECT_EQ(matcher.entries(), entries);
    EXPECT_TRUE(matcher.LookupPdq(MakeHash(900002), 0).empty());
    EXPECT_EQ(matcher.LookupPdq(MakeHash(10), 0).size(), 1u);  // the old banks still match
  };
  ASSERT_TRUE(js->Put(bucket, chunk0, "{\"type\":\"pdq\",\"signal\":\"zz\"}\nnot json\n").ok());
  expect_kept("a chunk that does not parse");
  std::string altered = *good;
  altered.replace(altered.find("\"signal\":\"") + 10, 1,
                  altered[altered.find("\"signal\":\"") + 10] == '0' ? "1" : "0");
  ASSERT_TRUE(js->Put(bucket, chunk0, altered).ok());
  expect_kept("a chunk that parses but is not the one published");
  ASSERT_TRUE(js->Delete(bucket, chunk0).ok());
  expect_kept("a chunk missing");
  EXPECT_EQ(matcher.refresh_errors(), 3);
  EXPECT_NE(reported.back().ToString().find("missing"), std::string::npos)
      << reported.back().ToString();

  // A damaged copy is written again once its manifest is gone, and then loads.
  ASSERT_TRUE(js->Delete(bucket, BankManifestKey("photos")).ok());
  auto pub = PublishBanks(*store, *js, "CORDON");
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->written, 1);
  Status s = matcher.Refresh();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(matcher.entries(), entries + 1);
  EXPECT_EQ(matcher.LookupPdq(MakeHash(900002), 0).size(), 1u);
}

// `cordon bank publish --follow` beside the store: an edit made with `cordon bank add` reaches the
// bucket without anyone publishing by hand, and SIGTERM ends it with 0.
TEST(BankSync, FollowPublishesEachEditOfTheStoreUntilSigterm) {
  NatsServer nats;
  ASSERT_TRUE(nats.available()) << "nats-server is not installed (scripts/install-deps.sh)";
  TempDir dir;
  const std::string db = dir.File("banks.db");
  {
    auto store = OpenStore(db);
    ASSERT_NO_FATAL_FAILURE(FillStore(*store, 300));
  }
  const pid_t follower = ::fork();
  if (follower == 0) {
    std::vector<std::string> args = {"cordon", "bank",     "publish", "--follow",
                                     "--nats", nats.url(), "--db",    db};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(CORDON_BINARY, argv.data());
    ::_exit(127);
  }
  struct Reaper {  // kills the follower when a check below ends the test early
    pid_t pid;
    ~Reaper() {
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reaper{follower};
  auto js = Connect(nats);
  auto source = Source(*js);
  // Waits (up to a minute) until the bucket's banks are those of the store.
  auto caught_up = [&]() {
    auto store = OpenStore(db);
    auto want = BankGeneration(*store);
    if (!want.ok()) return false;
    for (int i = 0; i < 600; ++i) {
      auto g = source->Generation();
      if (g.ok() && *g == *want) return true;
      ::usleep(100000);
    }
    return false;
  };
  EXPECT_TRUE(caught_up()) << "the first publish never came";
  const std::string added = MakeHash(777777).Hex();
  auto add = testing::RunCordon("bank add --db " + testing::ShellQuote(db) +
                                " --bank photos --type pdq " + added);
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_TRUE(caught_up()) << "the edit was not published";
  Matcher from_nats(*source, {});
  ASSERT_TRUE(from_nats.Refresh().ok());
  EXPECT_EQ(from_nats.LookupPdq(MakeHash(777777), 0).size(), 1u);

  ::kill(follower, SIGTERM);
  int code = -1;
  ::waitpid(follower, &code, 0);
  reaper.pid = 0;
  ASSERT_TRUE(WIFEXITED(code)) << "killed by a signal";
  EXPECT_EQ(WEXITSTATUS(code), 0);
}

}  // namespace
}  // namespace cordon
