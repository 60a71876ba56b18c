// Network reconstruction: every edge kind with its evidence, on the fixture world
// (testdata/network/make_world.py says who does what), incremental building, and the store
// replay giving the same network as feeding the events one by one.
#include <gtest/gtest.h>

#include "cordon/ingest/ingest.h"
#include "cordon/network/build.h"
#include "cordon/store/sqlite.h"
#include "cordon/util/time.h"
#include "world_fixture.h"

namespace cordon::network {
namespace {

using testing::FindEdge;
using testing::WorldEvents;
using testing::WorldNetwork;

TimeMs At(const char* s) { return *ParseRfc3339Ms(s); }

TEST(NetworkBuild, ForwardEdgesBySourceIdCarryTheirMessages) {
  const Network net = WorldNetwork();
  const Edge* e = FindEdge(net, "telegram:channel100", "telegram:channel200", EdgeKind::kForward);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->evidence.count, 10);
  ASSERT_FALSE(e->evidence.sample.empty());
  EXPECT_EQ(e->evidence.sample[0].refs.at(0), "telegram:channel200/1");
  EXPECT_EQ(e->evidence.sample[0].refs.at(1), "telegram:channel100/1");
  EXPECT_EQ(e->evidence.sample[0].signal, "forward");
  EXPECT_EQ(e->evidence.first, At("2019-11-02T10:30:00Z"));
  // The group forwards from the relay, not from the source.
  const Edge* g = FindEdge(net, "telegram:channel200", "telegram:chat700", EdgeKind::kForward);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->evidence.count, 10);
  // The journalist forwarded once.
  const Edge* j = FindEdge(net, "telegram:channel100", "telegram:channel500", EdgeKind::kForward);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->evidence.count, 1);
}

TEST(NetworkBuild, ForwardByDisplayNameResolvesOrKeepsAPlaceholder) {
  const Network net = WorldNetwork();
  const Edge* e = FindEdge(net, "telegram:channel100", "telegram:chat700", EdgeKind::kForward);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->evidence.count, 1);
  EXPECT_EQ(e->evidence.sample.at(0).signal, "forward_name");
  const int32_t ghost = net.Find("name:Ghost Source");
  ASSERT_GE(ghost, 0);
  EXPECT_EQ(net.node(ghost).kind, NodeKind::kName);
  EXPECT_NE(FindEdge(net, "name:Ghost Source", "telegram:chat700", EdgeKind::kForward), nullptr);
}

TEST(NetworkBuild, PlaceholderMergesWhenTheNameAppearsLater) {
  NetworkBuilder b;
  MessageEvent m;
  m.key = "telegram:channel9/1";
  m.chat = "telegram:channel9";
  m.time = 1000;
  m.forward = ForwardOrigin{};
  m.forward->name = "Beta Wire";
  b.Add(m);
  EXPECT_GE(b.network().Find("name:Beta Wire"), 0);
  EntityEvent e;
  e.key = "telegram:channel8";
  e.kind = EntityKind::kChannel;
  e.time = 2000;
  e.name = "Beta Wire";
  b.Add(e);
  const Network& net = b.network();
  // The placeholder's key now leads to the entity, and the edge moved with it.
  EXPECT_EQ(net.Find("name:Beta Wire"), net.Find("telegram:channel8"));
  const Edge* f = FindEdge(net, "telegram:channel8", "telegram:channel9", EdgeKind::kForward);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->evidence.sample.at(0).refs.at(0), "telegram:channel9/1");
  EXPECT_EQ(net.Dump().find("name:Beta Wire"), std::string::npos);
}

TEST(NetworkBuild, AmbiguousDisplayNameStaysAPlaceholder) {
  NetworkBuilder b;
  for (const char* key : {"telegram:channel1", "telegram:channel2"}) {
    EntityEvent e;
    e.key = key;
    e.kind = EntityKind::kChannel;
    e.time = 10;
    e.name = "Same Name";
    b.Add(e);
  }
  MessageEvent m;
  m.key = "telegram:channel3/1";
  m.chat = "telegram:channel3";
  m.time = 20;
  m.forward = ForwardOrigin{};
  m.forward->name = "Same Name";
  b.Add(m);
  EXPECT_NE(FindEdge(b.network(), "name:Same Name", "telegram:channel3", EdgeKind::kForward),
            nullptr);
}

TEST(NetworkBuild, ReuploadsByDigestPdqAndText) {
  const Network net = WorldNetwork();
  // The injector posts the same file: an exact digest match.
  const Edge* inj =
      FindEdge(net, "telegram:channel100", "telegram:channel400", EdgeKind::kReupload);
  ASSERT_NE(inj, nullptr);
  EXPECT_EQ(inj->evidence.count, 10);
  EXPECT_EQ(inj->evidence.sample.at(0).signal, "sha256");
  EXPECT_EQ(inj->evidence.sample.at(0).refs.at(1), "telegram:channel100/1");
  // Edited copies: PDQ within distance (10 bits flipped), and one text-only copy.
  const Edge* copy =
      FindEdge(net, "telegram:channel100", "telegram:channel300", EdgeKind::kReupload);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->evidence.count, 10);
  EXPECT_EQ(copy->evidence.sample.at(0).signal, "pdq:10");
  EXPECT_EQ(copy->evidence.last, At("2019-11-11T10:50:00Z"));
  EXPECT_EQ(copy->evidence.sample.size(), 8u);  // a bounded sample
  // The tenth copy has no picture: its text matched the release's.
  bool found = false;
  for (const ContentItem& it : net.items()) {
    for (const Carrier& c : it.carriers) {
      if (c.message != "telegram:channel300/10") continue;
      found = true;
      EXPECT_EQ(it.carriers[0].message, "telegram:channel100/10");
      EXPECT_EQ(net.node(c.source).key, "telegram:channel100");
    }
  }
  EXPECT_TRUE(found);
  // Forwards are not re-uploads.
  EXPECT_EQ(FindEdge(net, "telegram:channel100", "telegram:channel200", EdgeKind::kReupload),
            nullptr);
  // The benign viral picture: re-uploads among the benign channels, from its first carrier.
  const Edge* viral =
      FindEdge(net, "telegram:channel600", "telegram:channel603", EdgeKind::kReupload);
  ASSERT_NE(viral, nullptr);
  EXPECT_EQ(viral->evidence.count, 1);
}

TEST(NetworkBuild, ReuploadOutsideTheWindowIsNoEdge) {
  BuildOptions o;
  o.reupload_window = 60 * 1000;  // one minute: the copies come later
  const Network net = WorldNetwork(o);
  EXPECT_EQ(FindEdge(net, "telegram:channel100", "telegram:channel300", EdgeKind::kReupload),
            nullptr);
  // The items still know who carried them.
  EXPECT_EQ(net.items().size(), WorldNetwork().items().size());
}

TEST(NetworkBuild, ReuploadIsAttributedToAKnownUpstream) {
  // Chat 3 forwards from chat 2; when it later re-uploads something chat 2 carried before it,
  // the re-upload comes from chat 2, not from the first carrier (chat 1).
  NetworkBuilder b;
  auto msg = [&](std::string chat, int id, TimeMs t, std::string sha, std::string fwd = {}) {
    MessageEvent m;
    m.chat = chat;
    m.key = chat + "/" + std::to_string(id);
    m.time = t;
    m.media.push_back(Media{"photo", std::move(sha), "", "", ""});
    if (!fwd.empty()) {
      m.forward = ForwardOrigin{};
      m.forward->chat = fwd;
    }
    b.Add(m);
  };
  const std::string a(64, 'a'), c(64, 'c');
  msg("telegram:channel1", 1, 1000, a);
  msg("telegram:channel2", 1, 2000, a, "telegram:channel1");
  msg("telegram:channel3", 1, 3000, a, "telegram:channel2");
  msg("telegram:channel1", 2, 4000, c);
  msg("telegram:channel2", 2, 5000, c);
  msg("telegram:channel3", 2, 6000, c);
  const Network& net = b.network();
  const Edge* up = FindEdge(net, "telegram:channel2", "telegram:channel3", EdgeKind::kReupload);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->evidence.sample.at(0).refs.at(1), "telegram:channel2/2");
  EXPECT_EQ(FindEdge(net, "telegram:channel1", "telegram:channel3", EdgeKind::kReupload), nullptr);
  EXPECT_NE(FindEdge(net, "telegram:channel1", "telegram:channel2", EdgeKind::kReupload), nullptr);
}

// Two messages whose files differ but match the same bank entry.
std::vector<std::pair<MessageEvent, std::vector<KnownMatch>>> KnownPair() {
  std::vector<std::pair<MessageEvent, std::vector<KnownMatch>>> out;
  for (int i = 1; i <= 2; ++i) {
    MessageEvent m;
    m.chat = "telegram:channel" + std::to_string(i);
    m.key = m.chat + "/1";
    m.time = 1000 * i;
    m.media.push_back(Media{"photo", std::string(64, i == 1 ? 'a' : 'b'), "", "", ""});
    KnownMatch k;
    k.media_idx = 0;
    k.bank = "releases";
    k.signal_type = "pdq";
    k.signal = std::string(64, 'f');
    k.distance = i == 1 ? 0 : 12;
    k.label = "release 7";
    out.push_back({m, {k}});
  }
  return out;
}

TEST(NetworkBuild, KnownContentMatchesJoinItems) {
  NetworkBuilder b;
  for (const auto& [m, k] : KnownPair()) b.Add(m, k);
  const Network& net = b.network();
  const Edge* e = FindEdge(net, "telegram:channel1", "telegram:channel2", EdgeKind::kReupload);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->evidence.sample.at(0).signal, "bank:releases:12");
  ASSERT_EQ(net.items().size(), 1u);
  EXPECT_EQ(net.items()[0].known, "releases/pdq/" + std::string(64, 'f'));
  // Without the matches the two files are two items.
  NetworkBuilder plain;
  for (const auto& [m, k] : KnownPair()) plain.Add(m);
  EXPECT_EQ(plain.network().items().size(), 2u);
}

TEST(NetworkBuild, StoreReplayReadsKnownContentMatches) {
  cordon::testing::TempDir tmp;
  auto store = Store::Open(tmp.File("k.db"));
  ASSERT_TRUE(store.ok());
  for (const auto& [m, k] : KnownPair()) {
    ASSERT_TRUE((*store)->Apply(m).ok());
    Statement ins(StoreHandle(*(*store)),
                  "INSERT INTO matches(message, media_idx, bank, signal_type, signal, distance, "
                  "label, chat, time) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    ASSERT_TRUE(ins.ok());
    ins.Bind(1, m.key).Bind(2, int64_t{k[0].media_idx}).Bind(3, k[0].bank);
    ins.Bind(4, k[0].signal_type).Bind(5, k[0].signal).Bind(6, int64_t{k[0].distance});
    ins.Bind(7, k[0].label).Bind(8, m.chat).Bind(9, m.time);
    ASSERT_TRUE(ins.Run().ok());
  }
  auto net = BuildNetwork(**store);
  ASSERT_TRUE(net.ok());
  NetworkBuilder b;
  for (const auto& [m, k] : KnownPair()) b.Add(m, k);
  EXPECT_EQ(net->Dump(), b.network().Dump());
}

TEST(NetworkBuild, AdvertsResolveUsernamesAndInvitesAlsoLateOnes) {
  const Network net = WorldNetwork();
  const Edge* inv = FindEdge(net, "telegram:channel200", "telegram:channel300", EdgeKind::kAdvert);
  ASSERT_NE(inv, nullptr);
  EXPECT_EQ(inv->evidence.sample.at(0).signal, "link:t.me/+RelayTwoInv");
  const Edge* user = FindEdge(net, "telegram:channel200", "telegram:channel100", EdgeKind::kAdvert);
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->evidence.sample.at(0).signal, "link:t.me/alphapress");
  // Advertised on day 3, the invite announced on day 4: resolved when it arrives.
  const Edge* late = FindEdge(net, "telegram:chat700", "telegram:channel400", EdgeKind::kAdvert);
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->evidence.first, At("2019-11-04T20:00:00Z"));
}

TEST(NetworkBuild, AdminsBotsAndPosters) {
  const Network net = WorldNetwork();
  const Edge* creator = FindEdge(net, "telegram:user10", "telegram:channel100", EdgeKind::kAdmin);
  ASSERT_NE(creator, nullptr);
  EXPECT_TRUE(creator->active);
  EXPECT_EQ(creator->evidence.count, 2);  // the entity's creator and the creator membership
  EXPECT_EQ(creator->evidence.sample.at(0).refs.at(0), "entity telegram:channel100 creator");
  EXPECT_EQ(creator->evidence.sample.at(1).refs.at(0),
            "member telegram:channel100 telegram:user10 creator");
  const Edge* banned = FindEdge(net, "telegram:user13", "telegram:channel300", EdgeKind::kAdmin);
  ASSERT_NE(banned, nullptr);
  EXPECT_FALSE(banned->active);
  const Edge* bot_admin = FindEdge(net, "telegram:user20", "telegram:channel200", EdgeKind::kAdmin);
  ASSERT_NE(bot_admin, nullptr);
  const Edge* via = FindEdge(net, "telegram:user20", "telegram:channel200", EdgeKind::kBot);
  ASSERT_NE(via, nullptr);
  EXPECT_EQ(via->evidence.count, 5);
  EXPECT_EQ(via->evidence.sample.at(0).signal, "via_bot");
  const Edge* post = FindEdge(net, "telegram:user12", "telegram:chat700", EdgeKind::kPost);
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->evidence.count, 13);
  // A channel's own posts make no post edge.
  EXPECT_EQ(FindEdge(net, "telegram:channel100", "telegram:channel100", EdgeKind::kPost), nullptr);
  EXPECT_EQ(net.node(net.Find("telegram:user20")).kind, NodeKind::kBot);
}

TEST(NetworkBuild, TakedownsAndNodeFacts) {
  const Network net = WorldNetwork();
  const Node& relay = net.node(net.Find("telegram:channel200"));
  EXPECT_TRUE(relay.down);
  EXPECT_EQ(relay.down_since, At("2019-11-13T00:00:00Z"));
  EXPECT_EQ(relay.subscribers, 1000);
  EXPECT_EQ(relay.name, "Relay One");
  const Node& source = net.node(net.Find("telegram:channel100"));
  EXPECT_FALSE(source.down);
  EXPECT_EQ(source.messages, 10);
  EXPECT_EQ(source.views_max, 3000);
  EXPECT_EQ(net.node(net.Find("telegram:chat700")).members, 1);
  EXPECT_EQ(net.time(), At("2019-11-13T00:00:00Z"));
}

TEST(NetworkBuild, ContentItemsKeepOneCarrierPerChat) {
  const Network net = WorldNetwork();
  // Ten releases carried by five chats each (the first also by the journalist), one viral
  // picture carried by four.
  int releases = 0;
  for (const ContentItem& it : net.items()) {
    if (it.carriers.size() >= 5) {
      ++releases;
      EXPECT_EQ(net.node(it.carriers[0].chat).key, "telegram:channel100");
      EXPECT_FALSE(it.carriers[0].forwarded);
    }
  }
  EXPECT_EQ(releases, 10);
}

TEST(NetworkBuild, IncrementalStateAtEachStep) {
  NetworkBuilder b;
  bool saw_pending = false;
  for (const Event& e : WorldEvents()) {
    b.Add(e);
    if (auto* m = std::get_if<MessageEvent>(&e);
        m && m->text.find("LateQuickInv") != std::string::npos) {
      // Before the invite event the advert cannot be resolved.
      EXPECT_EQ(FindEdge(b.network(), "telegram:chat700", "telegram:channel400", EdgeKind::kAdvert),
                nullptr);
      saw_pending = true;
    }
  }
  EXPECT_TRUE(saw_pending);
  EXPECT_NE(FindEdge(b.network(), "telegram:chat700", "telegram:channel400", EdgeKind::kAdvert),
            nullptr);
}

// Ingests the fixture into a fresh store.
std::unique_ptr<Store> WorldStore(const cordon::testing::TempDir& tmp) {
  auto store = Store::Open(tmp.File("world.db"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto rep = Ingest(**store, {testing::WorldPath()}, IngestOptions{});
  EXPECT_TRUE(rep.ok()) << rep.status().ToString();
  return std::move(*store);
}

TEST(NetworkBuild, StoreReplayEqualsEventByEvent) {
  cordon::testing::TempDir tmp;
  auto store = WorldStore(tmp);
  auto replayed = BuildNetwork(*store);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  const std::string direct = WorldNetwork().Dump();
  EXPECT_EQ(replayed->Dump(), direct);
  EXPECT_NE(direct.find("edge telegram:channel100 -> telegram:channel300 reupload count=10"),
            std::string::npos);
}

TEST(NetworkBuild, StoreReplayAsOfEqualsThePrefix) {
  cordon::testing::TempDir tmp;
  auto store = WorldStore(tmp);
  for (const char* at : {"2019-11-03T12:00:00Z", "2019-11-05T00:00:00Z", "2019-11-12T23:59:59Z"}) {
    BuildOptions o;
    o.as_of = At(at);
    auto replayed = BuildNetwork(*store, o);
    ASSERT_TRUE(replayed.ok());
    NetworkBuilder b;
    for (const Event& e : WorldEvents()) {
      if (EventTime(e) <= *o.as_of) b.Add(e);
    }
    EXPECT_EQ(replayed->Dump(), b.network().Dump()) << at;
  }
  // Before the takedown the relay is up.
  BuildOptions o;
  o.as_of = At("2019-11-12T00:00:00Z");
  auto before = BuildNetwork(*store, o);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->node(before->Find("telegram:channel200")).down);
  auto last = LastEventTime(*store);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, At("2019-11-13T00:00:00Z"));
}

TEST(NetworkBuild, EmptyStore) {
  cordon::testing::TempDir tmp;
  auto store = Store::Open(tmp.File("empty.db"));
  ASSERT_TRUE(store.ok());
  auto net = BuildNetwork(**store);
  ASSERT_TRUE(net.ok());
  EXPECT_TRUE(net->nodes().empty());
  EXPECT_EQ(LastEventTime(**store).status().code(), StatusCode::kNotFound);
}

TEST(NetworkBuild, TakedownsBetweenListsEachEntityOnce) {
  cordon::testing::TempDir tmp;
  auto store = WorldStore(tmp);
  auto day = TakedownsBetween(*store, At("2019-11-13T00:00:00Z"), At("2019-11-14T00:00:00Z"));
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, std::vector<std::string>{"telegram:channel200"});
  auto none = TakedownsBetween(*store, At("2019-11-01T00:00:00Z"), At("2019-11-02T00:00:00Z"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace cordon::network
