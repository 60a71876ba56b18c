// Parameter families and the replacement parameters (sim/families.h, issue #14): overrides are
// parsed and refused by name, and a family changes what the world says, asserted from the
// simulator's output (events and truth), never by reading the parameters back.
#include "cordon/sim/families.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cordon/enforce/names.h"
#include "cordon/sim/params.h"
#include "cordon/sim/simulator.h"
#include "test_util.h"

namespace cordon {
namespace {

sim::SimOptions SmallWorld(const std::string& out, uint64_t seed) {
  sim::SimOptions o;
  o.out_dir = out;
  o.seed = seed;
  o.scale = sim::Scale::kSmall;
  o.media = sim::MediaMode::kHashes;  // avatars get PDQ hashes
  o.telegram_exports = false;
  o.days = 40;
  return o;
}

struct EntitySeen {
  std::string name, avatar_sha, avatar_pdq, creator;
};

struct WorldSeen {
  std::map<std::string, EntitySeen> entities;
  std::map<std::string, std::vector<std::string>> admins;  // chat -> creator and admins
  std::vector<std::string> texts;                          // every message's text
  struct Regen {
    std::string child, parent, kind, avatar, admin;
  };
  std::vector<Regen> chat_regens;  // replacement chats
  std::string family;
  double naming_unrelated = -1;
};

WorldSeen Read(const std::string& dir) {
  WorldSeen w;
  simdjson::dom::parser parser;
  auto str = [](simdjson::dom::element o, const char* k) {
    std::string_view v;
    return o[k].get(v) ? std::string() : std::string(v);
  };
  const std::string events = testing::ReadFile(dir + "/events.ndjson");
  simdjson::dom::document_stream docs;
  EXPECT_FALSE(parser.parse_many(events).get(docs));
  for (auto doc : docs) {
    simdjson::dom::element e;
    if (doc.get(e)) continue;
    const std::string type = str(e, "type");
    if (type == "entity") {
      EntitySeen& s = w.entities[str(e, "key")];
      s.name = str(e, "name");
      s.creator = str(e, "creator");
      simdjson::dom::element av;
      if (!e["avatar"].get(av)) {
        s.avatar_sha = str(av, "sha256");
        s.avatar_pdq = str(av, "pdq");
      }
    } else if (type == "member") {
      const std::string action = str(e, "action");
      if (action == "creator" || action == "admin")
        w.admins[str(e, "chat")].push_back(str(e, "user"));
    } else if (type == "message") {
      w.texts.push_back(str(e, "text"));
    }
  }
  simdjson::dom::parser tp;
  simdjson::dom::element truth;
  EXPECT_FALSE(tp.load(dir + "/truth.json").get(truth));
  for (auto r : truth["regenerations"].get_array()) {
    const std::string kind = str(r, "kind");
    if (kind != "channel" && kind != "group") continue;
    w.chat_regens.push_back(
        {str(r, "child"), str(r, "parent"), kind, str(r, "avatar"), str(r, "admin")});
  }
  simdjson::dom::element params = truth["parameters"];
  w.family = str(params, "family");
  double v;
  if (!params["replacement_params"]["naming_unrelated"].get(v)) w.naming_unrelated = v;
  return w;
}

int PdqDistance(const std::string& a, const std::string& b) {
  if (a.size() != 64 || b.size() != 64) return 256;
  int d = 0;
  for (size_t i = 0; i < 64; i += 16) {
    d += std::popcount(std::stoull(a.substr(i, 16), nullptr, 16) ^
                       std::stoull(b.substr(i, 16), nullptr, 16));
  }
  return d;
}

TEST(SimFamilies, ParseParamSettingTakesNameEqualsNumber) {
  auto good = sim::ParseParamSetting("dyn.naming_unrelated=0.5");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->first, "dyn.naming_unrelated");
  EXPECT_EQ(good->second, 0.5);
  for (const char* bad :
       {"dyn.naming_unrelated", "=1", "dyn.naming_unrelated=", "dyn.naming_unrelated=abc",
        "dyn.naming_unrelated=1x", "dyn.naming_unrelated=1e999", "dyn.naming_unrelated=nan"}) {
    EXPECT_FALSE(sim::ParseParamSetting(bad).ok()) << bad;
  }
  const Status s = sim::ParseParamSetting("dyn.advertised=often").status();
  EXPECT_NE(s.message().find("dyn.advertised"), std::string::npos) << s.message();
}

TEST(SimFamilies, UnknownKeysBadValuesAndUnknownFamiliesAreRefusedByName) {
  sim::ScaleParams sp;
  sim::DynamicsParams dp;
  sim::ActionParams ap;
  Status s = sim::SetParam(sp, dp, ap, "dyn.avatar_copy", 0.5);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'dyn.avatar_copy'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("dyn.avatar_new_other"), std::string::npos) << s.message();
  s = sim::SetParam(sp, dp, ap, "dyn.advertised", 1.5);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("dyn.advertised"), std::string::npos) << s.message();
  EXPECT_TRUE(sim::SetParam(sp, dp, ap, "dyn.advertised", 0.25).ok());
  EXPECT_EQ(dp.advertised, 0.25);

  testing::TempDir tmp;
  sim::SimOptions o = SmallWorld(tmp.File("w"), 1);
  o.family = "no_such_family";
  s = sim::Simulate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no_such_family"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("unrelated"), std::string::npos) << s.message();  // a known one
  o.family.clear();
  o.params = {{"dyn.naming_numbering", 0},       {"dyn.naming_homoglyph", 0},
              {"dyn.naming_separator", 0},       {"dyn.naming_emoji", 0},
              {"dyn.naming_transliteration", 0}, {"dyn.naming_unrelated", 0}};
  EXPECT_FALSE(sim::Simulate(o).ok());  // no naming tactic left
}

TEST(SimFamilies, EveryFamilyIsValidAndTheyDiffer) {
  const auto& families = sim::SimFamilies();
  ASSERT_GE(families.size(), 9u);
  EXPECT_EQ(families.front().name, "default");
  EXPECT_TRUE(families.front().settings.empty());
  std::map<std::vector<std::pair<std::string, double>>, std::string> seen;
  for (const sim::SimFamily& f : families) {
    sim::ScaleParams sp;
    sim::DynamicsParams dp;
    sim::ActionParams ap;
    for (const auto& [k, v] : f.settings) {
      EXPECT_TRUE(sim::SetParam(sp, dp, ap, k, v).ok()) << f.name << " " << k;
    }
    EXPECT_TRUE(seen.emplace(f.settings, f.name).second) << f.name << " repeats another";
    auto found = sim::FindSimFamily(f.name);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, &f);
  }
}

// All renamings unrelated (no brand word): by the detector's own name measure, no replacement
// chat's name resembles its parent's. The truth records the family.
TEST(SimFamilies, UnrelatedNamesAreDissimilarByTheProjectsMeasure) {
  testing::TempDir tmp;
  sim::SimOptions o = SmallWorld(tmp.File("w"), 31);
  o.family = "unrelated";
  o.params = {{"dyn.naming_numbering", 0},       {"dyn.naming_homoglyph", 0},
              {"dyn.naming_separator", 0},       {"dyn.naming_emoji", 0},
              {"dyn.naming_transliteration", 0}, {"dyn.naming_unrelated", 1},
              {"dyn.unrelated_fresh", 1}};
  ASSERT_TRUE(sim::Simulate(o).ok());
  const WorldSeen w = Read(o.out_dir);
  EXPECT_EQ(w.family, "unrelated");
  EXPECT_EQ(w.naming_unrelated, 1.0);
  auto norm = enforce::NameNormalizer::Create();
  ASSERT_TRUE(norm.ok());
  ASSERT_GT(w.chat_regens.size(), 20u);
  for (const auto& r : w.chat_regens) {
    const std::string a = (*norm)->Key(w.entities.at(r.child).name);
    const std::string b = (*norm)->Key(w.entities.at(r.parent).name);
    const double dice = enforce::Dice(enforce::NGrams(a, 3), enforce::NGrams(b, 3));
    EXPECT_LT(dice, 0.4) << w.entities.at(r.child).name << " / " << w.entities.at(r.parent).name;
    EXPECT_LT(enforce::EditSimilarity(a, b), 0.5)
        << w.entities.at(r.child).name << " / " << w.entities.at(r.parent).name;
  }
}

// With a new avatar for every renaming, no replacement chat carries a copy of its parent's
// avatar (PDQ farther than 31 bits, the usual match threshold); in the default world many do
// (the stronger perturbations move PDQ further, so not all).
TEST(SimFamilies, AvatarCopyRateZeroLeavesNoAvatarCopies) {
  testing::TempDir tmp;
  auto close_copies = [](const WorldSeen& w, int* compared) {
    int close = 0;
    *compared = 0;
    for (const auto& r : w.chat_regens) {
      const EntitySeen& c = w.entities.at(r.child);
      const EntitySeen& p = w.entities.at(r.parent);
      if (c.avatar_pdq.empty() || p.avatar_pdq.empty()) continue;
      ++*compared;
      close += c.avatar_sha == p.avatar_sha || PdqDistance(c.avatar_pdq, p.avatar_pdq) <= 31;
    }
    return close;
  };
  sim::SimOptions o = SmallWorld(tmp.File("new"), 32);
  o.params = {{"dyn.avatar_new_unrelated", 1}, {"dyn.avatar_new_other", 1}};
  ASSERT_TRUE(sim::Simulate(o).ok());
  int compared = 0;
  EXPECT_EQ(close_copies(Read(o.out_dir), &compared), 0);
  EXPECT_GT(compared, 20);
  sim::SimOptions d = SmallWorld(tmp.File("default"), 32);
  ASSERT_TRUE(sim::Simulate(d).ok());
  EXPECT_GT(close_copies(Read(d.out_dir), &compared), compared / 4);
}

// Fresh creators share no admin with the parent; no adverts leave a replacement's invite link
// unposted anywhere.
TEST(SimFamilies, FreshCreatorsAndNoAdvertsRemoveThoseSignals) {
  testing::TempDir tmp;
  sim::SimOptions o = SmallWorld(tmp.File("w"), 33);
  o.params = {{"dyn.fresh_creator", 1}, {"dyn.advertised", 0}};
  ASSERT_TRUE(sim::Simulate(o).ok());
  const WorldSeen w = Read(o.out_dir);
  ASSERT_GT(w.chat_regens.size(), 20u);
  for (const auto& r : w.chat_regens) {
    EXPECT_EQ(r.admin, "fresh");
    const auto& child = w.admins.at(r.child);
    auto it = w.admins.find(r.parent);
    if (it == w.admins.end()) continue;
    for (const std::string& a : child) {
      EXPECT_EQ(std::count(it->second.begin(), it->second.end(), a), 0)
          << r.child << " shares admin " << a << " with " << r.parent;
    }
  }
  // Invite codes of replacements: from the truth's invite field via the events' texts.
  simdjson::dom::parser tp;
  simdjson::dom::element truth;
  ASSERT_FALSE(tp.load(o.out_dir + "/truth.json").get(truth));
  int invites = 0;
  for (auto r : truth["regenerations"].get_array()) {
    std::string_view invite;
    if (r["invite"].get(invite)) continue;
    ++invites;
    for (const std::string& text : w.texts) {
      EXPECT_EQ(text.find(invite), std::string::npos) << invite << " advertised: " << text;
    }
  }
  EXPECT_GT(invites, 20);
}

}  // namespace
}  // namespace cordon
