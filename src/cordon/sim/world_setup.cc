// The world as it stands on the first day (world_impl.h): the network's brands and
// destinations, its admins, chats, bots and supporters; the benign population; the researcher's
// joined chats; and the first sightings of everything that exists. Init runs the steps in a
// fixed order, each drawing from the structure Rng, so the order is part of the output.
#include <algorithm>
#include <cmath>
#include <utility>

#include "cordon/sim/world_impl.h"
#include "cordon/util/strings.h"

namespace cordon::sim::world {

Status World::Init() {
  if (cfg_.action_day >= 0) action_start_ = cfg_.start_ms + cfg_.action_day * kDay;
  MakeBrands();
  MakeDestinations();
  MakeAdmins();
  MakeNetworkChats();
  MarkKeyAdmins();
  MakeBots();
  MakeSupporters();
  MakeBenignUsers();
  MakeBenignChannels();
  MakeJournalists();
  MakeBenignGroups();
  ScheduleArrivals();
  st_.AssignIds(rng_);
  JoinResearcherChats();
  st_.network_accounts.clear();
  for (size_t i = 0; i < st_.accounts.size(); ++i) {
    if (st_.accounts[i].network) st_.network_accounts.push_back(static_cast<int32_t>(i));
  }
  EmitFirstSightings();
  return error_;
}

TimeMs World::Past(double lo_days, double hi_days) {
  return Sec(cfg_.start_ms - static_cast<TimeMs>(rng_.Uniform(lo_days, hi_days) * kDay));
}

void World::MakeBrands() {
  const int n_brands = std::max(5, sp_.mirrors / 25);
  for (int i = 0; i < n_brands; ++i) st_.brands.push_back(MadeUpWord(rng_, 2, 3));
}

void World::MakeDestinations() {
  // Places the network points its audience to; most become available around the action.
  const int n = std::max(6, static_cast<int>(st_.brands.size()) * 2);
  for (int i = 0; i < n; ++i) {
    Destination d;
    const std::string host = ToLower(MadeUpWord(rng_, 2, 3)) + ".example";
    const std::string room = UsernameFrom(st_.brands[static_cast<size_t>(i) % st_.brands.size()] +
                                          " " + MadeUpWord(rng_, 1, 2));
    switch (i % 6) {
      case 0:
        d.platform = "rocketchat";
        d.link = "https://chat." + host + "/channel/" + room;
        break;
      case 1:
        d.platform = "matrix";
        d.link = "https://matrix.to/#/#" + room + ":" + host;
        break;
      case 2:
        d.platform = "tamtam";
        d.link = "https://tt.me/" + room;
        break;
      case 3:
        d.platform = "matrix";
        d.link = "https://riot.im/app/#/room/#" + room + ":" + host;
        break;
      case 4:
        d.platform = "rocketchat";
        d.link = "https://talk." + host + "/group/" + room;
        break;
      default:
        d.platform = "web";
        d.link = "https://" + host + "/" + room;
        break;
    }
    const double frac = i < n / 3 ? rng_.Uniform(0, 0.5) : rng_.Uniform(0.5, 0.9);
    d.available = cfg_.start_ms + static_cast<TimeMs>(frac * cfg_.days) * kDay;
    if (action_start_ != kNever && i >= n / 3) {
      d.available = action_start_ + static_cast<TimeMs>(rng_.Uniform(-2, 10) * kDay);
    }
    st_.destinations.push_back(std::move(d));
  }
  // Benign communities elsewhere too: hard negatives for migration analysis.
  for (int i = 0; i < std::max(3, n / 2); ++i) {
    Destination d;
    d.network = false;
    const std::string host = ToLower(MadeUpWord(rng_, 2, 3)) + ".example";
    const std::string room =
        UsernameFrom(std::string(HobbyWords()[static_cast<size_t>(i) % HobbyWords().size()]) + " " +
                     MadeUpWord(rng_, 1, 2));
    if (i % 2 == 0) {
      d.platform = "matrix";
      d.link = "https://matrix.to/#/#" + room + ":" + host;
    } else {
      d.platform = "rocketchat";
      d.link = "https://chat." + host + "/channel/" + room;
    }
    d.available = cfg_.start_ms;
    st_.destinations.push_back(std::move(d));
  }
}

// Admin persons, ranked: a few of them run many chats.
void World::MakeAdmins() {
  std::vector<double> weights;
  for (int i = 0; i < sp_.admins; ++i) {
    Person p;
    p.role = Role::kAdmin;
    st_.persons.push_back(p);
    const int32_t pi = static_cast<int32_t>(st_.persons.size() - 1);
    const bool with_username = rng_.Bernoulli(0.6);
    const std::string last = MadeUpWord(rng_);
    const std::string first = MadeUpWord(rng_);
    const TimeMs created = Past(30, 700);
    st_.persons.back().account =
        st_.NewAccount(rng_, Role::kAdmin, created, first + " " + last, with_username, pi);
    st_.admin_persons.push_back(pi);
    weights.push_back(1.0 / std::pow(i + 1.0, dp_.admin_zipf));
  }
  st_.admin_picker = WeightedPicker(weights);
}

// A chat of the initial network, run by `owner` (an admin person), the first of its lineage.
int32_t World::NewNetworkChat(Role role, bool group, bool is_public, int32_t owner,
                              std::string latin) {
  const bool arabic = rng_.Bernoulli(0.25);
  const TimeMs created = Past(5, 400);
  const int32_t c =
      st_.NewChat(rng_, role, group, true, created, std::move(latin), arabic, is_public);
  Chat& ch = st_.chats[static_cast<size_t>(c)];
  ch.initial = true;
  ch.owner = owner;
  ch.admins.push_back(st_.persons[static_cast<size_t>(owner)].account);
  st_.persons[static_cast<size_t>(owner)].chats++;
  st_.persons[static_cast<size_t>(owner)].owned.push_back(c);
  if (rng_.Bernoulli(dp_.coadmin)) {
    const int32_t co = st_.PickAdminPerson(rng_, false, cfg_.start_ms);
    if (co != owner) ch.admins.push_back(st_.persons[static_cast<size_t>(co)].account);
  }
  ch.subscribers =
      std::min<int64_t>(150000, static_cast<int64_t>(rng_.Pareto(60, dp_.subscribers_alpha)));
  if (group) ch.subscribers = std::min<int64_t>(ch.subscribers, 20000);
  ch.activity = std::clamp(rng_.LogNormal(1.0, 0.3), 0.4, 1.6);
  ch.reupload = std::clamp(dp_.reupload * rng_.LogNormal(0.8, 0.7), 0.02, 0.95);
  ch.next_id = static_cast<uint32_t>(rng_.Range(5, 3000));
  st_.lineages.push_back(Lineage{c, {}, false});
  ch.lineage = static_cast<int32_t>(st_.lineages.size() - 1);
  st_.network_chats.push_back(c);
  return c;
}

void World::MakeNetworkChats() {
  const TimeMs start = cfg_.start_ms;
  // The official source and the injectors that receive its releases off-platform.
  const int32_t official =
      NewNetworkChat(Role::kOfficial, false, true, st_.admin_persons[0], st_.brands[0] + " Press");
  st_.chats[static_cast<size_t>(official)].subscribers =
      static_cast<int64_t>(rng_.Uniform(20000, 60000));
  st_.chats[static_cast<size_t>(official)].reupload = 0;
  std::vector<int32_t> sources = {st_.chats[static_cast<size_t>(official)].lineage};
  for (int i = 0; i < sp_.injectors; ++i) {
    const int32_t owner =
        st_.admin_persons[static_cast<size_t>(i) % std::min<size_t>(5, st_.admin_persons.size())];
    std::string latin = NetworkLatin();
    const bool is_public = rng_.Bernoulli(0.5);
    const int32_t c = NewNetworkChat(Role::kInjector, false, is_public, owner, std::move(latin));
    st_.chats[static_cast<size_t>(c)].reupload = 0;
    st_.chats[static_cast<size_t>(c)].subscribers += 2000;
    sources.push_back(st_.chats[static_cast<size_t>(c)].lineage);
  }
  const size_t n_sources = sources.size();
  for (int i = 0; i < sp_.mirrors; ++i) {
    const bool group = rng_.Bernoulli(dp_.group_share);
    std::string latin = NetworkLatin();
    const int32_t owner = st_.PickAdminPerson(rng_, false, start);
    const bool is_public = rng_.Bernoulli(dp_.public_share);
    const int32_t c = NewNetworkChat(Role::kMirror, group, is_public, owner, std::move(latin));
    Chat& ch = st_.chats[static_cast<size_t>(c)];
    const int ups = static_cast<int>(rng_.Range(1, 3));
    for (int u = 0; u < ups; ++u) {
      const int32_t l = rng_.Bernoulli(0.5) || sources.size() == n_sources
                            ? sources[rng_.Below(n_sources)]
                            : sources[n_sources + rng_.Below(sources.size() - n_sources)];
      if (std::find(ch.upstream.begin(), ch.upstream.end(), l) == ch.upstream.end()) {
        ch.upstream.push_back(l);
      }
    }
    if (!group) sources.push_back(ch.lineage);
  }
}

// Key admins: the few persons who run the most chats.
void World::MarkKeyAdmins() {
  std::vector<int32_t> ranked = st_.admin_persons;
  std::stable_sort(ranked.begin(), ranked.end(), [&](int32_t a, int32_t b) {
    return st_.persons[static_cast<size_t>(a)].chats > st_.persons[static_cast<size_t>(b)].chats;
  });
  const size_t k = std::max<size_t>(2, static_cast<size_t>(std::ceil(sp_.admins * 0.15)));
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i)
    st_.persons[static_cast<size_t>(ranked[i])].key = true;
}

// Distribution bots, owned by admins and made admins of their chats.
void World::MakeBots() {
  const TimeMs start = cfg_.start_ms;
  std::vector<std::vector<int32_t>> chats_of(st_.persons.size());
  for (int32_t c : st_.network_chats)
    chats_of[static_cast<size_t>(st_.chats[static_cast<size_t>(c)].owner)].push_back(c);
  for (int i = 0; i < sp_.bots; ++i) {
    const int32_t p = st_.PickAdminPerson(rng_, false, start);
    const std::string word = MadeUpWord(rng_, 1, 2);
    const std::string& brand = st_.brands[rng_.Below(st_.brands.size())];
    const TimeMs created = Past(1, 60);
    const int32_t b =
        st_.NewAccount(rng_, Role::kBot, created, brand + " " + word + " Bot", true, p);
    st_.accounts[static_cast<size_t>(b)].creator = st_.persons[static_cast<size_t>(p)].account;
    st_.persons[static_cast<size_t>(p)].bots.push_back(b);
    const auto& mine = chats_of[static_cast<size_t>(p)];
    const int32_t c = mine.empty() ? st_.network_chats[rng_.Below(st_.network_chats.size())]
                                   : mine[rng_.Below(mine.size())];
    st_.chats[static_cast<size_t>(c)].bots.push_back(b);
  }
}

// Supporters: the active accounts of the network's groups.
void World::MakeSupporters() {
  const TimeMs start = cfg_.start_ms;
  std::vector<int32_t> group_lineages;
  std::vector<double> group_weights;
  for (int32_t c : st_.network_chats) {
    if (st_.chats[static_cast<size_t>(c)].group) {
      group_lineages.push_back(st_.chats[static_cast<size_t>(c)].lineage);
      group_weights.push_back(
          std::sqrt(static_cast<double>(st_.chats[static_cast<size_t>(c)].subscribers)));
    }
  }
  WeightedPicker group_picker(group_weights);
  for (int i = 0; i < sp_.supporters && !group_lineages.empty(); ++i) {
    Person p;
    p.role = Role::kSupporter;
    p.rate = dp_.supporter_rate / std::exp(0.32) * rng_.LogNormal(1.0, 0.8);
    st_.persons.push_back(p);
    const int32_t pi = static_cast<int32_t>(st_.persons.size() - 1);
    const bool with_username = rng_.Bernoulli(0.35);
    const std::string tail =
        rng_.Bernoulli(0.5) ? " " + MadeUpWord(rng_) : std::to_string(rng_.Range(1, 99));
    const std::string head = MadeUpWord(rng_);
    const TimeMs created = Past(3, 300);
    st_.persons.back().account =
        st_.NewAccount(rng_, Role::kSupporter, created, head + tail, with_username, pi);
    const int k = static_cast<int>(rng_.Range(1, 3));
    st_.persons.back().want = k;
    for (int j = 0; j < k; ++j) {
      const int32_t l = group_lineages[group_picker.Pick(rng_)];
      bool dup = false;
      for (const Membership& m : st_.persons.back().groups) dup |= m.lineage == l;
      if (dup) continue;
      st_.persons.back().groups.push_back({l, st_.lineages[static_cast<size_t>(l)].current, start});
      st_.lineages[static_cast<size_t>(l)].members.push_back(pi);
    }
    st_.supporters.push_back(pi);
  }
}

int32_t World::BenignOwner() { return st_.benign_users[rng_.Below(st_.benign_users.size())]; }

// The benign population: users (who own the benign chats) and a few helper bots.
void World::MakeBenignUsers() {
  for (int i = 0; i < sp_.benign_users; ++i) {
    const bool with_username = rng_.Bernoulli(0.5);
    const std::string last = MadeUpWord(rng_);
    const std::string first = MadeUpWord(rng_);
    const TimeMs created = Past(10, 1500);
    st_.benign_users.push_back(
        st_.NewAccount(rng_, Role::kBenignUser, created, first + " " + last, with_username, -1));
  }
  for (int i = 0; i < std::max(2, sp_.benign_channels / 150); ++i) {
    const std::string word = MadeUpWord(rng_);
    const TimeMs created = Past(30, 900);
    st_.benign_bots.push_back(
        st_.NewAccount(rng_, Role::kBenignBot, created, word + " Helper", true, -1));
  }
}

void World::MakeBenignChannels() {
  for (int i = 0; i < sp_.benign_channels; ++i) {
    const double r = rng_.Uniform();
    Role role = r < 0.45 ? Role::kBenignNews : r < 0.8 ? Role::kBenignHobby : Role::kBenignBook;
    const auto& words = role == Role::kBenignNews    ? NewsWords()
                        : role == Role::kBenignHobby ? HobbyWords()
                                                     : BookWords();
    const bool is_public = rng_.Bernoulli(0.7);
    const bool arabic = rng_.Bernoulli(0.08);
    const std::string_view topic = words[rng_.Below(words.size())];
    const std::string word = MadeUpWord(rng_);
    const TimeMs created = Past(10, 1500);
    const int32_t c = st_.NewChat(rng_, role, false, false, created,
                                  word + " " + std::string(topic), arabic, is_public);
    Chat& ch = st_.chats[static_cast<size_t>(c)];
    ch.initial = true;
    ch.admins.push_back(BenignOwner());
    ch.subscribers = std::min<int64_t>(400000, static_cast<int64_t>(rng_.Pareto(80, 1.05)));
    ch.rate = sp_.benign_posts_per_day * rng_.LogNormal(0.8, 0.6) *
              (role == Role::kBenignNews ? 1.4 : 0.8);
    ch.fwd_rate = ch.rate * (role == Role::kBenignNews ? 0.25 : 0.12);
    ch.next_id = static_cast<uint32_t>(rng_.Range(5, 8000));
    if (rng_.Bernoulli(0.1)) ch.bots.push_back(st_.benign_bots[rng_.Below(st_.benign_bots.size())]);
    st_.benign_channels.push_back(c);
  }
  for (int32_t c : st_.benign_channels) {
    const int k = static_cast<int>(rng_.Range(0, 4));
    for (int j = 0; j < k; ++j) {
      const int32_t f = st_.benign_channels[rng_.Below(st_.benign_channels.size())];
      if (f != c) st_.chats[static_cast<size_t>(c)].follows.push_back(f);
    }
  }
}

void World::MakeJournalists() {
  for (int i = 0; i < sp_.journalists; ++i) {
    const std::string last = MadeUpWord(rng_);
    const std::string first = MadeUpWord(rng_);
    const TimeMs user_created = Past(100, 2000);
    const int32_t u =
        st_.NewAccount(rng_, Role::kBenignUser, user_created, first + " " + last, true, -1);
    static constexpr std::string_view kWords[] = {"Monitor", "Research Notes", "Watch", "Analysis"};
    const std::string_view kind = kWords[rng_.Below(4)];
    const std::string word = MadeUpWord(rng_);
    const TimeMs created = Past(100, 2000);
    const int32_t c = st_.NewChat(rng_, Role::kJournalist, false, false, created,
                                  word + " " + std::string(kind), false, true);
    Chat& ch = st_.chats[static_cast<size_t>(c)];
    ch.initial = true;
    ch.admins.push_back(u);
    ch.subscribers = static_cast<int64_t>(rng_.Pareto(300, 1.3));
    ch.rate = 1.5;
    ch.next_id = static_cast<uint32_t>(rng_.Range(50, 5000));
    st_.journalists.push_back(c);
  }
}

void World::MakeBenignGroups() {
  for (int i = 0; i < sp_.benign_groups; ++i) {
    const auto& words = HobbyWords();
    const bool is_public = rng_.Bernoulli(0.4);
    const std::string_view topic = words[rng_.Below(words.size())];
    const std::string word = MadeUpWord(rng_);
    const TimeMs created = Past(10, 1500);
    const int32_t c = st_.NewChat(rng_, Role::kBenignGroup, true, false, created,
                                  word + " " + std::string(topic) + " Chat", false, is_public);
    Chat& ch = st_.chats[static_cast<size_t>(c)];
    ch.initial = true;
    ch.admins.push_back(BenignOwner());
    ch.next_id = static_cast<uint32_t>(rng_.Range(5, 20000));
    st_.benign_groups.push_back(c);
  }
  if (!st_.benign_groups.empty()) {
    for (int32_t u : st_.benign_users) {
      const int k = static_cast<int>(rng_.Range(0, 2));
      for (int j = 0; j < k; ++j) {
        Chat& g =
            st_.chats[static_cast<size_t>(st_.benign_groups[rng_.Below(st_.benign_groups.size())])];
        if (std::find(g.members.begin(), g.members.end(), u) == g.members.end())
          g.members.push_back(u);
      }
    }
    for (int32_t g : st_.benign_groups) {
      st_.chats[static_cast<size_t>(g)].subscribers =
          static_cast<int64_t>(st_.chats[static_cast<size_t>(g)].members.size()) * 3 +
          rng_.Range(5, 200);
    }
  }
}

void World::ScheduleArrivals() {
  const TimeMs start = cfg_.start_ms;
  // Later arrivals: look-alike benign channels and benign groups that move house.
  const TimeMs span = cfg_.days * kDay;
  for (int i = 0; i < sp_.lookalikes; ++i) {
    Schedule(start + static_cast<TimeMs>(rng_.Uniform() * span), Action{Act::kLookalike});
  }
  for (int i = 0; i < sp_.benign_relaunches; ++i) {
    Schedule(start + static_cast<TimeMs>(rng_.Uniform() * span), Action{Act::kRelaunch});
  }
}

void World::JoinResearcherChats() {
  // The researcher's joined chats: a sample of the network and of the benign population.
  std::vector<int32_t> net(st_.network_chats.begin(), st_.network_chats.end());
  std::vector<int32_t> first(
      net.begin(), net.begin() + std::min<ptrdiff_t>(3, static_cast<ptrdiff_t>(net.size())));
  std::vector<int32_t> rest(net.begin() + static_cast<ptrdiff_t>(first.size()), net.end());
  rng_.Shuffle(rest);
  for (int32_t c : first) MaybeJoinResearcher(c);
  for (int32_t c : rest) {
    if (joined_network_ >= sp_.joined_network * 2 / 3) break;
    MaybeJoinResearcher(c);
  }
  std::vector<int32_t> ben = st_.journalists;
  ben.resize(std::min<size_t>(ben.size(), 3));
  std::vector<int32_t> others = st_.benign_channels;
  rng_.Shuffle(others);
  others.resize(std::min<size_t>(others.size(), static_cast<size_t>(sp_.joined_benign)));
  ben.insert(ben.end(), others.begin(), others.end());
  if (!st_.benign_groups.empty()) ben.push_back(st_.benign_groups[0]);
  for (int32_t c : ben) {
    if (joined_benign_ >= sp_.joined_benign * 3 / 4) break;
    MaybeJoinResearcher(c);
  }
}

void World::EmitFirstSightings() {
  const TimeMs start = cfg_.start_ms;
  // First sightings: everything that exists at the start, in id order (ids follow creation).
  std::vector<std::pair<TimeMs, std::pair<int, int32_t>>> order;
  for (size_t i = 0; i < st_.chats.size(); ++i)
    order.push_back({st_.chats[i].created, {0, static_cast<int32_t>(i)}});
  for (size_t i = 0; i < st_.accounts.size(); ++i)
    order.push_back({st_.accounts[i].created, {1, static_cast<int32_t>(i)}});
  std::sort(order.begin(), order.end());
  for (const auto& [t, what] : order) {
    if (what.first == 0) {
      EmitChat(what.second, start);
    } else {
      EmitAccount(what.second, start);
    }
  }
  for (const auto& [t, what] : order) {
    if (what.first != 0) continue;
    const Chat& c = st_.chats[static_cast<size_t>(what.second)];
    for (size_t k = 0; k < c.admins.size(); ++k) {
      EmitMember(what.second, c.admins[k], start,
                 k == 0 ? MemberAction::kCreator : MemberAction::kAdmin);
    }
    for (int32_t b : c.bots) EmitMember(what.second, b, start, MemberAction::kAdmin);
    for (int32_t m : c.members) EmitMember(what.second, m, start, MemberAction::kJoin);
  }
  for (int32_t p : st_.supporters) {
    for (const Membership& m : st_.persons[static_cast<size_t>(p)].groups) {
      EmitMember(m.chat, st_.persons[static_cast<size_t>(p)].account, start, MemberAction::kJoin);
    }
  }
  for (const Chat& c : st_.chats) {
    if (c.network && c.username.empty()) {
      EmitInvite(c, start);
    }
  }
}

}  // namespace cordon::sim::world
