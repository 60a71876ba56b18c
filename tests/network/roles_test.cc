// Roles on the fixture world (testdata/network/make_world.py): each role with its confidence
// and evidence, and the cases that must not become mirrors (a journalist's one forward, benign
// channels sharing a viral picture). Also communities.
#include <gtest/gtest.h>

#include "cordon/network/communities.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "world_fixture.h"

namespace cordon::network {
namespace {

using testing::WorldNetwork;

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = WorldNetwork();
    roles_ = AssignRoles(net_);
  }
  int32_t Id(std::string_view key) const {
    const int32_t id = net_.Find(key);
    EXPECT_GE(id, 0) << key;
    return id;
  }
  std::string_view Primary(std::string_view key) const { return roles_.Primary(Id(key)); }
  const RoleAssignment* Role(std::string_view key, std::string_view role) const {
    for (const auto& r : roles_.by_node[static_cast<size_t>(Id(key))]) {
      if (RoleName(r.role) == role) return &r;
    }
    return nullptr;
  }
  Network net_;
  Roles roles_;
};

TEST_F(RolesTest, OfficialSourceWhereReleasesAppearFirst) {
  EXPECT_EQ(Primary("telegram:channel100"), "official");
  const RoleAssignment* r = Role("telegram:channel100", "official");
  ASSERT_NE(r, nullptr);
  EXPECT_GT(r->confidence, 0.5);
  EXPECT_LE(r->confidence, 1.0);
  ASSERT_FALSE(r->evidence.refs.empty());
  EXPECT_EQ(r->evidence.refs[0], "telegram:channel100/1");
  EXPECT_NE(r->evidence.detail.find("first carrier of 10 items"), std::string::npos)
      << r->evidence.detail;
  // The role's evidence names the role and carries its confidence.
  EXPECT_EQ(r->evidence.signal, "official");
  EXPECT_EQ(r->evidence.value, r->confidence);
  EXPECT_EQ(roles_.release_items.size(), 10u);
  EXPECT_EQ(roles_.officials, std::vector<int32_t>{Id("telegram:channel100")});
}

TEST_F(RolesTest, InjectorPostsFirstHandWithinMinutes) {
  EXPECT_EQ(Primary("telegram:channel400"), "injector");
  const ChatFeatures& f = roles_.features[static_cast<size_t>(Id("telegram:channel400"))];
  EXPECT_EQ(f.releases, 10);
  EXPECT_EQ(f.firsthand, 10);
  EXPECT_LE(f.p90_delay_s, 900);
  const RoleAssignment* r = Role("telegram:channel400", "injector");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->evidence.refs.at(0), "telegram:channel400/1");
}

TEST_F(RolesTest, MirrorsCarryReleasesRepeatedlyAndTimely) {
  for (const char* key : {"telegram:channel200", "telegram:channel300", "telegram:chat700"}) {
    EXPECT_EQ(Primary(key), "mirror") << key;
    const ChatFeatures& f = roles_.features[static_cast<size_t>(Id(key))];
    EXPECT_EQ(f.releases, 10) << key;
    EXPECT_DOUBLE_EQ(f.coverage, 1.0) << key;
    EXPECT_LE(f.median_delay_s, 3600) << key;
  }
  // The relay forwards, so it is no injector even though it is quick.
  EXPECT_EQ(Role("telegram:channel200", "injector"), nullptr);
  EXPECT_EQ(roles_.features[static_cast<size_t>(Id("telegram:channel200"))].firsthand, 0);
  // Re-uploads are first-hand, but an hour late: a mirror, not an injector.
  EXPECT_EQ(Role("telegram:channel300", "injector"), nullptr);
}

TEST_F(RolesTest, JournalistForwardingOnceIsNoMirror) {
  EXPECT_EQ(Primary("telegram:channel500"), "");
  const ChatFeatures& f = roles_.features[static_cast<size_t>(Id("telegram:channel500"))];
  EXPECT_EQ(f.releases, 1);
  EXPECT_EQ(f.opportunities, 10);
  EXPECT_NEAR(f.coverage, 1.0 / 10, 1e-9);
}

TEST_F(RolesTest, BenignChannelsSharingAViralPictureAreNothing) {
  for (int i = 0; i < 4; ++i) {
    const std::string key = "telegram:channel60" + std::to_string(i);
    EXPECT_EQ(Primary(key), "") << key;
    EXPECT_EQ(roles_.features[static_cast<size_t>(Id(key))].releases, 0) << key;
  }
  // The picture spread, and the first sharer is its origin, but once is no official source.
  EXPECT_EQ(roles_.features[static_cast<size_t>(Id("telegram:channel600"))].first_appearances, 1);
}

TEST_F(RolesTest, AdminsAndBots) {
  const RoleAssignment* many = Role("telegram:user10", "admin");
  ASSERT_NE(many, nullptr);
  EXPECT_EQ(roles_.features[static_cast<size_t>(Id("telegram:user10"))].carriers_run, 3);
  const RoleAssignment* one = Role("telegram:user11", "admin");
  ASSERT_NE(one, nullptr);
  // Running more carriers means more confidence.
  EXPECT_GT(many->confidence, one->confidence);
  EXPECT_EQ(many->evidence.refs.at(0), "entity telegram:channel100 creator");
  // Banned from its only chat: no longer an admin of anything.
  EXPECT_EQ(Primary("telegram:user13"), "");
  EXPECT_EQ(Primary("telegram:user20"), "distribution_bot");
  const RoleAssignment* bot = Role("telegram:user20", "distribution_bot");
  ASSERT_NE(bot, nullptr);
  EXPECT_EQ(roles_.features[static_cast<size_t>(Id("telegram:user20"))].release_posts, 5);
  EXPECT_EQ(bot->evidence.refs.at(0), "telegram:channel200/1");
}

TEST_F(RolesTest, StricterThresholdsLowerConfidence) {
  RoleOptions strict;
  strict.min_releases = 10;
  const Roles r = AssignRoles(net_, strict);
  const int32_t relay = Id("telegram:channel200");
  // At exactly the threshold the weakest condition gives 0.5.
  EXPECT_LT(r.Confidence(relay, "mirror"), roles_.Confidence(relay, "mirror"));
  strict.min_releases = 11;
  EXPECT_EQ(AssignRoles(net_, strict).Confidence(relay, "mirror"), 0);
}

TEST_F(RolesTest, NoOfficialMeansEverySpreadItemIsARelease) {
  RoleOptions o;
  o.min_official_items = 100;
  const Roles r = AssignRoles(net_, o);
  EXPECT_TRUE(r.officials.empty());
  EXPECT_EQ(r.release_items.size(), 11u);  // ten releases and the viral picture
}

TEST(Roles, KnownContentIsAReleaseEvenBarelySpread) {
  // An official source and its releases, plus one item only a bank knows, copied once.
  NetworkBuilder b;
  auto post = [&](const std::string& chat, int id, TimeMs t, const std::string& sha,
                  std::vector<KnownMatch> k = {}) {
    MessageEvent m;
    m.chat = chat;
    m.key = chat + "/" + std::to_string(id);
    m.time = t;
    m.media.push_back(Media{"photo", sha, "", "", ""});
    b.Add(m, k);
  };
  for (int r = 0; r < 6; ++r) {
    const std::string sha(64, static_cast<char>('a' + r));
    const TimeMs t0 = 100000000LL * (r + 1);
    post("telegram:channel1", r, t0, sha);
    for (int c = 2; c <= 5; ++c)
      post("telegram:channel" + std::to_string(c), r, t0 + 60000 * c, sha);
  }
  KnownMatch k{0, "bank", "sha256", std::string(64, 'z'), 0, "known"};
  post("telegram:channel8", 1, 50000, std::string(64, 'y'), {k});
  post("telegram:channel9", 1, 90000, std::string(64, 'x'), {k});
  const Roles roles = AssignRoles(b.network());
  EXPECT_EQ(roles.release_items.size(), 7u);
}

TEST(Roles, ReplacementOfATakenDownSourceIsOfficialToo) {
  // An official source publishes a release a day for 50 days, four mirrors forwarding each within
  // minutes; it is taken down, and a new channel publishes the releases from then on. The new
  // one has far fewer first appearances in all than the old one had, but as many a day.
  constexpr TimeMs kDay = 24LL * 3600 * 1000;
  NetworkBuilder b;
  auto post = [&](const std::string& chat, int id, TimeMs t, int item, std::string from = {}) {
    MessageEvent m;
    m.chat = chat;
    m.key = chat + "/" + std::to_string(id);
    m.time = t;
    if (!from.empty()) m.forward = ForwardOrigin{from, from + "/" + std::to_string(id), "", t};
    char sha[65];
    std::snprintf(sha, sizeof sha, "%064d", item + 1);
    m.media.push_back(Media{"photo", sha, "", "", ""});
    b.Add(m);
  };
  auto release = [&](const std::string& source, int item) {
    const TimeMs t0 = kDay * (item + 1);
    post(source, item, t0, item);
    for (int c = 2; c <= 5; ++c) {
      post("telegram:channel" + std::to_string(c), item, t0 + 60000 * c, item, source);
    }
  };
  for (int d = 0; d < 50; ++d) release("telegram:channel1", d);
  b.Add(TakedownEvent{"telegram:channel1", kDay * 51 - 1000, "", ""});
  for (int d = 50; d < 57; ++d) release("telegram:channel9", d);
  const Network& net = b.network();
  const Roles roles = AssignRoles(net);
  const int32_t old_source = net.Find("telegram:channel1"),
                successor = net.Find("telegram:channel9");
  EXPECT_EQ(roles.features[static_cast<size_t>(old_source)].first_appearances, 50);
  EXPECT_EQ(roles.features[static_cast<size_t>(successor)].first_appearances, 7);
  EXPECT_EQ(roles.Primary(successor), "official");
  EXPECT_EQ(roles.Primary(old_source), "official");
  EXPECT_EQ(roles.release_items.size(), 57u);
  // In the reach model the live source is a root that reaches every mirror.
  const ReachGraph g = MakeReachGraph(net, roles);
  const int32_t root = g.Find("telegram:channel9");
  ASSERT_GE(root, 0);
  EXPECT_TRUE(g.node(root).root);
  std::vector<char> removed(static_cast<size_t>(g.size()), 0);
  const double before = Reach(g, removed);
  EXPECT_GT(before, 0);
  removed[static_cast<size_t>(root)] = 1;
  EXPECT_EQ(Reach(g, removed), 0);
}

TEST(Communities, SeparateTheNetworkFromTheBenignCluster) {
  const Network net = WorldNetwork();
  auto c = Communities(net);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto m = [&](const char* key) { return c->membership[static_cast<size_t>(net.Find(key))]; };
  EXPECT_GE(c->count, 2);
  EXPECT_NE(m("telegram:channel100"), m("telegram:channel600"));
  EXPECT_EQ(m("telegram:channel600"), m("telegram:channel601"));
  EXPECT_EQ(m("telegram:channel100"), m("telegram:channel400"));
  EXPECT_GE(m("telegram:channel100"), 0);
  EXPECT_GT(c->quality, 0);
  // Deterministic.
  auto again = Communities(net);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->membership, c->membership);
}

TEST(Communities, EmptyNetwork) {
  Network net;
  auto c = Communities(net);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->count, 0);
}

// The names outputs show, in name order, each parsed back; nothing else parses.
TEST(RoleNames, RoundTripInNameOrder) {
  const std::vector<std::string_view> names = {"admin",    "distribution_bot", "hub",
                                               "injector", "mirror",           "official"};
  for (size_t i = 0; i < names.size(); ++i) {
    const auto role = ParseRole(names[i]);
    ASSERT_TRUE(role.has_value()) << names[i];
    EXPECT_EQ(RoleName(*role), names[i]);
    EXPECT_EQ(static_cast<size_t>(*role), i);  // Role order is name order
  }
  EXPECT_EQ(RoleName(Role::kDistributionBot), "distribution_bot");
  EXPECT_TRUE(IsCarrierRole(Role::kMirror));
  EXPECT_FALSE(IsCarrierRole(Role::kAdmin));
  for (std::string_view bad : {"", "Mirror", "bot", "none", "mirror "}) {
    EXPECT_FALSE(ParseRole(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace cordon::network
