// Internal to the simulator: the simulated world's data. Who exists (chats, accounts, the persons
// behind them, lineages of chats that replace one another), the places the network points to,
// and the records truth.json reports (regenerations, relaunches, look-alikes, exports).
//
// WorldState owns all of it and keeps its bookkeeping: new entities get ids that grow with
// creation time and usernames that are unique. It holds no random source of its own: the
// generator passes its structure Rng to the methods that draw, so one seed gives one world.
// Entities refer to one another by index into the vectors here (-1: none); nothing is removed.
//
// Thread safety: none; one simulation runs on one thread and owns its WorldState.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/sim/rng.h"
#include "cordon/sim/text.h"

namespace cordon::sim::world {

constexpr TimeMs kNever = INT64_MAX;
constexpr TimeMs kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

// Telegram keeps whole seconds; so does everything here.
inline TimeMs Sec(TimeMs t) { return t - t % kSecond; }

inline std::string ChannelKey(uint64_t id) { return "telegram:channel" + std::to_string(id); }
inline std::string UserKey(uint64_t id) { return "telegram:user" + std::to_string(id); }

enum class Role : uint8_t {
  kOfficial,
  kInjector,
  kMirror,
  kReplacement,
  kAdmin,
  kSupporter,
  kBot,
  kBenignNews,
  kBenignHobby,
  kBenignBook,
  kBenignGroup,
  kJournalist,
  kLookalike,
  kBenignRelaunch,
  kBenignUser,
  kBenignBot,
};

std::string_view RoleName(Role r);

enum class CKind : uint8_t {
  kText,
  kRelease,
  kPhoto,
  kViral,
  kAd,
  kMigration,
  kComment,
  kWeb,
  kInvite
};

// What a message says, reproducible from a few numbers (so backlogs can be reposted).
struct Content {
  CKind kind = CKind::kText;
  uint8_t edit = 0;  // index into the edits (kEditOrder, world_content.cc); 0 = the original
  uint8_t topic = 0;
  uint64_t item = 0;  // release, photo, viral image, chat or destination, by kind
  uint64_t seed = 0;  // text
};

struct PostRef {
  uint32_t id = 0;
  TimeMs time = 0;
  Content content;
};

struct Chat {
  uint64_t id = 0;
  std::string key, name, latin, username, invite;
  Role role = Role::kMirror;
  Role base = Role::kMirror;  // the role of the lineage's first chat
  bool group = false;
  bool network = false;
  bool initial = false;
  TimeMs created = 0, down = kNever;
  int32_t parent = -1, lineage = -1, owner = -1, generation = 0;
  std::vector<int32_t> admins, bots, upstream, follows, members;
  int64_t subscribers = 0;
  double activity = 1, reupload = 0, rate = 0, fwd_rate = 0;
  uint8_t edit = 1, topic = 0;
  uint64_t avatar_base = 0, avatar_perturb = 0;
  uint32_t next_id = 0;
  int32_t export_slot = -1;
  std::vector<PostRef> recent;
  uint32_t recent_pos = 0;
  std::vector<int32_t> today;  // today's message drafts, in creation order
};

struct Account {
  uint64_t id = 0;
  std::string key, name, username;
  Role role = Role::kSupporter;
  bool bot = false, network = false;
  TimeMs created = 0, down = kNever;
  int32_t parent = -1, person = -1, creator = -1;
};

struct Membership {
  int32_t lineage = -1;
  int32_t chat = -1;  // the chat of the lineage this person's account has joined
  TimeMs joined = 0;
};

struct Person {
  Role role = Role::kSupporter;
  int32_t account = -1;
  bool key = false;
  TimeMs pending = kNever;  // a new account is on its way
  double rate = 0;
  int32_t chats = 0;
  int32_t want = 1;            // how many groups this supporter keeps up with
  std::vector<int32_t> owned;  // chats this admin created
  std::vector<Membership> groups;
  std::vector<int32_t> bots;
};

struct Lineage {
  int32_t current = -1;
  std::vector<int32_t> members;  // persons
  bool researcher = false;       // the researcher follows it
};

struct Destination {
  std::string link, platform;
  TimeMs available = 0;
  bool network = true;
  TimeMs first = kNever;
  std::string first_chat;
  int64_t before = 0, after = 0;
};

struct Regeneration {
  int32_t child, parent;
  bool account;
  NamingMethod method;
  std::string admin, avatar;
};

struct Lookalike {
  int32_t chat, resembles;
  std::string method;
};

inline bool Alive(const Chat& c, TimeMs t) { return c.created <= t && t < c.down; }
inline bool Alive(const Account& a, TimeMs t) { return a.created <= t && t < a.down; }

class WorldState {
 public:
  explicit WorldState(int max_edits) : max_edits_(max_edits) {}

  // New entities, returned by index. Before AssignIds they have no id and no key: the initial
  // world gets its ids in creation order once it is complete.
  int32_t NewAccount(Rng& rng, Role role, TimeMs created, std::string name, bool with_username,
                     int32_t person);
  int32_t NewChat(Rng& rng, Role role, bool group, bool network, TimeMs created, std::string latin,
                  bool arabic, bool is_public);
  // Telegram's ids grow with creation time; so do these, whatever the role.
  void AssignIds(Rng& rng);

  // An admin person by rank weight; alive_only: one whose account is up at `t` (-1: none).
  int32_t PickAdminPerson(Rng& rng, bool alive_only, TimeMs t) const;
  // Up at `t`, and a channel has an admin account up to post.
  bool Active(const Chat& c, TimeMs t) const;
  // An account that can post in a group at `t`: an admin, else a bot; -1: none.
  int32_t Poster(const Chat& c, TimeMs t) const;

  std::vector<Chat> chats;
  std::vector<Account> accounts;
  std::vector<Person> persons;
  std::vector<Lineage> lineages;
  std::vector<std::string> brands;  // the network's brand words, most popular first
  std::vector<Destination> destinations;
  std::vector<int32_t> admin_persons;  // by rank (Zipf weight order)
  WeightedPicker admin_picker;
  std::vector<int32_t> network_chats, network_accounts;  // candidates, compacted daily
  std::vector<int32_t> benign_channels, benign_groups, journalists, benign_users, benign_bots,
      supporters;
  UsernameRegistry usernames;

  // For truth.json.
  std::vector<Regeneration> regenerations;
  std::vector<Regeneration> relaunches;
  std::vector<Lookalike> lookalikes;
  std::vector<int32_t> export_chats;  // chats the researcher exports, by export slot

 private:
  int max_edits_;
  uint64_t next_channel_id_ = 0, next_user_id_ = 0;  // 0: ids not assigned yet
};

}  // namespace cordon::sim::world
