// The simulator's world data (sim/world_state.h) and message rendering (sim/world_render.h):
// ids follow creation time, usernames stay unique, liveness rules, and a Content renders the
// same text and media every time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cordon/sim/world_render.h"
#include "cordon/sim/world_state.h"

namespace cordon::sim::world {
namespace {

TEST(WorldState, IdsGrowWithCreationTimeWhateverTheOrderOfCreation) {
  WorldState st(5);
  Rng rng(7);
  const int32_t late = st.NewChat(rng, Role::kMirror, false, true, 5000, "Late Relay", false, true);
  const int32_t early =
      st.NewChat(rng, Role::kMirror, true, true, 1000, "Early Relay", false, true);
  const int32_t a = st.NewAccount(rng, Role::kAdmin, 3000, "Some Admin", true, -1);
  const int32_t b = st.NewAccount(rng, Role::kAdmin, 2000, "Other Admin", false, -1);
  EXPECT_EQ(st.chats[static_cast<size_t>(late)].id, 0u);  // no ids before AssignIds
  st.AssignIds(rng);
  const Chat& cl = st.chats[static_cast<size_t>(late)];
  const Chat& ce = st.chats[static_cast<size_t>(early)];
  EXPECT_LT(ce.id, cl.id);
  EXPECT_EQ(cl.key, "telegram:channel" + std::to_string(cl.id));
  EXPECT_LT(st.accounts[static_cast<size_t>(b)].id, st.accounts[static_cast<size_t>(a)].id);
  EXPECT_EQ(st.accounts[static_cast<size_t>(a)].key,
            "telegram:user" + std::to_string(st.accounts[static_cast<size_t>(a)].id));
  // Created later, in the window: the next id up.
  const uint64_t late_id = cl.id;
  const std::string late_username = cl.username;
  const int32_t c = st.NewChat(rng, Role::kMirror, false, true, 9000, "Late Relay", false, true);
  EXPECT_GT(st.chats[static_cast<size_t>(c)].id, late_id);
  EXPECT_NE(st.chats[static_cast<size_t>(c)].username, late_username);  // usernames stay unique
  EXPECT_TRUE(st.accounts[static_cast<size_t>(b)].username.empty());
}

TEST(WorldState, BotsGetBotUsernamesAndNetworkRolesAreMarked) {
  WorldState st(5);
  Rng rng(1);
  const Account& bot = st.accounts[static_cast<size_t>(
      st.NewAccount(rng, Role::kBot, 0, "Relay Digest Bot", false, -1))];
  EXPECT_TRUE(bot.bot);
  EXPECT_TRUE(bot.network);
  EXPECT_TRUE(bot.username.ends_with("bot"));
  const Account& user = st.accounts[static_cast<size_t>(
      st.NewAccount(rng, Role::kBenignUser, 0, "Plain Reader", true, -1))];
  EXPECT_FALSE(user.bot);
  EXPECT_FALSE(user.network);
  EXPECT_EQ(RoleName(Role::kBenignRelaunch), "benign_relaunch");
}

TEST(WorldState, ActiveAndPosterFollowTheAccountsThatAreUp) {
  WorldState st(5);
  Rng rng(3);
  const int32_t admin = st.NewAccount(rng, Role::kAdmin, 0, "Admin One", false, -1);
  const int32_t bot = st.NewAccount(rng, Role::kBot, 0, "Helper Bot", false, -1);
  const int32_t ch = st.NewChat(rng, Role::kMirror, false, true, 0, "Relay", false, false);
  const int32_t gr = st.NewChat(rng, Role::kMirror, true, true, 0, "Relay Chat", false, false);
  for (int32_t c : {ch, gr}) {
    st.chats[static_cast<size_t>(c)].admins.push_back(admin);
    st.chats[static_cast<size_t>(c)].bots.push_back(bot);
  }
  const Chat& channel = st.chats[static_cast<size_t>(ch)];
  const Chat& group = st.chats[static_cast<size_t>(gr)];
  EXPECT_TRUE(st.Active(channel, 100));
  EXPECT_EQ(st.Poster(group, 100), admin);
  st.accounts[static_cast<size_t>(admin)].down = 50;
  EXPECT_FALSE(st.Active(channel, 100));  // a channel needs an admin up to post
  EXPECT_TRUE(st.Active(group, 100));     // a group's members post
  EXPECT_EQ(st.Poster(group, 100), bot);
  EXPECT_EQ(st.Poster(group, 40), admin);
  st.accounts[static_cast<size_t>(bot)].down = 60;
  EXPECT_EQ(st.Poster(group, 100), -1);
  st.chats[static_cast<size_t>(gr)].down = 80;
  EXPECT_FALSE(Alive(group, 80));
  EXPECT_FALSE(st.Active(group, 100));
}

TEST(WorldState, PickAdminPersonAliveOnlyFindsNoneWhenAllAreDown) {
  WorldState st(5);
  Rng rng(11);
  for (int i = 0; i < 3; ++i) {
    st.persons.push_back(Person{Role::kAdmin});
    const int32_t p = static_cast<int32_t>(st.persons.size() - 1);
    st.persons.back().account = st.NewAccount(rng, Role::kAdmin, 0, "Admin", false, p);
    st.admin_persons.push_back(p);
  }
  st.admin_picker = WeightedPicker({3, 2, 1});
  EXPECT_GE(st.PickAdminPerson(rng, true, 10), 0);
  for (Account& a : st.accounts) a.down = 5;
  EXPECT_EQ(st.PickAdminPerson(rng, true, 10), -1);
  EXPECT_GE(st.PickAdminPerson(rng, false, 10), 0);
}

WorldConfig HashOnlyConfig() {
  WorldConfig cfg;
  cfg.options.seed = 99;
  cfg.options.media = MediaMode::kNone;  // digests of stand-ins: no image work, no files
  return cfg;
}

TEST(MessageRenderer, SameContentSameTextAndMedia) {
  const WorldConfig cfg = HashOnlyConfig();
  MessageRenderer r1(cfg), r2(cfg);
  WorldState st(5);
  Rng rng(5);
  const int32_t target = st.NewChat(rng, Role::kReplacement, false, true, 0, "Relay", false, true);
  for (const Content& c :
       {Content{CKind::kText, 0, 2, 0, 1234}, Content{CKind::kRelease, 0, 3, 8, 0},
        Content{CKind::kAd, 0, 1, static_cast<uint64_t>(target), 77}}) {
    std::string t1, t2;
    std::vector<std::string> l1, l2;
    r1.Text(c, st, t1, l1);
    r2.Text(c, st, t2, l2);
    EXPECT_FALSE(t1.empty());
    EXPECT_EQ(t1, t2);
    EXPECT_EQ(l1, l2);
  }
  std::string text;
  std::vector<std::string> links;
  r1.Text(Content{CKind::kAd, 0, 1, static_cast<uint64_t>(target), 77}, st, text, links);
  ASSERT_EQ(links.size(), 1u);  // an advert carries the replacement's link
  EXPECT_NE(text.find(links[0]), std::string::npos);

  Media m1, m2;
  const MediaFile* file = nullptr;
  bool video = false;
  const Content photo{CKind::kPhoto, 2, 0, 42, 0};
  auto has = r1.MediaOf(photo, m1, &file, &video);
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
  EXPECT_EQ(file, nullptr);  // kNone: no file
  EXPECT_FALSE(video);
  EXPECT_EQ(m1.kind, "photo");
  ASSERT_TRUE(r2.MediaOf(photo, m2, &file, &video).ok());
  EXPECT_EQ(m1.sha256, m2.sha256);
  has = r1.MediaOf(Content{CKind::kText, 0, 0, 0, 1}, m1, &file, &video);
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);  // text carries no media
}

}  // namespace
}  // namespace cordon::sim::world
