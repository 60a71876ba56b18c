// The world's data and its bookkeeping (world_state.h).
#include "cordon/sim/world_state.h"

#include <algorithm>
#include <utility>

namespace cordon::sim::world {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kOfficial:
      return "official";
    case Role::kInjector:
      return "injector";
    case Role::kMirror:
      return "mirror";
    case Role::kReplacement:
      return "replacement";
    case Role::kAdmin:
      return "admin";
    case Role::kSupporter:
      return "supporter";
    case Role::kBot:
      return "bot";
    case Role::kBenignNews:
      return "benign_news";
    case Role::kBenignHobby:
      return "benign_hobby";
    case Role::kBenignBook:
      return "benign_book";
    case Role::kBenignGroup:
      return "benign_group";
    case Role::kJournalist:
      return "journalist";
    case Role::kLookalike:
      return "lookalike";
    case Role::kBenignRelaunch:
      return "benign_relaunch";
    case Role::kBenignUser:
      return "benign_user";
    case Role::kBenignBot:
      return "benign_bot";
  }
  return "unknown";
}

int32_t WorldState::NewAccount(Rng& rng, Role role, TimeMs created, std::string name,
                               bool with_username, int32_t person) {
  Account a;
  a.role = role;
  a.bot = role == Role::kBot || role == Role::kBenignBot;
  a.network = role == Role::kAdmin || role == Role::kSupporter || role == Role::kBot;
  a.created = created;
  a.person = person;
  if (a.bot) {
    std::string u = UsernameFrom(name);
    if (u.size() > 24) u.resize(24);
    a.username = usernames.Claim(u + (rng.Bernoulli(0.5) ? "_bot" : "bot"));
    if (!a.username.ends_with("bot")) a.username += "_bot";
  } else if (with_username) {
    a.username = usernames.Claim(UsernameFrom(name));
  }
  a.name = std::move(name);
  if (next_user_id_ != 0) {
    next_user_id_ += static_cast<uint64_t>(rng.Range(1, 400));
    a.id = next_user_id_;
    a.key = UserKey(a.id);
  }
  accounts.push_back(std::move(a));
  return static_cast<int32_t>(accounts.size() - 1);
}

int32_t WorldState::NewChat(Rng& rng, Role role, bool group, bool network, TimeMs created,
                            std::string latin, bool arabic, bool is_public) {
  Chat c;
  c.role = c.base = role;
  c.group = group;
  c.network = network;
  c.created = created;
  c.name = arabic ? LatinToArabic(latin) : latin;
  c.latin = std::move(latin);
  if (is_public) c.username = usernames.Claim(UsernameFrom(c.latin));
  c.invite = InviteCode(rng);
  c.avatar_base = rng.Next();
  c.topic = static_cast<uint8_t>(rng.Below(8));
  c.edit = static_cast<uint8_t>(1 + rng.Below(static_cast<uint64_t>(max_edits_)));
  if (next_channel_id_ != 0) {
    next_channel_id_ += static_cast<uint64_t>(rng.Range(1, 3000));
    c.id = next_channel_id_;
    c.key = ChannelKey(c.id);
  }
  chats.push_back(std::move(c));
  return static_cast<int32_t>(chats.size() - 1);
}

int32_t WorldState::PickAdminPerson(Rng& rng, bool alive_only, TimeMs t) const {
  for (int tries = 0; tries < 50; ++tries) {
    const int32_t p = admin_persons[admin_picker.Pick(rng)];
    const Person& pp = persons[static_cast<size_t>(p)];
    if (!alive_only || (pp.account >= 0 && Alive(accounts[static_cast<size_t>(pp.account)], t))) {
      return p;
    }
  }
  for (int32_t p : admin_persons) {
    const Person& pp = persons[static_cast<size_t>(p)];
    if (pp.account >= 0 && Alive(accounts[static_cast<size_t>(pp.account)], t)) return p;
  }
  return -1;
}

void WorldState::AssignIds(Rng& rng) {
  std::vector<std::pair<TimeMs, int32_t>> cs, as;
  for (size_t i = 0; i < chats.size(); ++i)
    cs.push_back({chats[i].created, static_cast<int32_t>(i)});
  for (size_t i = 0; i < accounts.size(); ++i)
    as.push_back({accounts[i].created, static_cast<int32_t>(i)});
  std::sort(cs.begin(), cs.end());
  std::sort(as.begin(), as.end());
  next_channel_id_ = 1100000000 + static_cast<uint64_t>(rng.Range(0, 50000000));
  for (const auto& [t, i] : cs) {
    next_channel_id_ += static_cast<uint64_t>(rng.Range(1, 3000));
    chats[static_cast<size_t>(i)].id = next_channel_id_;
    chats[static_cast<size_t>(i)].key = ChannelKey(next_channel_id_);
  }
  next_user_id_ = 600000000 + static_cast<uint64_t>(rng.Range(0, 50000000));
  for (const auto& [t, i] : as) {
    next_user_id_ += static_cast<uint64_t>(rng.Range(1, 400));
    accounts[static_cast<size_t>(i)].id = next_user_id_;
    accounts[static_cast<size_t>(i)].key = UserKey(next_user_id_);
  }
}

bool WorldState::Active(const Chat& c, TimeMs t) const {
  if (!Alive(c, t)) return false;
  if (c.group) return true;
  for (int32_t a : c.admins) {
    if (Alive(accounts[static_cast<size_t>(a)], t)) return true;
  }
  return false;
}

int32_t WorldState::Poster(const Chat& c, TimeMs t) const {
  for (int32_t a : c.admins) {
    if (Alive(accounts[static_cast<size_t>(a)], t)) return a;
  }
  for (int32_t b : c.bots) {
    if (Alive(accounts[static_cast<size_t>(b)], t)) return b;
  }
  return -1;
}

}  // namespace cordon::sim::world
