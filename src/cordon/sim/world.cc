// The simulated world: who exists, who posts what, who is taken down and who comes back.
//
// Day by day: (1) structure - scheduled creations, everyday takedowns drawn from daily hazards,
// the day of action, regenerations and top-ups, all processed in time order; (2) content -
// releases and their spread through the mirror network, group chatter, adverts for
// replacements, backlog reposts, migration links, the benign population's posts and forwards;
// (3) flush - the day's events sorted by time, message ids assigned, written to events.ndjson
// and to the researcher's Telegram exports. Only per-entity state outlives a day.
#include "cordon/sim/world.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>

#include "cordon/model/event.h"
#include "cordon/model/event_json.h"
#include "cordon/sim/media.h"
#include "cordon/sim/rng.h"
#include "cordon/sim/telegram_export.h"
#include "cordon/sim/text.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/progress.h"
#include "cordon/util/strings.h"
#include "cordon/util/time.h"

namespace cordon::sim {
namespace {

constexpr TimeMs kNever = INT64_MAX;
constexpr TimeMs kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

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
  uint8_t edit = 0;  // index into kEditOrder; 0 = the original file
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

struct Posting {
  int32_t chat;
  TimeMs time;
  int32_t draft;
};

struct Release {
  uint64_t id = 0;
  TimeMs t0 = 0;
  std::vector<Posting> postings;  // in time order
  std::vector<int32_t> channel;   // the postings by channels (not groups), in time order

  // How many channel postings are earlier than `t` by 10 s or more.
  size_t ChannelsBefore(const std::vector<Chat>& chats, TimeMs t) const;
};

size_t Release::ChannelsBefore(const std::vector<Chat>&, TimeMs t) const {
  return static_cast<size_t>(
      std::partition_point(
          channel.begin(), channel.end(),
          [&](int32_t i) { return postings[static_cast<size_t>(i)].time + 10 * kSecond < t; }) -
      channel.begin());
}

enum class Act : uint8_t {
  kTakedown,
  kReplace,
  kRegenAccount,
  kNewBot,
  kReinstate,
  kNewMirror,
  kNewSupporter,
  kNewAdmin,
  kLookalike,
  kRelaunch,
  kJoin,
};

enum class Source : uint8_t { kPlatform, kReferral, kUserReport };

struct Action {
  Act kind = Act::kTakedown;
  int32_t a = -1, b = -1;
  bool account = false;
  Source source = Source::kPlatform;
};

// One event of the day, compact: a message is its chat, author and Content (its text and media
// are made again at flush time, into reused buffers); other events live in World::others_.
struct Draft {
  TimeMs time = 0;
  uint64_t seq = 0;
  int32_t other = -1;  // >= 0: index of a non-message event in others_
  int32_t chat = -1, fwd = -1, reply = -1, from_account = -1, via_bot = -1, fwd_chat = -1;
  uint32_t id = 0;      // message id, assigned at flush
  uint32_t fwd_id = 0;  // forward of an earlier day's post: its id and time
  TimeMs fwd_time = 0;
  int64_t views = -1;
  Content content;
  bool repost = false;  // remember in the chat's recent posts
};

struct Ad {
  TimeMs time;
  int32_t replacement;
  int32_t poster;  // a chat; -1: any network chat that is up
};

struct BacklogPost {
  TimeMs time;
  int32_t chat;
  Content content;
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

constexpr Edit kEditOrder[] = {Edit::kOriginal, Edit::kReencode,  Edit::kResize,
                               Edit::kCrop,     Edit::kWatermark, Edit::kMirror};

constexpr double kHourWeight[24] = {1.0, 0.7, 0.5, 0.4, 0.4, 0.6, 1.2, 2.0, 2.6, 3.0, 3.1, 3.1,
                                    3.0, 3.0, 3.0, 3.1, 3.2, 3.3, 3.3, 3.1, 2.8, 2.4, 1.9, 1.4};

// Telegram keeps whole seconds; so does everything here.
TimeMs Sec(TimeMs t) { return t - t % kSecond; }

std::string ChannelKey(uint64_t id) { return "telegram:channel" + std::to_string(id); }
std::string UserKey(uint64_t id) { return "telegram:user" + std::to_string(id); }

class World {
 public:
  World(const WorldConfig& cfg, SimSummary& summary)
      : cfg_(cfg),
        sp_(cfg.scale),
        dp_(cfg.dyn),
        ap_(cfg.action),
        summary_(summary),
        seed_(cfg.options.seed),
        rng_(MixSeed(cfg.options.seed, 0x57)),
        crng_(MixSeed(cfg.options.seed, 0xc0)),
        lex_(MixSeed(cfg.options.seed, 0x1e), 3000),
        media_(cfg.options.out_dir, MixSeed(cfg.options.seed, 0x3d), cfg.scale.image_size,
               cfg.options.media == MediaMode::kFiles) {}

  Status Run();

 private:
  // --- set-up
  Status Init();
  void AssignIds();
  int32_t NewAccount(Role role, TimeMs created, std::string name, bool with_username,
                     int32_t person);
  int32_t NewChat(Role role, bool group, bool network, TimeMs created, std::string latin,
                  bool arabic, bool is_public);
  int32_t PickAdminPerson(bool alive_only, TimeMs t);
  std::string NetworkLatin();
  void MakeDestinations();

  // --- structure
  void Schedule(TimeMs t, const Action& a) {
    schedule_.emplace(std::make_pair(Sec(t), act_seq_++), a);
  }
  void StructurePass(int day);
  void HazardPass(int day, TimeMs day_start, TimeMs day_end);
  void ActionPass(int day, TimeMs day_start);
  void TopUp(TimeMs day_start, TimeMs day_end);
  void Rehome(TimeMs day_start, TimeMs day_end);
  void Execute(TimeMs t, const Action& a);
  void TakeDown(TimeMs t, int32_t idx, bool account, Source source);
  void MaybeHazardToday(TimeMs t, int32_t idx, bool account, double hazard);
  double AccountHazard(const Account& a) const;
  double ChatHazard(const Chat& c) const;
  bool AfterAction(TimeMs t) const { return action_start_ != kNever && t >= action_start_; }
  void ScheduleChatRegen(int32_t c, TimeMs t);
  void ScheduleAccountRegen(int32_t acc, TimeMs t);
  void CreateReplacement(int32_t parent, TimeMs t);
  void RegenAccount(int32_t person, TimeMs t);
  void CreateBot(int32_t person, int32_t parent, TimeMs t);
  void CreateMirror(TimeMs t);
  void CreateSupporter(TimeMs t);
  void CreateAdmin(TimeMs t);
  void CreateLookalike(TimeMs t);
  void CreateRelaunch(TimeMs t);
  void JoinGroup(int32_t person, size_t membership, int32_t chat, TimeMs t);
  void EmitChat(int32_t c, TimeMs t);
  void EmitAccount(int32_t a, TimeMs t);
  void EmitMember(int32_t chat, int32_t account, TimeMs t, MemberAction action);
  void MaybeJoinResearcher(int32_t c);

  // --- content
  void ContentPass(int day, TimeMs day_start, TimeMs day_end);
  void Releases(TimeMs day_start, TimeMs day_end);
  void Chatter(TimeMs day_start, TimeMs day_end);
  void AdsAndBacklogs(TimeMs day_start, TimeMs day_end);
  void Benign(TimeMs day_start, TimeMs day_end);
  TimeMs TimeIn(TimeMs a, TimeMs b);
  bool Alive(const Chat& c, TimeMs t) const { return c.created <= t && t < c.down; }
  bool Alive(const Account& a, TimeMs t) const { return a.created <= t && t < a.down; }
  bool Active(const Chat& c, TimeMs t) const;
  int32_t Poster(const Chat& c, TimeMs t);  // an account that can post in a group
  int32_t Post(int32_t chat, TimeMs t, int32_t from, const Content& content, int32_t via_bot = -1);
  int32_t ForwardDraft(int32_t chat, TimeMs t, int32_t from, int32_t src_draft);
  int32_t ForwardOld(int32_t chat, TimeMs t, int32_t from, int32_t src_chat, const PostRef& ref);
  bool PickRecent(int32_t src_chat, TimeMs before, int32_t& draft, PostRef& ref);
  void ContentText(const Content& c, std::string& text, std::vector<std::string>& links);
  void ReleaseText(uint64_t release, uint64_t decoration, std::string& out);
  // The media a message with this content carries: false when none. `file` is set for images
  // that have a file (or in-memory bytes), `video` for videos.
  bool MediaOf(const Content& c, Media& out, const MediaFile** file, bool* video);
  int64_t Views(const Chat& c);
  Draft& NewDraft(TimeMs t);
  void EmitEvent(TimeMs t, Event e);

  // --- output
  Status Flush(int day);
  Status ExportMessage(const Draft& d, const MessageEvent& m, const MediaFile* photo, bool video);
  Status WriteTruth();
  void Note(const Status& s) {
    if (!s.ok() && error_.ok()) error_ = s;
  }

  const WorldConfig& cfg_;
  const ScaleParams& sp_;
  const DynamicsParams& dp_;
  const ActionParams& ap_;
  SimSummary& summary_;
  uint64_t seed_;
  Rng rng_;   // structure
  Rng crng_;  // content
  Lexicon lex_;
  UsernameRegistry usernames_;
  MediaStore media_;
  Status error_;

  std::vector<Chat> chats_;
  std::vector<Account> accounts_;
  std::vector<Person> persons_;
  std::vector<Lineage> lineages_;
  std::vector<std::string> brands_;
  std::vector<Destination> destinations_;
  std::vector<int32_t> admin_persons_;  // by rank (Zipf weight order)
  WeightedPicker admin_picker_;
  std::vector<int32_t> network_chats_, network_accounts_;  // candidates, compacted daily
  std::vector<int32_t> benign_channels_, benign_groups_, journalists_, benign_users_, benign_bots_,
      supporters_;
  std::vector<int32_t> recent_replacements_;
  std::vector<Release> releases_;         // today's
  std::vector<int32_t> lineage_posting_;  // per lineage: its posting of the current release
  std::vector<std::pair<uint64_t, TimeMs>> recent_releases_;
  std::vector<std::pair<uint64_t, int>> viral_;  // image id, first day
  std::vector<Ad> ads_;
  std::vector<BacklogPost> backlog_;
  std::map<std::pair<TimeMs, uint64_t>, Action> schedule_;
  uint64_t act_seq_ = 0;
  std::vector<Draft> drafts_;
  std::vector<Event> others_;
  Event scratch_[2][2];  // messages being written, by (has media, is a forward): reused buffers
  uint64_t draft_seq_ = 0;
  uint64_t next_channel_id_ = 0, next_user_id_ = 0;
  uint64_t next_release_ = 1, next_viral_ = 1;
  TimeMs action_start_ = kNever;
  double hazard_factor_ = 1;  // persistence: raised from the end of the day of action
  int pending_chats_ = 0, pending_supporters_ = 0, pending_bots_ = 0, pending_admins_ = 0;
  int lookalike_method_ = 0;
  int joined_network_ = 0, joined_benign_ = 0;
  uint64_t official_emblem_ = 0;
  std::vector<Regeneration> regenerations_;
  std::vector<Regeneration> relaunches_;
  std::vector<Lookalike> lookalikes_;
  std::vector<std::unique_ptr<TelegramExportWriter>> exports_;
  std::vector<int32_t> export_chats_;
  std::FILE* events_ = nullptr;
  std::string buf_;
};

// ---------------------------------------------------------------- set-up

std::string World::NetworkLatin() {
  const auto& d = NetworkDescriptors();
  // Brands are not equally popular: the first few name most mirrors.
  const size_t b = std::min(brands_.size() - 1, static_cast<size_t>(rng_.Exponential(0.35)));
  return brands_[b] + " " + std::string(d[rng_.Below(d.size())]);
}

int32_t World::NewAccount(Role role, TimeMs created, std::string name, bool with_username,
                          int32_t person) {
  Account a;
  a.role = role;
  a.bot = role == Role::kBot || role == Role::kBenignBot;
  a.network = role == Role::kAdmin || role == Role::kSupporter || role == Role::kBot;
  a.created = created;
  a.person = person;
  if (a.bot) {
    std::string u = UsernameFrom(name);
    if (u.size() > 24) u.resize(24);
    a.username = usernames_.Claim(u + (rng_.Bernoulli(0.5) ? "_bot" : "bot"));
    if (!a.username.ends_with("bot")) a.username += "_bot";
  } else if (with_username) {
    a.username = usernames_.Claim(UsernameFrom(name));
  }
  a.name = std::move(name);
  if (next_user_id_ != 0) {
    next_user_id_ += static_cast<uint64_t>(rng_.Range(1, 400));
    a.id = next_user_id_;
    a.key = UserKey(a.id);
  }
  accounts_.push_back(std::move(a));
  return static_cast<int32_t>(accounts_.size() - 1);
}

int32_t World::NewChat(Role role, bool group, bool network, TimeMs created, std::string latin,
                       bool arabic, bool is_public) {
  Chat c;
  c.role = c.base = role;
  c.group = group;
  c.network = network;
  c.created = created;
  c.name = arabic ? LatinToArabic(latin) : latin;
  c.latin = std::move(latin);
  if (is_public) c.username = usernames_.Claim(UsernameFrom(c.latin));
  c.invite = InviteCode(rng_);
  c.avatar_base = rng_.Next();
  c.topic = static_cast<uint8_t>(rng_.Below(8));
  c.edit = static_cast<uint8_t>(1 + rng_.Below(static_cast<uint64_t>(sp_.max_edits)));
  if (next_channel_id_ != 0) {
    next_channel_id_ += static_cast<uint64_t>(rng_.Range(1, 3000));
    c.id = next_channel_id_;
    c.key = ChannelKey(c.id);
  }
  chats_.push_back(std::move(c));
  return static_cast<int32_t>(chats_.size() - 1);
}

int32_t World::PickAdminPerson(bool alive_only, TimeMs t) {
  for (int tries = 0; tries < 50; ++tries) {
    const int32_t p = admin_persons_[admin_picker_.Pick(rng_)];
    const Person& pp = persons_[static_cast<size_t>(p)];
    if (!alive_only || (pp.account >= 0 && Alive(accounts_[static_cast<size_t>(pp.account)], t))) {
      return p;
    }
  }
  for (int32_t p : admin_persons_) {
    const Person& pp = persons_[static_cast<size_t>(p)];
    if (pp.account >= 0 && Alive(accounts_[static_cast<size_t>(pp.account)], t)) return p;
  }
  return -1;
}

void World::MakeDestinations() {
  // Places the network points its audience to; most become available around the action.
  const int n = std::max(6, static_cast<int>(brands_.size()) * 2);
  for (int i = 0; i < n; ++i) {
    Destination d;
    const std::string host = ToLower(MadeUpWord(rng_, 2, 3)) + ".example";
    const std::string room = UsernameFrom(brands_[static_cast<size_t>(i) % brands_.size()] + " " +
                                          MadeUpWord(rng_, 1, 2));
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
    destinations_.push_back(std::move(d));
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
    destinations_.push_back(std::move(d));
  }
}

Status World::Init() {
  const TimeMs start = cfg_.start_ms;
  if (cfg_.action_day >= 0) action_start_ = start + cfg_.action_day * kDay;
  official_emblem_ = MixSeed(seed_, 0xe3b1e3);
  const int n_brands = std::max(5, sp_.mirrors / 25);
  for (int i = 0; i < n_brands; ++i) brands_.push_back(MadeUpWord(rng_, 2, 3));
  MakeDestinations();
  auto past = [&](double lo_days, double hi_days) {
    return Sec(start - static_cast<TimeMs>(rng_.Uniform(lo_days, hi_days) * kDay));
  };

  // Admin persons, ranked: a few of them run many chats.
  std::vector<double> weights;
  for (int i = 0; i < sp_.admins; ++i) {
    Person p;
    p.role = Role::kAdmin;
    persons_.push_back(p);
    const int32_t pi = static_cast<int32_t>(persons_.size() - 1);
    persons_.back().account =
        NewAccount(Role::kAdmin, past(30, 700), MadeUpWord(rng_) + " " + MadeUpWord(rng_),
                   rng_.Bernoulli(0.6), pi);
    admin_persons_.push_back(pi);
    weights.push_back(1.0 / std::pow(i + 1.0, dp_.admin_zipf));
  }
  admin_picker_ = WeightedPicker(weights);

  auto network_chat = [&](Role role, bool group, bool is_public, int32_t owner, std::string latin) {
    const int32_t c =
        NewChat(role, group, true, past(5, 400), std::move(latin), rng_.Bernoulli(0.25), is_public);
    Chat& ch = chats_[static_cast<size_t>(c)];
    ch.initial = true;
    ch.owner = owner;
    ch.admins.push_back(persons_[static_cast<size_t>(owner)].account);
    persons_[static_cast<size_t>(owner)].chats++;
    persons_[static_cast<size_t>(owner)].owned.push_back(c);
    if (rng_.Bernoulli(dp_.coadmin)) {
      const int32_t co = PickAdminPerson(false, start);
      if (co != owner) ch.admins.push_back(persons_[static_cast<size_t>(co)].account);
    }
    ch.subscribers =
        std::min<int64_t>(150000, static_cast<int64_t>(rng_.Pareto(60, dp_.subscribers_alpha)));
    if (group) ch.subscribers = std::min<int64_t>(ch.subscribers, 20000);
    ch.activity = std::clamp(rng_.LogNormal(1.0, 0.3), 0.4, 1.6);
    ch.reupload = std::clamp(dp_.reupload * rng_.LogNormal(0.8, 0.7), 0.02, 0.95);
    ch.next_id = static_cast<uint32_t>(rng_.Range(5, 3000));
    lineages_.push_back(Lineage{c, {}, false});
    ch.lineage = static_cast<int32_t>(lineages_.size() - 1);
    network_chats_.push_back(c);
    return c;
  };

  // The official source and the injectors that receive its releases off-platform.
  const int32_t official =
      network_chat(Role::kOfficial, false, true, admin_persons_[0], brands_[0] + " Press");
  chats_[static_cast<size_t>(official)].subscribers =
      static_cast<int64_t>(rng_.Uniform(20000, 60000));
  chats_[static_cast<size_t>(official)].reupload = 0;
  std::vector<int32_t> sources = {chats_[static_cast<size_t>(official)].lineage};
  for (int i = 0; i < sp_.injectors; ++i) {
    const int32_t owner =
        admin_persons_[static_cast<size_t>(i) % std::min<size_t>(5, admin_persons_.size())];
    const int32_t c =
        network_chat(Role::kInjector, false, rng_.Bernoulli(0.5), owner, NetworkLatin());
    chats_[static_cast<size_t>(c)].reupload = 0;
    chats_[static_cast<size_t>(c)].subscribers += 2000;
    sources.push_back(chats_[static_cast<size_t>(c)].lineage);
  }
  const size_t n_sources = sources.size();
  for (int i = 0; i < sp_.mirrors; ++i) {
    const bool group = rng_.Bernoulli(dp_.group_share);
    const int32_t c = network_chat(Role::kMirror, group, rng_.Bernoulli(dp_.public_share),
                                   PickAdminPerson(false, start), NetworkLatin());
    Chat& ch = chats_[static_cast<size_t>(c)];
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
  // Key admins: the few persons who run the most chats.
  {
    std::vector<int32_t> ranked = admin_persons_;
    std::stable_sort(ranked.begin(), ranked.end(), [&](int32_t a, int32_t b) {
      return persons_[static_cast<size_t>(a)].chats > persons_[static_cast<size_t>(b)].chats;
    });
    const size_t k = std::max<size_t>(2, static_cast<size_t>(std::ceil(sp_.admins * 0.15)));
    for (size_t i = 0; i < std::min(k, ranked.size()); ++i)
      persons_[static_cast<size_t>(ranked[i])].key = true;
  }
  // Distribution bots, owned by admins and made admins of their chats.
  std::vector<std::vector<int32_t>> chats_of(persons_.size());
  for (int32_t c : network_chats_)
    chats_of[static_cast<size_t>(chats_[static_cast<size_t>(c)].owner)].push_back(c);
  for (int i = 0; i < sp_.bots; ++i) {
    const int32_t p = PickAdminPerson(false, start);
    const int32_t b = NewAccount(
        Role::kBot, past(1, 60),
        brands_[rng_.Below(brands_.size())] + " " + MadeUpWord(rng_, 1, 2) + " Bot", true, p);
    accounts_[static_cast<size_t>(b)].creator = persons_[static_cast<size_t>(p)].account;
    persons_[static_cast<size_t>(p)].bots.push_back(b);
    const auto& mine = chats_of[static_cast<size_t>(p)];
    const int32_t c = mine.empty() ? network_chats_[rng_.Below(network_chats_.size())]
                                   : mine[rng_.Below(mine.size())];
    chats_[static_cast<size_t>(c)].bots.push_back(b);
  }
  // Supporters: the active accounts of the network's groups.
  std::vector<int32_t> group_lineages;
  std::vector<double> group_weights;
  for (int32_t c : network_chats_) {
    if (chats_[static_cast<size_t>(c)].group) {
      group_lineages.push_back(chats_[static_cast<size_t>(c)].lineage);
      group_weights.push_back(
          std::sqrt(static_cast<double>(chats_[static_cast<size_t>(c)].subscribers)));
    }
  }
  WeightedPicker group_picker(group_weights);
  for (int i = 0; i < sp_.supporters && !group_lineages.empty(); ++i) {
    Person p;
    p.role = Role::kSupporter;
    p.rate = dp_.supporter_rate / std::exp(0.32) * rng_.LogNormal(1.0, 0.8);
    persons_.push_back(p);
    const int32_t pi = static_cast<int32_t>(persons_.size() - 1);
    persons_.back().account =
        NewAccount(Role::kSupporter, past(3, 300),
                   MadeUpWord(rng_) + (rng_.Bernoulli(0.5) ? " " + MadeUpWord(rng_)
                                                           : std::to_string(rng_.Range(1, 99))),
                   rng_.Bernoulli(0.35), pi);
    const int k = static_cast<int>(rng_.Range(1, 3));
    persons_.back().want = k;
    for (int j = 0; j < k; ++j) {
      const int32_t l = group_lineages[group_picker.Pick(rng_)];
      bool dup = false;
      for (const Membership& m : persons_.back().groups) dup |= m.lineage == l;
      if (dup) continue;
      persons_.back().groups.push_back({l, lineages_[static_cast<size_t>(l)].current, start});
      lineages_[static_cast<size_t>(l)].members.push_back(pi);
    }
    supporters_.push_back(pi);
  }

  // The benign population.
  for (int i = 0; i < sp_.benign_users; ++i) {
    benign_users_.push_back(NewAccount(Role::kBenignUser, past(10, 1500),
                                       MadeUpWord(rng_) + " " + MadeUpWord(rng_),
                                       rng_.Bernoulli(0.5), -1));
  }
  auto benign_owner = [&]() { return benign_users_[rng_.Below(benign_users_.size())]; };
  for (int i = 0; i < std::max(2, sp_.benign_channels / 150); ++i) {
    benign_bots_.push_back(
        NewAccount(Role::kBenignBot, past(30, 900), MadeUpWord(rng_) + " Helper", true, -1));
  }
  for (int i = 0; i < sp_.benign_channels; ++i) {
    const double r = rng_.Uniform();
    Role role = r < 0.45 ? Role::kBenignNews : r < 0.8 ? Role::kBenignHobby : Role::kBenignBook;
    const auto& words = role == Role::kBenignNews    ? NewsWords()
                        : role == Role::kBenignHobby ? HobbyWords()
                                                     : BookWords();
    const int32_t c = NewChat(role, false, false, past(10, 1500),
                              MadeUpWord(rng_) + " " + std::string(words[rng_.Below(words.size())]),
                              rng_.Bernoulli(0.08), rng_.Bernoulli(0.7));
    Chat& ch = chats_[static_cast<size_t>(c)];
    ch.initial = true;
    ch.admins.push_back(benign_owner());
    ch.subscribers = std::min<int64_t>(400000, static_cast<int64_t>(rng_.Pareto(80, 1.05)));
    ch.rate = sp_.benign_posts_per_day * rng_.LogNormal(0.8, 0.6) *
              (role == Role::kBenignNews ? 1.4 : 0.8);
    ch.fwd_rate = ch.rate * (role == Role::kBenignNews ? 0.25 : 0.12);
    ch.next_id = static_cast<uint32_t>(rng_.Range(5, 8000));
    if (rng_.Bernoulli(0.1)) ch.bots.push_back(benign_bots_[rng_.Below(benign_bots_.size())]);
    benign_channels_.push_back(c);
  }
  for (int32_t c : benign_channels_) {
    const int k = static_cast<int>(rng_.Range(0, 4));
    for (int j = 0; j < k; ++j) {
      const int32_t f = benign_channels_[rng_.Below(benign_channels_.size())];
      if (f != c) chats_[static_cast<size_t>(c)].follows.push_back(f);
    }
  }
  for (int i = 0; i < sp_.journalists; ++i) {
    const int32_t u = NewAccount(Role::kBenignUser, past(100, 2000),
                                 MadeUpWord(rng_) + " " + MadeUpWord(rng_), true, -1);
    static constexpr std::string_view kWords[] = {"Monitor", "Research Notes", "Watch", "Analysis"};
    const int32_t c =
        NewChat(Role::kJournalist, false, false, past(100, 2000),
                MadeUpWord(rng_) + " " + std::string(kWords[rng_.Below(4)]), false, true);
    Chat& ch = chats_[static_cast<size_t>(c)];
    ch.initial = true;
    ch.admins.push_back(u);
    ch.subscribers = static_cast<int64_t>(rng_.Pareto(300, 1.3));
    ch.rate = 1.5;
    ch.next_id = static_cast<uint32_t>(rng_.Range(50, 5000));
    journalists_.push_back(c);
  }
  for (int i = 0; i < sp_.benign_groups; ++i) {
    const auto& words = HobbyWords();
    const int32_t c =
        NewChat(Role::kBenignGroup, true, false, past(10, 1500),
                MadeUpWord(rng_) + " " + std::string(words[rng_.Below(words.size())]) + " Chat",
                false, rng_.Bernoulli(0.4));
    Chat& ch = chats_[static_cast<size_t>(c)];
    ch.initial = true;
    ch.admins.push_back(benign_owner());
    ch.next_id = static_cast<uint32_t>(rng_.Range(5, 20000));
    benign_groups_.push_back(c);
  }
  if (!benign_groups_.empty()) {
    for (int32_t u : benign_users_) {
      const int k = static_cast<int>(rng_.Range(0, 2));
      for (int j = 0; j < k; ++j) {
        Chat& g = chats_[static_cast<size_t>(benign_groups_[rng_.Below(benign_groups_.size())])];
        if (std::find(g.members.begin(), g.members.end(), u) == g.members.end())
          g.members.push_back(u);
      }
    }
    for (int32_t g : benign_groups_) {
      chats_[static_cast<size_t>(g)].subscribers =
          static_cast<int64_t>(chats_[static_cast<size_t>(g)].members.size()) * 3 +
          rng_.Range(5, 200);
    }
  }

  // Later arrivals: look-alike benign channels and benign groups that move house.
  const TimeMs span = cfg_.days * kDay;
  for (int i = 0; i < sp_.lookalikes; ++i) {
    Schedule(start + static_cast<TimeMs>(rng_.Uniform() * span), Action{Act::kLookalike});
  }
  for (int i = 0; i < sp_.benign_relaunches; ++i) {
    Schedule(start + static_cast<TimeMs>(rng_.Uniform() * span), Action{Act::kRelaunch});
  }

  AssignIds();

  // The researcher's joined chats: a sample of the network and of the benign population.
  {
    std::vector<int32_t> net(network_chats_.begin(), network_chats_.end());
    std::vector<int32_t> first(
        net.begin(), net.begin() + std::min<ptrdiff_t>(3, static_cast<ptrdiff_t>(net.size())));
    std::vector<int32_t> rest(net.begin() + static_cast<ptrdiff_t>(first.size()), net.end());
    rng_.Shuffle(rest);
    for (int32_t c : first) MaybeJoinResearcher(c);
    for (int32_t c : rest) {
      if (joined_network_ >= sp_.joined_network * 2 / 3) break;
      MaybeJoinResearcher(c);
    }
    std::vector<int32_t> ben = journalists_;
    ben.resize(std::min<size_t>(ben.size(), 3));
    std::vector<int32_t> others = benign_channels_;
    rng_.Shuffle(others);
    others.resize(std::min<size_t>(others.size(), static_cast<size_t>(sp_.joined_benign)));
    ben.insert(ben.end(), others.begin(), others.end());
    if (!benign_groups_.empty()) ben.push_back(benign_groups_[0]);
    for (int32_t c : ben) {
      if (joined_benign_ >= sp_.joined_benign * 3 / 4) break;
      MaybeJoinResearcher(c);
    }
  }
  network_accounts_.clear();
  for (size_t i = 0; i < accounts_.size(); ++i) {
    if (accounts_[i].network) network_accounts_.push_back(static_cast<int32_t>(i));
  }

  // First sightings: everything that exists at the start, in id order (ids follow creation).
  std::vector<std::pair<TimeMs, std::pair<int, int32_t>>> order;
  for (size_t i = 0; i < chats_.size(); ++i)
    order.push_back({chats_[i].created, {0, static_cast<int32_t>(i)}});
  for (size_t i = 0; i < accounts_.size(); ++i)
    order.push_back({accounts_[i].created, {1, static_cast<int32_t>(i)}});
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
    const Chat& c = chats_[static_cast<size_t>(what.second)];
    for (size_t k = 0; k < c.admins.size(); ++k) {
      EmitMember(what.second, c.admins[k], start,
                 k == 0 ? MemberAction::kCreator : MemberAction::kAdmin);
    }
    for (int32_t b : c.bots) EmitMember(what.second, b, start, MemberAction::kAdmin);
    for (int32_t m : c.members) EmitMember(what.second, m, start, MemberAction::kJoin);
  }
  for (int32_t p : supporters_) {
    for (const Membership& m : persons_[static_cast<size_t>(p)].groups) {
      EmitMember(m.chat, persons_[static_cast<size_t>(p)].account, start, MemberAction::kJoin);
    }
  }
  for (const Chat& c : chats_) {
    if (c.network && c.username.empty()) {
      InviteEvent inv{"t.me/+" + c.invite, c.key, start};
      EmitEvent(start, std::move(inv));
      ++summary_.invites;
    }
  }
  return error_;
}

void World::AssignIds() {
  // Telegram's ids grow with creation time; so do these, whatever the role.
  std::vector<std::pair<TimeMs, int32_t>> cs, as;
  for (size_t i = 0; i < chats_.size(); ++i)
    cs.push_back({chats_[i].created, static_cast<int32_t>(i)});
  for (size_t i = 0; i < accounts_.size(); ++i)
    as.push_back({accounts_[i].created, static_cast<int32_t>(i)});
  std::sort(cs.begin(), cs.end());
  std::sort(as.begin(), as.end());
  next_channel_id_ = 1100000000 + static_cast<uint64_t>(rng_.Range(0, 50000000));
  for (const auto& [t, i] : cs) {
    next_channel_id_ += static_cast<uint64_t>(rng_.Range(1, 3000));
    chats_[static_cast<size_t>(i)].id = next_channel_id_;
    chats_[static_cast<size_t>(i)].key = ChannelKey(next_channel_id_);
  }
  next_user_id_ = 600000000 + static_cast<uint64_t>(rng_.Range(0, 50000000));
  for (const auto& [t, i] : as) {
    next_user_id_ += static_cast<uint64_t>(rng_.Range(1, 400));
    accounts_[static_cast<size_t>(i)].id = next_user_id_;
    accounts_[static_cast<size_t>(i)].key = UserKey(next_user_id_);
  }
}

void World::MaybeJoinResearcher(int32_t ci) {
  if (!cfg_.options.telegram_exports) return;
  Chat& c = chats_[static_cast<size_t>(ci)];
  if (c.export_slot >= 0) return;
  int& count = c.network ? joined_network_ : joined_benign_;
  const int cap = c.network ? sp_.joined_network : sp_.joined_benign;
  if (count >= cap) return;
  std::string_view type = c.group
                              ? (c.username.empty() ? "private_supergroup" : "public_supergroup")
                              : (c.username.empty() ? "private_channel" : "public_channel");
  const std::string dir = cfg_.options.out_dir + "/telegram/" + std::to_string(c.id);
  auto w = TelegramExportWriter::Open(dir, c.name, type, c.id, dp_.export_utc_offset_min);
  if (!w.ok()) {
    Note(w.status());
    return;
  }
  ++count;
  if (c.network) lineages_[static_cast<size_t>(c.lineage)].researcher = true;
  c.export_slot = static_cast<int32_t>(exports_.size());
  exports_.push_back(std::move(*w));
  export_chats_.push_back(ci);
  if (!c.initial) {
    // A chat created in the window: its export starts with the creation service message.
    Note(
        exports_.back()->AddCreate(1, c.created, c.name, "channel" + std::to_string(c.id), c.name));
  }
}

void World::EmitChat(int32_t ci, TimeMs t) {
  Chat& c = chats_[static_cast<size_t>(ci)];
  EntityEvent e;
  e.key = c.key;
  e.kind = c.group ? EntityKind::kGroup : EntityKind::kChannel;
  e.time = t;
  e.name = c.name;
  if (!c.username.empty()) e.username = c.username;
  e.created = c.created;
  if (!c.admins.empty()) e.creator = accounts_[static_cast<size_t>(c.admins[0])].key;
  e.subscribers = c.subscribers;
  if (cfg_.options.media != MediaMode::kNone) {
    auto av = MakeAvatar(c.avatar_base, c.avatar_perturb, sp_.avatar_size);
    if (av.ok()) {
      e.avatar_sha256 = av->sha256;
      e.avatar_pdq = av->pdq;
    } else {
      Note(av.status());
    }
  }
  EmitEvent(t, std::move(e));
  ++summary_.entities;
  if (c.network) ++summary_.network_entities;
}

void World::EmitAccount(int32_t ai, TimeMs t) {
  const Account& a = accounts_[static_cast<size_t>(ai)];
  EntityEvent e;
  e.key = a.key;
  e.kind = a.bot ? EntityKind::kBot : EntityKind::kUser;
  e.time = t;
  e.name = a.name;
  if (!a.username.empty()) e.username = a.username;
  e.created = a.created;
  if (a.creator >= 0) e.creator = accounts_[static_cast<size_t>(a.creator)].key;
  EmitEvent(t, std::move(e));
  ++summary_.entities;
  if (a.network) ++summary_.network_entities;
}

void World::EmitMember(int32_t chat, int32_t account, TimeMs t, MemberAction action) {
  t = Sec(t);
  MemberEvent m;
  m.chat = chats_[static_cast<size_t>(chat)].key;
  m.user = accounts_[static_cast<size_t>(account)].key;
  m.time = t;
  m.action = action;
  EmitEvent(t, std::move(m));
  ++summary_.members;
}

Draft& World::NewDraft(TimeMs t) {
  Draft& d = drafts_.emplace_back();
  d.time = t;
  d.seq = draft_seq_++;
  return d;
}

void World::EmitEvent(TimeMs t, Event e) {
  Draft& d = NewDraft(t);
  d.other = static_cast<int32_t>(others_.size());
  others_.push_back(std::move(e));
}

// ---------------------------------------------------------------- structure

double World::ChatHazard(const Chat& c) const {
  // The official channel and the injectors are harder to find, until the day of action
  // exposes them: from then on they are hunted like any mirror.
  const bool core = c.base == Role::kOfficial || c.base == Role::kInjector;
  return (core && hazard_factor_ == 1 ? dp_.hazard_core : dp_.hazard_chat) * hazard_factor_;
}

double World::AccountHazard(const Account& a) const {
  double h = a.role == Role::kBot     ? dp_.hazard_bot
             : a.role == Role::kAdmin ? dp_.hazard_admin
                                      : dp_.hazard_supporter;
  return h * hazard_factor_;
}

void World::MaybeHazardToday(TimeMs t, int32_t idx, bool account, double hazard) {
  const TimeMs day_end = (t / kDay + 1) * kDay;
  const double frac = static_cast<double>(day_end - t) / kDay;
  if (rng_.Bernoulli(1.0 - std::exp(-hazard * frac))) {
    const TimeMs when =
        t + 1 + static_cast<TimeMs>(rng_.Uniform() * static_cast<double>(day_end - t - 1));
    Schedule(when, Action{Act::kTakedown, idx, -1, account, Source::kPlatform});
  }
}

void World::HazardPass(int, TimeMs day_start, TimeMs day_end) {
  auto when = [&]() { return day_start + static_cast<TimeMs>(rng_.Uniform() * kDay); };
  // Compact the candidate lists, then draw each one's takedown for the day.
  std::erase_if(network_chats_,
                [&](int32_t c) { return chats_[static_cast<size_t>(c)].down != kNever; });
  std::erase_if(network_accounts_,
                [&](int32_t a) { return accounts_[static_cast<size_t>(a)].down != kNever; });
  for (int32_t c : network_chats_) {
    const Chat& ch = chats_[static_cast<size_t>(c)];
    if (ch.created >= day_start) continue;
    if (rng_.Bernoulli(1.0 - std::exp(-ChatHazard(ch)))) {
      Schedule(when(), Action{Act::kTakedown, c, -1, false, Source::kPlatform});
    }
  }
  for (int32_t a : network_accounts_) {
    const Account& ac = accounts_[static_cast<size_t>(a)];
    if (ac.created >= day_start) continue;
    if (rng_.Bernoulli(1.0 - std::exp(-AccountHazard(ac)))) {
      Schedule(when(), Action{Act::kTakedown, a, -1, true, Source::kPlatform});
    }
  }
  for (int32_t c : journalists_) {
    const Chat& ch = chats_[static_cast<size_t>(c)];
    if (ch.down == kNever && rng_.Bernoulli(dp_.hazard_journalist_error)) {
      Schedule(when(), Action{Act::kTakedown, c, -1, false, Source::kUserReport});
    }
  }
  (void)day_end;
}

void World::ActionPass(int day, TimeMs day_start) {
  const int k = day - cfg_.action_day;
  if (!ap_.enabled || cfg_.action_day < 0 || k < 0 || k > 1) return;
  auto when = [&]() { return day_start + static_cast<TimeMs>(rng_.Uniform(7, 21) * kHour); };
  for (int32_t c : network_chats_) {
    const Chat& ch = chats_[static_cast<size_t>(c)];
    if (ch.down != kNever || ch.created >= day_start) continue;
    if (rng_.Bernoulli(ap_.chats[k]))
      Schedule(when(), Action{Act::kTakedown, c, -1, false, Source::kReferral});
  }
  for (int32_t a : network_accounts_) {
    const Account& ac = accounts_[static_cast<size_t>(a)];
    if (ac.down != kNever || ac.created >= day_start) continue;
    double p = ap_.supporters[k];
    if (ac.role == Role::kBot) p = ap_.bots[k];
    if (ac.role == Role::kAdmin) {
      p = persons_[static_cast<size_t>(ac.person)].key ? ap_.key_admins[k] : ap_.admins[k];
    }
    if (rng_.Bernoulli(p)) Schedule(when(), Action{Act::kTakedown, a, -1, true, Source::kReferral});
  }
}

void World::TopUp(TimeMs day_start, TimeMs day_end) {
  // Newcomers refill part of each population's deficit: recruits, new mirrors, new bots.
  const double level = AfterAction(day_start) ? ap_.recovery : 1.0;
  int chats = 0, bots = 0, supporters = 0, admins = 0;
  for (int32_t c : network_chats_) chats += Active(chats_[static_cast<size_t>(c)], day_start);
  for (int32_t a : network_accounts_) {
    const Account& ac = accounts_[static_cast<size_t>(a)];
    if (ac.down != kNever) continue;
    bots += ac.role == Role::kBot;
    supporters += ac.role == Role::kSupporter;
    admins += ac.role == Role::kAdmin;
  }
  auto refill = [&](int target, int alive, int pending, Act kind) {
    const double deficit = level * target - alive - pending;
    if (deficit <= 0) return;
    const int64_t n = rng_.Poisson(deficit * dp_.topup);
    for (int64_t i = 0; i < n; ++i) {
      Schedule(day_start +
                   static_cast<TimeMs>(rng_.Uniform() * static_cast<double>(day_end - day_start)),
               Action{kind});
    }
  };
  refill(sp_.mirrors + sp_.injectors + 1, chats, pending_chats_, Act::kNewMirror);
  refill(sp_.bots, bots, pending_bots_, Act::kNewBot);
  refill(sp_.supporters, supporters, pending_supporters_, Act::kNewSupporter);
  refill(sp_.admins, admins, pending_admins_, Act::kNewAdmin);
}

void World::Rehome(TimeMs day_start, TimeMs day_end) {
  // Supporters whose groups are all gone find another group that is up, through the adverts
  // and invite links that circulate.
  std::vector<int32_t> groups;
  for (int32_t c : network_chats_) {
    const Chat& ch = chats_[static_cast<size_t>(c)];
    if (ch.group && ch.down == kNever && ch.created < day_start) groups.push_back(c);
  }
  if (groups.empty()) return;
  for (int32_t pi : supporters_) {
    Person& p = persons_[static_cast<size_t>(pi)];
    if (p.account < 0 || accounts_[static_cast<size_t>(p.account)].down != kNever) continue;
    int housed = 0;
    for (const Membership& m : p.groups) {
      const int32_t cur = lineages_[static_cast<size_t>(m.lineage)].current;
      housed += cur >= 0 && chats_[static_cast<size_t>(cur)].down == kNever;
    }
    if (housed >= p.want || !rng_.Bernoulli(dp_.rehome)) continue;
    const int32_t c = groups[rng_.Below(groups.size())];
    const int32_t l = chats_[static_cast<size_t>(c)].lineage;
    std::erase_if(p.groups, [&](const Membership& m) {
      const int32_t cur = lineages_[static_cast<size_t>(m.lineage)].current;
      return m.lineage == l || cur < 0 || chats_[static_cast<size_t>(cur)].down != kNever;
    });
    p.groups.push_back({l, -1, 0});
    lineages_[static_cast<size_t>(l)].members.push_back(pi);
    Schedule(
        day_start + static_cast<TimeMs>(rng_.Uniform() * static_cast<double>(day_end - day_start)),
        Action{Act::kJoin, pi, c});
  }
}

void World::StructurePass(int day) {
  const TimeMs day_start = cfg_.start_ms + day * kDay, day_end = day_start + kDay;
  if (cfg_.action_day >= 0 && day >= cfg_.action_day + 2) hazard_factor_ = ap_.after_hazard;
  HazardPass(day, day_start, day_end);
  ActionPass(day, day_start);
  TopUp(day_start, day_end);
  Rehome(day_start, day_end);
  while (!schedule_.empty() && schedule_.begin()->first.first < day_end) {
    const TimeMs t = schedule_.begin()->first.first;
    const Action a = schedule_.begin()->second;
    schedule_.erase(schedule_.begin());
    Execute(std::max(t, day_start), a);
  }
}

void World::Execute(TimeMs t, const Action& a) {
  switch (a.kind) {
    case Act::kTakedown:
      TakeDown(t, a.a, a.account, a.source);
      break;
    case Act::kReplace:
      --pending_chats_;
      CreateReplacement(a.a, t);
      break;
    case Act::kRegenAccount:
      RegenAccount(a.a, t);
      break;
    case Act::kNewBot:
      if (a.a >= 0) --pending_bots_;
      CreateBot(a.a >= 0 ? a.a : PickAdminPerson(true, t), a.b, t);
      break;
    case Act::kReinstate: {
      Chat& c = chats_[static_cast<size_t>(a.a)];
      if (c.down == kNever) break;
      c.down = kNever;
      ReinstateEvent r{c.key, t, "appeal_upheld"};
      EmitEvent(t, std::move(r));
      ++summary_.reinstatements;
      break;
    }
    case Act::kNewMirror:
      CreateMirror(t);
      break;
    case Act::kNewSupporter:
      CreateSupporter(t);
      break;
    case Act::kNewAdmin:
      CreateAdmin(t);
      break;
    case Act::kLookalike:
      CreateLookalike(t);
      break;
    case Act::kRelaunch:
      CreateRelaunch(t);
      break;
    case Act::kJoin: {
      Person& p = persons_[static_cast<size_t>(a.a)];
      for (size_t k = 0; k < p.groups.size(); ++k) {
        if (p.groups[k].lineage == chats_[static_cast<size_t>(a.b)].lineage)
          JoinGroup(a.a, k, a.b, t);
      }
      break;
    }
  }
}

void World::JoinGroup(int32_t pi, size_t k, int32_t chat, TimeMs t) {
  Person& p = persons_[static_cast<size_t>(pi)];
  if (p.account < 0) return;
  const Account& acc = accounts_[static_cast<size_t>(p.account)];
  const Chat& c = chats_[static_cast<size_t>(chat)];
  if (!Alive(acc, t) || !Alive(c, t)) return;
  if (p.groups[k].chat == chat && p.groups[k].joined >= acc.created) return;
  p.groups[k].chat = chat;
  p.groups[k].joined = t;
  EmitMember(chat, p.account, t, MemberAction::kJoin);
}

void World::TakeDown(TimeMs t, int32_t idx, bool account, Source source) {
  static constexpr std::string_view kSources[] = {"platform", "referral", "user_report"};
  TakedownEvent e;
  e.time = t;
  e.source = std::string(kSources[static_cast<int>(source)]);
  if (account) {
    Account& a = accounts_[static_cast<size_t>(idx)];
    if (a.down != kNever || t < a.created) return;
    a.down = t;
    e.entity = a.key;
    e.reason = a.bot ? "terrorist_bot" : "terrorist_account";
    if (a.parent >= 0 && source == Source::kPlatform && rng_.Bernoulli(0.5))
      e.reason = "ban_evasion";
    EmitEvent(t, std::move(e));
    ++summary_.takedowns;
    ScheduleAccountRegen(idx, t);
    return;
  }
  Chat& c = chats_[static_cast<size_t>(idx)];
  if (c.down != kNever || t < c.created) return;
  c.down = t;
  e.entity = c.key;
  e.reason = "terrorist_content";
  if (c.parent >= 0 && c.network && source == Source::kPlatform && rng_.Bernoulli(0.5)) {
    e.reason = "ban_evasion";
  }
  EmitEvent(t, std::move(e));
  ++summary_.takedowns;
  if (c.role == Role::kJournalist) {
    // A mistake: the journalist appeals and is reinstated within days.
    Schedule(t + static_cast<TimeMs>(rng_.Uniform(0.5, 4) * kDay), Action{Act::kReinstate, idx});
    return;
  }
  if (c.network) ScheduleChatRegen(idx, t);
}

void World::ScheduleChatRegen(int32_t ci, TimeMs t) {
  const Chat& c = chats_[static_cast<size_t>(ci)];
  const double p = dp_.regen_chat * (AfterAction(t) ? ap_.after_regen : 1.0);
  if (!rng_.Bernoulli(p)) return;
  const TimeMs delay = std::clamp<TimeMs>(
      static_cast<TimeMs>(rng_.LogNormal(dp_.regen_delay_hours, dp_.regen_delay_sigma) * kHour),
      30 * kMinute, 4 * kDay);
  ++pending_chats_;
  Schedule(t + delay, Action{Act::kReplace, ci});
  (void)c;
}

void World::ScheduleAccountRegen(int32_t ai, TimeMs t) {
  const Account& a = accounts_[static_cast<size_t>(ai)];
  const double f = AfterAction(t) ? ap_.after_regen : 1.0;
  if (a.role == Role::kBot) {
    Person& owner = persons_[static_cast<size_t>(a.person)];
    std::erase(owner.bots, ai);
    if (!rng_.Bernoulli(dp_.regen_bot * f)) return;
    ++pending_bots_;
    const TimeMs delay = static_cast<TimeMs>(rng_.LogNormal(8, 0.8) * kHour);
    Schedule(t + delay, Action{Act::kNewBot, a.person, ai});
    return;
  }
  Person& p = persons_[static_cast<size_t>(a.person)];
  if (p.account != ai) return;
  const double base = a.role == Role::kAdmin ? dp_.regen_admin : dp_.regen_supporter;
  if (!rng_.Bernoulli(base * f)) return;
  const TimeMs delay = std::clamp<TimeMs>(
      static_cast<TimeMs>(rng_.LogNormal(dp_.account_delay_hours, dp_.regen_delay_sigma) * kHour),
      20 * kMinute, 6 * kDay);
  p.pending = t + delay;
  (a.role == Role::kAdmin ? pending_admins_ : pending_supporters_)++;
  Schedule(t + delay, Action{Act::kRegenAccount, a.person, ai});
}

void World::RegenAccount(int32_t pi, TimeMs t) {
  Person& p = persons_[static_cast<size_t>(pi)];
  (p.role == Role::kAdmin ? pending_admins_ : pending_supporters_)--;
  p.pending = kNever;
  const int32_t old = p.account;
  const Account& o = accounts_[static_cast<size_t>(old)];
  static constexpr NamingMethod kAccountMethods[] = {
      NamingMethod::kNumbering, NamingMethod::kHomoglyph, NamingMethod::kEmoji,
      NamingMethod::kSeparator, NamingMethod::kUnrelated};
  const NamingMethod m = kAccountMethods[rng_.Below(5)];
  const std::string fresh = MadeUpWord(rng_) + " " + MadeUpWord(rng_);
  NameVariant v =
      VariantName(rng_, m, o.name, o.name, o.username, 1 + static_cast<int>(rng_.Below(5)), fresh);
  const bool had_username = !o.username.empty();
  const int32_t a = NewAccount(p.role, t, v.name, false, pi);
  if (had_username)
    accounts_[static_cast<size_t>(a)].username =
        usernames_.Claim(v.username.empty() ? UsernameFrom(v.latin) : v.username);
  accounts_[static_cast<size_t>(a)].parent = old;
  p.account = a;
  network_accounts_.push_back(a);
  EmitAccount(a, t);
  regenerations_.push_back({a, old, true, m, "", ""});
  ++summary_.regenerations;
  MaybeHazardToday(t, a, true, AccountHazard(accounts_[static_cast<size_t>(a)]));
  // A supporter's new account finds its groups again.
  for (size_t k = 0; k < p.groups.size(); ++k) {
    const int32_t cur = lineages_[static_cast<size_t>(p.groups[k].lineage)].current;
    if (cur >= 0 && Alive(chats_[static_cast<size_t>(cur)], t)) {
      Schedule(t + static_cast<TimeMs>(rng_.LogNormal(2, 1) * kHour), Action{Act::kJoin, pi, cur});
    }
  }
}

void World::CreateBot(int32_t pi, int32_t parent, TimeMs t) {
  if (pi < 0) return;
  Person& p = persons_[static_cast<size_t>(pi)];
  if (p.account < 0 || !Alive(accounts_[static_cast<size_t>(p.account)], t)) {
    if (p.pending != kNever && parent >= 0) {
      ++pending_bots_;
      Schedule(p.pending + static_cast<TimeMs>(rng_.Uniform(0.2, 6) * kHour),
               Action{Act::kNewBot, pi, parent});
    }
    return;
  }
  std::string name;
  if (parent >= 0) {
    const Account& pb = accounts_[static_cast<size_t>(parent)];
    name = pb.name;
    const size_t sp = name.rfind(" Bot");
    if (sp != std::string::npos) name.resize(sp);
    name += " " + std::to_string(rng_.Range(2, 40)) + " Bot";
  } else {
    name = brands_[rng_.Below(brands_.size())] + " " + MadeUpWord(rng_, 1, 2) + " Bot";
  }
  const int32_t b = NewAccount(Role::kBot, t, name, true, pi);
  accounts_[static_cast<size_t>(b)].creator = p.account;
  accounts_[static_cast<size_t>(b)].parent = parent;
  p.bots.push_back(b);
  network_accounts_.push_back(b);
  EmitAccount(b, t);
  if (parent >= 0) {
    regenerations_.push_back({b, parent, true, NamingMethod::kNumbering, "", ""});
    ++summary_.regenerations;
  }
  // Made admin of one or two of its owner's chats that are up.
  std::vector<int32_t> mine;
  std::erase_if(p.owned, [&](int32_t c) { return chats_[static_cast<size_t>(c)].down <= t; });
  for (int32_t c : p.owned) {
    if (Alive(chats_[static_cast<size_t>(c)], t)) mine.push_back(c);
  }
  for (int k = 0; k < 2 && !mine.empty(); ++k) {
    const int32_t c = mine[rng_.Below(mine.size())];
    auto& bots = chats_[static_cast<size_t>(c)].bots;
    if (std::find(bots.begin(), bots.end(), b) != bots.end()) continue;
    bots.push_back(b);
    EmitMember(c, b, t + kSecond, MemberAction::kAdmin);
  }
  MaybeHazardToday(t, b, true, AccountHazard(accounts_[static_cast<size_t>(b)]));
}

void World::CreateReplacement(int32_t parent, TimeMs t) {
  const Chat& pc = chats_[static_cast<size_t>(parent)];
  // Whoever runs it now: the owner's current account, or a co-admin still up.
  int32_t pi = pc.owner;
  Person* p = &persons_[static_cast<size_t>(pi)];
  int32_t acc = p->account;
  if (acc < 0 || !Alive(accounts_[static_cast<size_t>(acc)], t)) {
    if (p->pending != kNever) {
      ++pending_chats_;
      Schedule(p->pending + static_cast<TimeMs>(rng_.Uniform(0.2, 8) * kHour),
               Action{Act::kReplace, parent});
      return;
    }
    acc = -1;
    for (int32_t a : pc.admins) {
      if (Alive(accounts_[static_cast<size_t>(a)], t)) {
        acc = a;
        pi = accounts_[static_cast<size_t>(a)].person;
        break;
      }
    }
    if (acc < 0) return;
  }
  // The lineage moved on already (a replacement exists and is up): nothing to do.
  Lineage& lin = lineages_[static_cast<size_t>(pc.lineage)];
  if (lin.current != parent && Alive(chats_[static_cast<size_t>(lin.current)], t)) return;

  static constexpr double kMethodWeights[kNamingMethods] = {0.28, 0.16, 0.16, 0.16, 0.14, 0.10};
  static const WeightedPicker kMethods(
      std::vector<double>(kMethodWeights, kMethodWeights + kNamingMethods));
  const NamingMethod m = static_cast<NamingMethod>(kMethods.Pick(rng_));
  const std::string fresh = NetworkLatin();
  NameVariant v = VariantName(rng_, m, pc.name, pc.latin, pc.username, pc.generation + 1, fresh);
  const bool is_public = !pc.username.empty() && rng_.Bernoulli(0.7);
  const int32_t ci = NewChat(Role::kReplacement, pc.group, true, t, v.latin, false, false);
  Chat& c = chats_[static_cast<size_t>(ci)];
  const Chat& par = chats_[static_cast<size_t>(parent)];  // re-read: chats_ may have grown
  c.name = v.name;
  if (is_public)
    c.username = usernames_.Claim(v.username.empty() ? UsernameFrom(v.latin) : v.username);
  c.base = par.base;
  c.parent = parent;
  c.lineage = par.lineage;
  c.generation = par.generation + 1;
  c.owner = pi;
  c.admins.push_back(acc);
  c.upstream = par.upstream;
  c.subscribers =
      std::max<int64_t>(5, static_cast<int64_t>(par.subscribers * rng_.Uniform(0.05, 0.35)));
  c.activity = par.activity;
  c.reupload = par.reupload;
  c.edit = par.edit;
  c.topic = par.topic;
  c.next_id = 1;  // the creation service message
  std::string avatar = "perturbed";
  if (m == NamingMethod::kUnrelated && rng_.Bernoulli(0.5)) {
    avatar = "new";
  } else {
    c.avatar_base = par.avatar_base;
    c.avatar_perturb = rng_.Next() | 1;
  }
  const std::vector<PostRef> parent_recent = par.recent;
  const uint32_t parent_pos = par.recent_pos;
  const bool same_admin = !par.admins.empty() && par.admins[0] == acc;
  lineages_[static_cast<size_t>(c.lineage)].current = ci;
  network_chats_.push_back(ci);
  EmitChat(ci, t);
  EmitMember(ci, acc, t, MemberAction::kCreator);
  InviteEvent inv{"t.me/+" + c.invite, c.key, t};
  EmitEvent(t, std::move(inv));
  ++summary_.invites;
  regenerations_.push_back({ci, parent, false, m, same_admin ? "same" : "regenerated", avatar});
  ++summary_.regenerations;
  persons_[static_cast<size_t>(pi)].chats++;
  persons_[static_cast<size_t>(pi)].owned.push_back(ci);
  // Its owner's bots that are up become its admins.
  for (int32_t b : persons_[static_cast<size_t>(pi)].bots) {
    if (Alive(accounts_[static_cast<size_t>(b)], t) &&
        chats_[static_cast<size_t>(ci)].bots.size() < 2) {
      chats_[static_cast<size_t>(ci)].bots.push_back(b);
      EmitMember(ci, b, t + kSecond, MemberAction::kAdmin);
    }
  }
  if (lineages_[static_cast<size_t>(c.lineage)].researcher && rng_.Bernoulli(0.7))
    MaybeJoinResearcher(ci);
  // Group members follow the invite link, some of them.
  if (chats_[static_cast<size_t>(ci)].group) {
    Lineage& l = lineages_[static_cast<size_t>(chats_[static_cast<size_t>(ci)].lineage)];
    std::vector<int32_t> kept;
    for (int32_t m2 : l.members) {
      if (rng_.Bernoulli(dp_.follow)) {
        kept.push_back(m2);
        Schedule(t + static_cast<TimeMs>(rng_.LogNormal(3, 1) * kHour), Action{Act::kJoin, m2, ci});
      } else {
        std::erase_if(persons_[static_cast<size_t>(m2)].groups, [&](const Membership& mm) {
          return mm.lineage == chats_[static_cast<size_t>(ci)].lineage;
        });
      }
    }
    l.members = std::move(kept);
  }
  // Adverts by survivors, and the parent's backlog reposted.
  const int64_t n_ads = 1 + rng_.Poisson(dp_.ads_per_replacement - 1);
  std::vector<int32_t> siblings;
  for (int32_t s : persons_[static_cast<size_t>(pi)].owned) {
    if (s != ci && chats_[static_cast<size_t>(s)].down == kNever) siblings.push_back(s);
  }
  for (int64_t i = 0; i < n_ads; ++i) {
    const TimeMs at = t + std::clamp<TimeMs>(static_cast<TimeMs>(rng_.LogNormal(2.5, 1) * kHour),
                                             5 * kMinute, 36 * kHour);
    const int32_t poster =
        !siblings.empty() && rng_.Bernoulli(0.6) ? siblings[rng_.Below(siblings.size())] : -1;
    ads_.push_back({at, ci, poster});
  }
  recent_replacements_.push_back(ci);
  TimeMs at = t + 2 * kMinute;
  const size_t n = parent_recent.size();
  for (size_t i = 0; i < n; ++i) {
    const PostRef& r = parent_recent[(parent_pos + i) % n];
    at += static_cast<TimeMs>(rng_.Uniform(15, 120) * kSecond);
    backlog_.push_back({at, ci, r.content});
  }
  MaybeHazardToday(t, ci, false, ChatHazard(chats_[static_cast<size_t>(ci)]));
}

void World::CreateMirror(TimeMs t) {
  const int32_t pi = PickAdminPerson(true, t);
  if (pi < 0) return;
  const bool group = rng_.Bernoulli(dp_.group_share);
  const int32_t ci = NewChat(Role::kMirror, group, true, t, NetworkLatin(), rng_.Bernoulli(0.25),
                             rng_.Bernoulli(dp_.public_share));
  Chat& c = chats_[static_cast<size_t>(ci)];
  c.owner = pi;
  c.admins.push_back(persons_[static_cast<size_t>(pi)].account);
  c.subscribers =
      std::min<int64_t>(20000, static_cast<int64_t>(rng_.Pareto(30, dp_.subscribers_alpha)));
  c.activity = std::clamp(rng_.LogNormal(1.0, 0.3), 0.4, 1.6);
  c.reupload = std::clamp(dp_.reupload * rng_.LogNormal(0.8, 0.7), 0.02, 0.95);
  c.next_id = 1;
  // Upstream: sources that are up now.
  for (int tries = 0; tries < 6 && c.upstream.size() < 2 && !network_chats_.empty(); ++tries) {
    const int32_t s = network_chats_[rng_.Below(network_chats_.size())];
    const Chat& sc = chats_[static_cast<size_t>(s)];
    if (!sc.group && sc.down == kNever && sc.lineage >= 0 &&
        std::find(c.upstream.begin(), c.upstream.end(), sc.lineage) == c.upstream.end()) {
      chats_[static_cast<size_t>(ci)].upstream.push_back(sc.lineage);
    }
  }
  lineages_.push_back(Lineage{ci, {}, false});
  chats_[static_cast<size_t>(ci)].lineage = static_cast<int32_t>(lineages_.size() - 1);
  persons_[static_cast<size_t>(pi)].chats++;
  persons_[static_cast<size_t>(pi)].owned.push_back(ci);
  network_chats_.push_back(ci);
  EmitChat(ci, t);
  EmitMember(ci, chats_[static_cast<size_t>(ci)].admins[0], t, MemberAction::kCreator);
  if (chats_[static_cast<size_t>(ci)].username.empty()) {
    InviteEvent inv{"t.me/+" + chats_[static_cast<size_t>(ci)].invite,
                    chats_[static_cast<size_t>(ci)].key, t};
    EmitEvent(t, std::move(inv));
    ++summary_.invites;
  }
  MaybeHazardToday(t, ci, false, ChatHazard(chats_[static_cast<size_t>(ci)]));
}

void World::CreateSupporter(TimeMs t) {
  std::vector<int32_t> groups;
  for (int tries = 0; tries < 20 && groups.size() < 2 && !network_chats_.empty(); ++tries) {
    const int32_t c = network_chats_[rng_.Below(network_chats_.size())];
    const Chat& ch = chats_[static_cast<size_t>(c)];
    if (ch.group && Alive(ch, t) && std::find(groups.begin(), groups.end(), c) == groups.end())
      groups.push_back(c);
  }
  if (groups.empty()) return;
  Person p;
  p.role = Role::kSupporter;
  p.rate = dp_.supporter_rate / std::exp(0.32) * rng_.LogNormal(1.0, 0.8);
  persons_.push_back(p);
  const int32_t pi = static_cast<int32_t>(persons_.size() - 1);
  const int32_t a =
      NewAccount(Role::kSupporter, t, MadeUpWord(rng_) + std::to_string(rng_.Range(1, 999)),
                 rng_.Bernoulli(0.35), pi);
  persons_[static_cast<size_t>(pi)].account = a;
  persons_[static_cast<size_t>(pi)].want = static_cast<int32_t>(groups.size());
  network_accounts_.push_back(a);
  supporters_.push_back(pi);
  EmitAccount(a, t);
  for (int32_t c : groups) {
    const int32_t l = chats_[static_cast<size_t>(c)].lineage;
    persons_[static_cast<size_t>(pi)].groups.push_back({l, -1, 0});
    lineages_[static_cast<size_t>(l)].members.push_back(pi);
    Schedule(t + static_cast<TimeMs>(rng_.Uniform(1, 120) * kMinute), Action{Act::kJoin, pi, c});
  }
  MaybeHazardToday(t, a, true, AccountHazard(accounts_[static_cast<size_t>(a)]));
}

void World::CreateAdmin(TimeMs t) {
  Person p;
  p.role = Role::kAdmin;
  persons_.push_back(p);
  const int32_t pi = static_cast<int32_t>(persons_.size() - 1);
  const int32_t a = NewAccount(Role::kAdmin, t, MadeUpWord(rng_) + " " + MadeUpWord(rng_),
                               rng_.Bernoulli(0.6), pi);
  persons_[static_cast<size_t>(pi)].account = a;
  network_accounts_.push_back(a);
  EmitAccount(a, t);
  // Newcomers join the admin pool at the tail of the ranking.
  admin_persons_.push_back(pi);
  std::vector<double> w;
  for (size_t i = 0; i < admin_persons_.size(); ++i)
    w.push_back(1.0 / std::pow(i + 1.0, dp_.admin_zipf));
  admin_picker_ = WeightedPicker(w);
  MaybeHazardToday(t, a, true, AccountHazard(accounts_[static_cast<size_t>(a)]));
}

void World::CreateLookalike(TimeMs t) {
  // A benign channel whose name resembles a network chat's: every naming method in turn.
  std::vector<int32_t> net;
  for (int tries = 0; tries < 10 && net.empty(); ++tries) {
    const int32_t c = static_cast<int32_t>(rng_.Below(chats_.size()));
    if (chats_[static_cast<size_t>(c)].network) net.push_back(c);
  }
  if (net.empty() || benign_users_.empty()) return;
  const Chat& like = chats_[static_cast<size_t>(net[0])];
  const int method = lookalike_method_++ % kNamingMethods;
  NameVariant v;
  std::string method_name;
  if (method == static_cast<int>(NamingMethod::kUnrelated)) {
    // Shares the brand word and nothing else.
    const std::string stem = like.latin.substr(0, like.latin.find(' '));
    const auto& words = HobbyWords();
    v.latin = v.name = stem + " " + std::string(words[rng_.Below(words.size())]);
    v.username = UsernameFrom(v.latin);
    method_name = "shared_word";
  } else {
    v = VariantName(rng_, static_cast<NamingMethod>(method), like.name, like.latin,
                    like.username.empty() ? UsernameFrom(like.latin) : like.username,
                    static_cast<int>(rng_.Range(1, 5)), "");
    method_name = std::string(NamingMethodName(static_cast<NamingMethod>(method)));
  }
  const int32_t ci = NewChat(Role::kLookalike, false, false, t, v.latin, false, false);
  Chat& c = chats_[static_cast<size_t>(ci)];
  c.name = v.name;
  if (rng_.Bernoulli(0.7))
    c.username = usernames_.Claim(v.username.empty() ? UsernameFrom(v.latin) : v.username);
  c.admins.push_back(benign_users_[rng_.Below(benign_users_.size())]);
  c.subscribers = static_cast<int64_t>(rng_.Pareto(20, 1.2));
  c.rate = sp_.benign_posts_per_day * rng_.LogNormal(0.8, 0.6);
  c.fwd_rate = c.rate * 0.15;
  c.next_id = 1;
  const int k = static_cast<int>(rng_.Range(0, 3));
  for (int j = 0; j < k && !benign_channels_.empty(); ++j) {
    c.follows.push_back(benign_channels_[rng_.Below(benign_channels_.size())]);
  }
  lookalikes_.push_back({ci, net[0], method_name});
  benign_channels_.push_back(ci);
  EmitChat(ci, t);
  EmitMember(ci, chats_[static_cast<size_t>(ci)].admins[0], t, MemberAction::kCreator);
  if (joined_benign_ < sp_.joined_benign && rng_.Bernoulli(0.5)) MaybeJoinResearcher(ci);
}

void World::CreateRelaunch(TimeMs t) {
  // A benign group moves to a new group and says so with an invite link; the old one stays.
  std::vector<int32_t> cands;
  for (int32_t g : benign_groups_) {
    const Chat& c = chats_[static_cast<size_t>(g)];
    if (Alive(c, t) && c.members.size() >= 3) cands.push_back(g);
  }
  if (cands.empty()) return;
  const int32_t parent = cands[rng_.Below(cands.size())];
  static constexpr NamingMethod kBenignMethods[] = {NamingMethod::kNumbering, NamingMethod::kEmoji,
                                                    NamingMethod::kSeparator};
  const NamingMethod m = kBenignMethods[rng_.Below(3)];
  const Chat& pc = chats_[static_cast<size_t>(parent)];
  NameVariant v = VariantName(rng_, m, pc.name, pc.latin, pc.username, 1, "");
  const int32_t ci = NewChat(Role::kBenignRelaunch, true, false, t, v.latin, false, false);
  Chat& c = chats_[static_cast<size_t>(ci)];
  const Chat& par = chats_[static_cast<size_t>(parent)];
  c.name = v.name;
  c.admins.push_back(par.admins[0]);
  c.next_id = 1;
  c.avatar_base = par.avatar_base;
  c.avatar_perturb = rng_.Next() | 1;
  c.subscribers = par.subscribers / 2 + 3;
  std::vector<int32_t> moved;
  for (int32_t u : par.members) {
    if (rng_.Bernoulli(0.6)) moved.push_back(u);
  }
  c.members = moved;
  benign_groups_.push_back(ci);
  relaunches_.push_back({ci, parent, false, m, "same", "perturbed"});
  EmitChat(ci, t);
  EmitMember(ci, chats_[static_cast<size_t>(ci)].admins[0], t, MemberAction::kCreator);
  InviteEvent inv{"t.me/+" + chats_[static_cast<size_t>(ci)].invite,
                  chats_[static_cast<size_t>(ci)].key, t};
  EmitEvent(t, std::move(inv));
  ++summary_.invites;
  for (int32_t u : moved) {
    EmitMember(ci, u, t + static_cast<TimeMs>(rng_.Uniform(1, 600) * kMinute), MemberAction::kJoin);
  }
  // The old group announces the move; it quiets down afterwards.
  ads_.push_back({t + 10 * kMinute, ci, parent});
  chats_[static_cast<size_t>(parent)].rate = -1;  // marks "moved": chatter drops
}

// ---------------------------------------------------------------- content

TimeMs World::TimeIn(TimeMs a, TimeMs b) {
  if (b <= a) return -1;
  for (int tries = 0; tries < 32; ++tries) {
    const TimeMs t = a + static_cast<TimeMs>(crng_.Uniform() * static_cast<double>(b - a));
    const int hour = static_cast<int>((t % kDay) / kHour);
    if (crng_.Uniform() * 3.3 < kHourWeight[hour]) return t;
  }
  return a + static_cast<TimeMs>(crng_.Uniform() * static_cast<double>(b - a));
}

bool World::Active(const Chat& c, TimeMs t) const {
  if (!Alive(c, t)) return false;
  if (c.group) return true;
  for (int32_t a : c.admins) {
    if (Alive(accounts_[static_cast<size_t>(a)], t)) return true;
  }
  return false;
}

int32_t World::Poster(const Chat& c, TimeMs t) {
  for (int32_t a : c.admins) {
    if (Alive(accounts_[static_cast<size_t>(a)], t)) return a;
  }
  for (int32_t b : c.bots) {
    if (Alive(accounts_[static_cast<size_t>(b)], t)) return b;
  }
  return -1;
}

int64_t World::Views(const Chat& c) {
  if (c.group) return -1;
  return 1 + static_cast<int64_t>(static_cast<double>(c.subscribers) * crng_.Uniform(0.15, 0.7));
}

void World::ReleaseText(uint64_t release, uint64_t decoration, std::string& s) {
  Rng r(MixSeed(seed_, release, 0x7e1));
  std::string prefix, suffix;
  if (decoration != 0) {
    Rng d(decoration);
    const auto& e = NeutralEmoji();
    switch (d.Below(4)) {
      case 0:
        prefix = std::string(e[d.Below(e.size())]) + " ";
        break;
      case 1:
        suffix = "\n\n#" + lex_.Word(d.Below(200));
        break;
      case 2:
        suffix = " " + std::string(e[d.Below(e.size())]);
        break;
      default:
        break;
    }
  }
  s += prefix;
  s += "\u300c";
  s += lex_.Sentence(r, static_cast<int>(r.Range(2, 4)), 3);
  s += "\u300d ";
  s += lex_.Sentence(r, static_cast<int>(r.Range(10, 40)), 3);
  s += ".";
  s += suffix;
}

void World::ContentText(const Content& c, std::string& s, std::vector<std::string>& links) {
  Rng r(c.seed);
  switch (c.kind) {
    case CKind::kText:
      s += lex_.Sentence(r, static_cast<int>(r.Range(3, 16)), c.topic);
      return;
    case CKind::kRelease:
      ReleaseText(c.item, c.seed, s);
      return;
    case CKind::kPhoto:
    case CKind::kViral:
      if (!r.Bernoulli(0.4)) s += lex_.Sentence(r, static_cast<int>(r.Range(2, 9)), c.topic);
      return;
    case CKind::kAd:
    case CKind::kInvite: {
      const Chat& target = chats_[static_cast<size_t>(c.item)];
      std::string link;
      if (!target.username.empty() && r.Bernoulli(0.5)) {
        link = "https://t.me/" + target.username;
      } else {
        link = (r.Bernoulli(0.7) ? "https://t.me/+" : "t.me/+") + target.invite;
      }
      s += lex_.Sentence(r, static_cast<int>(r.Range(2, 7)), c.topic);
      s += " " + link;
      if (r.Bernoulli(0.5)) s += " " + lex_.Sentence(r, static_cast<int>(r.Range(1, 4)), c.topic);
      links.push_back(std::move(link));
      return;
    }
    case CKind::kMigration: {
      const Destination& d = destinations_[static_cast<size_t>(c.item)];
      s += lex_.Sentence(r, static_cast<int>(r.Range(3, 10)), c.topic);
      s += "\n" + d.link;
      links.push_back(d.link);
      return;
    }
    case CKind::kComment: {
      s += lex_.Sentence(r, static_cast<int>(r.Range(8, 24)), 5) + ".";
      if (c.item != 0) {
        const Chat& src = chats_[static_cast<size_t>(c.item - 1)];
        if (!src.username.empty()) {
          const std::string link = "https://t.me/" + src.username;
          s += " " + link;
          links.push_back(link);
        }
      }
      return;
    }
    case CKind::kWeb: {
      const std::string link = "https://" + lex_.Word(r.Below(400)) + lex_.Word(r.Below(400)) +
                               ".example/" + lex_.Word(r.Below(3000)) + "-" +
                               std::to_string(r.Range(10, 9999));
      s += lex_.Sentence(r, static_cast<int>(r.Range(4, 14)), c.topic) + " " + link;
      links.push_back(link);
      return;
    }
  }
}

bool World::MediaOf(const Content& c, Media& md, const MediaFile** file, bool* video) {
  *file = nullptr;
  *video = false;
  uint64_t image = 0;
  ImageStyle style = ImageStyle::kPhoto;
  uint64_t emblem = 0;
  if (c.kind == CKind::kRelease) {
    const int kind = static_cast<int>(MixSeed(seed_, c.item, 0x6b) % 20);
    if (kind < 13) {
      image = (uint64_t{1} << 40) | c.item;
      style = ImageStyle::kRelease;
      emblem = official_emblem_;
    } else if (kind >= 18) {
      *video = true;
    } else {
      return false;  // a statement: text only
    }
  } else if (c.kind == CKind::kPhoto) {
    image = (uint64_t{2} << 40) | c.item;
  } else if (c.kind == CKind::kViral) {
    image = (uint64_t{3} << 40) | c.item;
  } else {
    return false;
  }
  md.pdq.clear();
  md.path.clear();
  if (*video) {
    md.kind.assign("video");
    const Digests dg = DigestBytes("cordon-sim video " + std::to_string(seed_) + "/" +
                                   std::to_string(c.item) + "/" + std::to_string(c.edit != 0));
    md.sha256.assign(dg.sha256);
    md.md5.assign(dg.md5);
    return true;
  }
  md.kind.assign("photo");
  const Edit edit = kEditOrder[std::min<int>(c.edit, 5)];
  if (cfg_.options.media == MediaMode::kNone) {
    const Digests dg = DigestBytes("cordon-sim image " + std::to_string(seed_) + "/" +
                                   std::to_string(image) + "/" + std::to_string(c.edit));
    md.sha256.assign(dg.sha256);
    md.md5.assign(dg.md5);
    return true;
  }
  auto f = media_.Get(image, style, emblem, edit);
  if (!f.ok()) {
    Note(f.status());
    return false;
  }
  *file = *f;
  md.sha256.assign((*f)->sha256);
  md.md5.assign((*f)->md5);
  md.pdq.assign((*f)->pdq);
  md.path.assign((*f)->path);
  return true;
}

int32_t World::Post(int32_t chat, TimeMs t, int32_t from, const Content& content, int32_t via_bot) {
  t = Sec(t);
  Chat& c = chats_[static_cast<size_t>(chat)];
  const int32_t idx = static_cast<int32_t>(drafts_.size());
  Draft& d = NewDraft(t);
  d.chat = chat;
  d.from_account = c.group ? from : -1;
  d.via_bot = via_bot;
  d.views = Views(c);
  d.content = content;
  d.repost = content.kind == CKind::kRelease || content.kind == CKind::kPhoto ||
             content.kind == CKind::kText || content.kind == CKind::kViral;
  if (content.kind == CKind::kMigration) {
    Destination& dest = destinations_[static_cast<size_t>(content.item)];
    if (t < dest.first) {
      dest.first = t;
      dest.first_chat = c.key;
    }
    (AfterAction(t) ? dest.after : dest.before)++;
  }
  c.today.push_back(idx);
  ++summary_.messages;
  return idx;
}

int32_t World::ForwardDraft(int32_t chat, TimeMs t, int32_t from, int32_t src) {
  t = Sec(t);
  Chat& c = chats_[static_cast<size_t>(chat)];
  const int32_t idx = static_cast<int32_t>(drafts_.size());
  Draft& d = NewDraft(t);
  const Draft& s = drafts_[static_cast<size_t>(src)];
  d.chat = chat;
  d.fwd = src;
  d.fwd_chat = s.chat;
  d.from_account = c.group ? from : -1;
  d.views = Views(c);
  d.content = s.content;  // a forward carries the original's text and media
  d.repost = s.repost;
  c.today.push_back(idx);
  ++summary_.messages;
  ++summary_.forwarded;
  return idx;
}

int32_t World::ForwardOld(int32_t chat, TimeMs t, int32_t from, int32_t src_chat,
                          const PostRef& ref) {
  t = Sec(t);
  Chat& c = chats_[static_cast<size_t>(chat)];
  const int32_t idx = static_cast<int32_t>(drafts_.size());
  Draft& d = NewDraft(t);
  d.chat = chat;
  d.fwd_chat = src_chat;
  d.fwd_id = ref.id;
  d.fwd_time = ref.time;
  d.from_account = c.group ? from : -1;
  d.views = Views(c);
  d.content = ref.content;
  d.repost = true;
  c.today.push_back(idx);
  ++summary_.messages;
  ++summary_.forwarded;
  return idx;
}

bool World::PickRecent(int32_t src_chat, TimeMs before, int32_t& draft, PostRef& ref) {
  const Chat& s = chats_[static_cast<size_t>(src_chat)];
  draft = -1;
  std::vector<int32_t> ok;
  for (int32_t di : s.today) {
    if (drafts_[static_cast<size_t>(di)].time + 10 * kSecond < before &&
        drafts_[static_cast<size_t>(di)].repost && drafts_[static_cast<size_t>(di)].fwd < 0) {
      ok.push_back(di);
    }
  }
  if (!ok.empty() && (s.recent.empty() || crng_.Bernoulli(0.7))) {
    draft = ok[crng_.Below(ok.size())];
    return true;
  }
  if (s.recent.empty()) return false;
  ref = s.recent[crng_.Below(s.recent.size())];
  return ref.time < before;
}

void World::Releases(TimeMs day_start, TimeMs day_end) {
  releases_.clear();
  // A steady outlet: the daily count varies by one around the rate, not as a Poisson would.
  const double base = std::floor(sp_.releases_per_day);
  const int64_t n = std::max<int64_t>(0, static_cast<int64_t>(base) +
                                             crng_.Bernoulli(sp_.releases_per_day - base) +
                                             static_cast<int64_t>(crng_.Range(-1, 1)));
  std::vector<TimeMs> times;
  for (int64_t i = 0; i < n; ++i)
    times.push_back(TimeIn(day_start + 5 * kHour, day_start + 19 * kHour));
  std::sort(times.begin(), times.end());
  const bool after = AfterAction(day_start);
  const double activity = after ? ap_.activity : 1.0;
  std::vector<int32_t> srcs, touched;
  for (TimeMs t0 : times) {
    Release r;
    r.id = next_release_++;
    r.t0 = t0;
    recent_releases_.push_back({r.id, t0});
    Content rc{CKind::kRelease, 0, 3, r.id, 0};
    struct Candidate {
      TimeMs t;
      int32_t chat;
    };
    std::vector<Candidate> cands;
    for (int32_t ci : network_chats_) {
      const Chat& c = chats_[static_cast<size_t>(ci)];
      if (c.down < day_start) continue;
      TimeMs t;
      double p;
      if (c.base == Role::kOfficial) {
        t = t0 + static_cast<TimeMs>(crng_.Uniform(0, 60) * kSecond);
        p = dp_.official_post;
      } else if (c.base == Role::kInjector) {
        t = t0 + static_cast<TimeMs>(crng_.Uniform(1, 25) * kMinute);
        p = dp_.injector_post;
      } else {
        t = t0 + std::clamp<TimeMs>(static_cast<TimeMs>(crng_.LogNormal(35, 1.0) * kMinute),
                                    2 * kMinute, 10 * kHour);
        p = std::min(0.98, dp_.mirror_post * c.activity);
      }
      if (t >= day_end || !crng_.Bernoulli(p * activity) || !Active(c, t)) continue;
      cands.push_back({t, ci});
    }
    std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      return a.t != b.t ? a.t < b.t : a.chat < b.chat;
    });
    lineage_posting_.resize(lineages_.size(), -1);
    for (const Candidate& cd : cands) {
      Chat& c = chats_[static_cast<size_t>(cd.chat)];
      const int32_t from = c.group ? Poster(c, cd.t) : -1;
      if (c.group && from < 0) continue;
      int32_t via = -1;
      if (!c.group && !c.bots.empty() && crng_.Bernoulli(dp_.via_bot)) {
        const int32_t b = c.bots[crng_.Below(c.bots.size())];
        if (Alive(accounts_[static_cast<size_t>(b)], cd.t)) via = b;
      }
      // Forward from an upstream source that already has it, unless this one re-uploads.
      srcs.clear();
      if (c.base != Role::kOfficial && c.base != Role::kInjector) {
        for (int32_t l : c.upstream) {
          const int32_t pi = lineage_posting_[static_cast<size_t>(l)];
          if (pi >= 0 && r.postings[static_cast<size_t>(pi)].time + 10 * kSecond < cd.t)
            srcs.push_back(pi);
        }
      }
      if (srcs.empty() && c.base == Role::kMirror && crng_.Bernoulli(dp_.rewire)) {
        // Its sources are gone: it finds another channel that has the release and follows it.
        const size_t k = r.ChannelsBefore(chats_, cd.t);
        if (k > 0) {
          const int32_t pi = r.channel[crng_.Below(k)];
          c.upstream.push_back(
              chats_[static_cast<size_t>(r.postings[static_cast<size_t>(pi)].chat)].lineage);
          srcs.push_back(pi);
        }
      }
      int32_t di;
      if (!srcs.empty() && !crng_.Bernoulli(c.reupload)) {
        di = ForwardDraft(cd.chat, cd.t, from,
                          r.postings[static_cast<size_t>(srcs[crng_.Below(srcs.size())])].draft);
      } else {
        Content own = rc;
        if (c.base == Role::kMirror) {
          own.edit =
              crng_.Bernoulli(0.7)
                  ? c.edit
                  : static_cast<uint8_t>(1 + crng_.Below(static_cast<uint64_t>(sp_.max_edits)));
          own.seed = crng_.Next() | 1;
        }
        di = Post(cd.chat, cd.t, from, own, via);
      }
      const int32_t pi = static_cast<int32_t>(r.postings.size());
      r.postings.push_back({cd.chat, cd.t, di});
      if (!c.group) r.channel.push_back(pi);
      int32_t& slot = lineage_posting_[static_cast<size_t>(c.lineage)];
      if (slot < 0) {
        slot = pi;
        touched.push_back(c.lineage);
      }
    }
    for (int32_t l : touched) lineage_posting_[static_cast<size_t>(l)] = -1;
    touched.clear();
    // Journalists forward some releases with a comment.
    for (int32_t j : journalists_) {
      if (r.postings.empty() || !crng_.Bernoulli(dp_.journalist_forward)) continue;
      const Posting& src = r.postings[crng_.Bernoulli(0.5) ? 0 : crng_.Below(r.postings.size())];
      if (chats_[static_cast<size_t>(src.chat)].group) continue;
      const TimeMs t =
          src.time + std::clamp<TimeMs>(static_cast<TimeMs>(crng_.LogNormal(90, 0.8) * kMinute),
                                        kMinute, 12 * kHour);
      if (t + 10 * kMinute >= day_end || !Alive(chats_[static_cast<size_t>(j)], t)) continue;
      ForwardDraft(j, t, -1, src.draft);
      Content comment{CKind::kComment, 0, 5, static_cast<uint64_t>(src.chat) + 1, crng_.Next()};
      Post(j, t + static_cast<TimeMs>(crng_.Uniform(0.5, 8) * kMinute), -1, comment);
    }
    releases_.push_back(std::move(r));
  }
  while (recent_releases_.size() > 40) recent_releases_.erase(recent_releases_.begin());
}

void World::Chatter(TimeMs day_start, TimeMs day_end) {
  const bool after = AfterAction(day_start);
  const double activity = after ? ap_.activity * ap_.chatter : 1.0;
  const double migration = after ? dp_.migration_after : dp_.migration_before;
  std::vector<int32_t> live_dest;
  for (size_t i = 0; i < destinations_.size(); ++i) {
    if (destinations_[i].network && destinations_[i].available <= day_end)
      live_dest.push_back(static_cast<int32_t>(i));
  }
  std::erase_if(recent_replacements_, [&](int32_t c) {
    return chats_[static_cast<size_t>(c)].created + 4 * kDay < day_start;
  });
  for (int32_t pi : supporters_) {
    Person& p = persons_[static_cast<size_t>(pi)];
    if (p.account < 0) continue;
    const Account& acc = accounts_[static_cast<size_t>(p.account)];
    if (acc.down < day_start || acc.created >= day_end) continue;
    for (const Membership& ms : p.groups) {
      if (ms.chat < 0) continue;
      const Chat& c = chats_[static_cast<size_t>(ms.chat)];
      const TimeMs a = std::max({day_start, c.created, acc.created, ms.joined});
      const TimeMs b = std::min({day_end, c.down, acc.down});
      if (b <= a || ms.joined < acc.created) continue;
      const double frac = static_cast<double>(b - a) / kDay;
      const int64_t n = crng_.Poisson(p.rate * frac * activity);
      for (int64_t i = 0; i < n; ++i) {
        const TimeMs t = TimeIn(a, b);
        const double u = crng_.Uniform();
        if (u < migration && !live_dest.empty()) {
          Post(ms.chat, t, p.account,
               Content{CKind::kMigration, 0, c.topic,
                       static_cast<uint64_t>(live_dest[crng_.Below(live_dest.size())]),
                       crng_.Next()});
          continue;
        }
        if (u < 0.10 + migration && !releases_.empty()) {
          // Forward a release from a channel that posted it earlier today.
          const Release& r = releases_[crng_.Below(releases_.size())];
          const size_t k = r.ChannelsBefore(chats_, t);
          if (k > 0) {
            ForwardDraft(ms.chat, t, p.account,
                         r.postings[static_cast<size_t>(r.channel[crng_.Below(k)])].draft);
            continue;
          }
        }
        if (u < 0.18 + migration && !recent_releases_.empty()) {
          // Re-upload a recent release's picture.
          const auto& [rid, rt] = recent_releases_[crng_.Below(recent_releases_.size())];
          if (rt < t) {
            Post(
                ms.chat, t, p.account,
                Content{CKind::kRelease,
                        static_cast<uint8_t>(crng_.Below(static_cast<uint64_t>(sp_.max_edits) + 1)),
                        3, rid, crng_.Next() | 1});
            continue;
          }
        }
        if (u < 0.22 + migration && !recent_replacements_.empty()) {
          const int32_t rep = recent_replacements_[crng_.Below(recent_replacements_.size())];
          if (chats_[static_cast<size_t>(rep)].created < t &&
              Alive(chats_[static_cast<size_t>(rep)], t)) {
            Post(ms.chat, t, p.account,
                 Content{CKind::kAd, 0, c.topic, static_cast<uint64_t>(rep), crng_.Next()});
            continue;
          }
        }
        Post(ms.chat, t, p.account, Content{CKind::kText, 0, c.topic, 0, crng_.Next()});
        if (crng_.Bernoulli(0.15) && chats_[static_cast<size_t>(ms.chat)].today.size() > 1) {
          const auto& today = chats_[static_cast<size_t>(ms.chat)].today;
          const int32_t target = today[crng_.Below(today.size() - 1)];
          if (drafts_[static_cast<size_t>(target)].time < t) drafts_.back().reply = target;
        }
      }
    }
  }
}

void World::AdsAndBacklogs(TimeMs day_start, TimeMs day_end) {
  // Adverts for replacements: by a sibling chat when one is up, else any network chat.
  std::vector<Ad> later;
  for (const Ad& ad : ads_) {
    if (ad.time >= day_end) {
      later.push_back(ad);
      continue;
    }
    if (ad.time < day_start) continue;
    const Chat& target = chats_[static_cast<size_t>(ad.replacement)];
    if (!Alive(target, ad.time)) continue;
    int32_t poster = ad.poster;
    if (poster >= 0 && !Active(chats_[static_cast<size_t>(poster)], ad.time)) poster = -1;
    for (int tries = 0; poster < 0 && tries < 12 && !network_chats_.empty(); ++tries) {
      const int32_t c = network_chats_[crng_.Below(network_chats_.size())];
      if (c != ad.replacement && chats_[static_cast<size_t>(c)].network == target.network &&
          Active(chats_[static_cast<size_t>(c)], ad.time)) {
        poster = c;
      }
    }
    if (poster < 0) continue;
    const Chat& pc = chats_[static_cast<size_t>(poster)];
    int32_t from = -1;
    if (pc.group) {
      from = Poster(pc, ad.time);
      if (from < 0 && !pc.members.empty()) from = pc.members[crng_.Below(pc.members.size())];
      if (from < 0) continue;
    }
    const CKind kind = target.network ? CKind::kAd : CKind::kInvite;
    Post(poster, ad.time, from,
         Content{kind, 0, pc.topic, static_cast<uint64_t>(ad.replacement), crng_.Next()});
  }
  ads_ = std::move(later);
  // Backlogs: a replacement reposts its parent's last posts as its own.
  std::vector<BacklogPost> pending;
  for (const BacklogPost& bp : backlog_) {
    if (bp.time >= day_end) {
      pending.push_back(bp);
      continue;
    }
    const Chat& c = chats_[static_cast<size_t>(bp.chat)];
    if (bp.time < day_start || !Alive(c, bp.time)) continue;
    const int32_t from = c.group ? Poster(c, bp.time) : -1;
    if (c.group && from < 0) continue;
    Post(bp.chat, bp.time, from, bp.content);
  }
  backlog_ = std::move(pending);
}

void World::Benign(TimeMs day_start, TimeMs day_end) {
  const int day = static_cast<int>((day_start - cfg_.start_ms) / kDay);
  const int64_t new_viral = crng_.Poisson(sp_.viral_per_day);
  for (int64_t i = 0; i < new_viral; ++i) viral_.push_back({next_viral_++, day});
  std::erase_if(viral_, [&](const auto& v) { return v.second + 3 < day; });
  std::vector<int32_t> benign_dest;
  for (size_t i = 0; i < destinations_.size(); ++i) {
    if (!destinations_[i].network) benign_dest.push_back(static_cast<int32_t>(i));
  }
  // Channels: own posts first (so forwards can find them), then forwards.
  for (int32_t ci : benign_channels_) {
    Chat& c = chats_[static_cast<size_t>(ci)];
    const TimeMs a = std::max(day_start, c.created), b = std::min(day_end, c.down);
    if (b <= a) continue;
    const int64_t n = crng_.Poisson(c.rate * static_cast<double>(b - a) / kDay);
    for (int64_t i = 0; i < n; ++i) {
      const TimeMs t = TimeIn(a, b);
      if (t < 0 || !Alive(c, t)) continue;
      const double u = crng_.Uniform();
      Content ct{CKind::kText, 0, c.topic, 0, crng_.Next()};
      if (u < 0.2 && sp_.photo_pool > 0) {
        ct.kind = CKind::kPhoto;
        ct.item = crng_.Below(static_cast<uint64_t>(sp_.photo_pool));
      } else if (u < 0.26 && !viral_.empty()) {
        ct.kind = CKind::kViral;
        ct.item = viral_[crng_.Below(viral_.size())].first;
        ct.edit = static_cast<uint8_t>(
            crng_.Bernoulli(0.3) ? 0 : 1 + crng_.Below(static_cast<uint64_t>(sp_.max_edits)));
      } else if (u < 0.34) {
        ct.kind = CKind::kWeb;
      } else if (u < 0.345 && !benign_dest.empty()) {
        ct.kind = CKind::kMigration;
        ct.item = static_cast<uint64_t>(benign_dest[crng_.Below(benign_dest.size())]);
      }
      int32_t via = -1;
      if (!c.bots.empty() && crng_.Bernoulli(0.3)) via = c.bots[0];
      Post(ci, t, -1, ct, via);
    }
  }
  for (int32_t ci : benign_channels_) {
    Chat& c = chats_[static_cast<size_t>(ci)];
    if (c.follows.empty()) continue;
    const TimeMs a = std::max(day_start, c.created), b = std::min(day_end, c.down);
    if (b <= a) continue;
    const int64_t n = crng_.Poisson(c.fwd_rate * static_cast<double>(b - a) / kDay);
    for (int64_t i = 0; i < n; ++i) {
      const TimeMs t = TimeIn(a, b);
      const int32_t src = c.follows[crng_.Below(c.follows.size())];
      const Chat& s = chats_[static_cast<size_t>(src)];
      if (t < 0 || !Alive(s, t)) continue;
      int32_t draft;
      PostRef ref;
      if (!PickRecent(src, t, draft, ref)) continue;
      if (draft >= 0) {
        ForwardDraft(ci, t, -1, draft);
      } else {
        ForwardOld(ci, t, -1, src, ref);
      }
    }
  }
  // Groups: members chat; a group that moved house goes quiet.
  for (int32_t gi : benign_groups_) {
    Chat& g = chats_[static_cast<size_t>(gi)];
    const TimeMs a = std::max(day_start, g.created + kMinute), b = std::min(day_end, g.down);
    if (b <= a || g.members.empty()) continue;
    const double rate = static_cast<double>(g.members.size()) * sp_.benign_chat_per_member *
                        (g.rate < 0 ? 0.1 : 1.0);
    const int64_t n = crng_.Poisson(rate * static_cast<double>(b - a) / kDay);
    for (int64_t i = 0; i < n; ++i) {
      const TimeMs t = TimeIn(a, b);
      const int32_t from = g.members[crng_.Below(g.members.size())];
      if (t < 0 || !Alive(accounts_[static_cast<size_t>(from)], t)) continue;
      const double u = crng_.Uniform();
      Content ct{CKind::kText, 0, g.topic, 0, crng_.Next()};
      if (u < 0.06 && sp_.photo_pool > 0) {
        ct.kind = CKind::kPhoto;
        ct.item = crng_.Below(static_cast<uint64_t>(sp_.photo_pool));
      } else if (u < 0.09 && !viral_.empty()) {
        ct.kind = CKind::kViral;
        ct.item = viral_[crng_.Below(viral_.size())].first;
        ct.edit = static_cast<uint8_t>(crng_.Below(static_cast<uint64_t>(sp_.max_edits) + 1));
      } else if (u < 0.095 && !benign_dest.empty()) {
        ct.kind = CKind::kMigration;
        ct.item = static_cast<uint64_t>(benign_dest[crng_.Below(benign_dest.size())]);
      }
      Post(gi, t, from, ct);
      if (crng_.Bernoulli(0.2) && g.today.size() > 1) {
        const int32_t target = g.today[crng_.Below(g.today.size() - 1)];
        if (drafts_[static_cast<size_t>(target)].time < t) drafts_.back().reply = target;
      }
    }
  }
  // Journalists' own notes.
  for (int32_t ji : journalists_) {
    Chat& c = chats_[static_cast<size_t>(ji)];
    const TimeMs a = std::max(day_start, c.created), b = std::min(day_end, c.down);
    if (b <= a) continue;
    const int64_t n = crng_.Poisson(c.rate * static_cast<double>(b - a) / kDay);
    for (int64_t i = 0; i < n; ++i) {
      const TimeMs t = TimeIn(a, b);
      if (t < 0 || !Alive(c, t)) continue;
      Content ct{CKind::kComment, 0, 5, 0, crng_.Next()};
      if (crng_.Bernoulli(0.03)) {
        // Monitors report on migration too: the same links, posted by a benign chat.
        std::vector<int32_t> known;
        for (size_t k = 0; k < destinations_.size(); ++k) {
          if (destinations_[k].network && destinations_[k].first < t)
            known.push_back(static_cast<int32_t>(k));
        }
        if (!known.empty()) {
          ct.kind = CKind::kMigration;
          ct.item = static_cast<uint64_t>(known[crng_.Below(known.size())]);
        }
      }
      Post(ji, t, -1, ct);
    }
  }
}

void World::ContentPass(int day, TimeMs day_start, TimeMs day_end) {
  (void)day;
  Releases(day_start, day_end);
  Chatter(day_start, day_end);
  AdsAndBacklogs(day_start, day_end);
  Benign(day_start, day_end);
}

// ---------------------------------------------------------------- output

Status World::ExportMessage(const Draft& d, const MessageEvent& m, const MediaFile* photo,
                            bool video) {
  const Chat& c = chats_[static_cast<size_t>(d.chat)];
  sim::ExportMessage e;
  e.id = d.id;
  e.time = d.time;
  if (c.group && d.from_account >= 0) {
    const Account& a = accounts_[static_cast<size_t>(d.from_account)];
    e.from = a.name;
    e.from_id = "user" + std::to_string(a.id);
  } else {
    e.from = c.name;
    e.from_id = "channel" + std::to_string(c.id);
  }
  if (d.fwd_chat >= 0) e.forwarded_from = chats_[static_cast<size_t>(d.fwd_chat)].name;
  if (d.via_bot >= 0) e.via_bot = "@" + accounts_[static_cast<size_t>(d.via_bot)].username;
  if (d.reply >= 0) e.reply_to = drafts_[static_cast<size_t>(d.reply)].id;
  std::string bytes;
  if (photo != nullptr) {
    auto b = media_.Bytes(*photo);
    if (!b.ok()) return b.status();
    bytes = std::move(*b);
    e.photo_bytes = &bytes;
    e.width = photo->width;
    e.height = photo->height;
  } else if (video) {
    e.video = true;
    e.width = 640;
    e.height = 360;
    e.duration = 20 + static_cast<int>(d.content.item % 160);
  }
  e.text = m.text;
  e.links = m.links;
  return exports_[static_cast<size_t>(c.export_slot)]->Add(e);
}

namespace {
// key = chat key + "/" + id, reusing the string's buffer.
void MessageKey(std::string& out, const std::string& chat, uint32_t id) {
  char num[16];
  num[0] = '/';
  const auto r = std::to_chars(num + 1, num + sizeof num, id);
  out.assign(chat).append(num, static_cast<size_t>(r.ptr - num));
}
}  // namespace

Status World::Flush(int day) {
  (void)day;
  std::vector<uint32_t> order(drafts_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Draft& x = drafts_[a];
    const Draft& y = drafts_[b];
    return x.time != y.time ? x.time < y.time : x.seq < y.seq;
  });
  buf_.clear();
  Media media;
  for (uint32_t i : order) {
    Draft& d = drafts_[i];
    if (d.other >= 0) {
      AppendEventJson(others_[static_cast<size_t>(d.other)], buf_);
    } else {
      // A message: made again from its Content into a reused event.
      Chat& c = chats_[static_cast<size_t>(d.chat)];
      d.id = ++c.next_id;
      const MediaFile* photo = nullptr;
      bool video = false;
      const bool has_media = MediaOf(d.content, media, &photo, &video);
      const bool is_fwd = d.fwd_chat >= 0;
      Event& ev = scratch_[has_media][is_fwd];
      if (!std::holds_alternative<MessageEvent>(ev)) ev = MessageEvent{};
      MessageEvent& m = std::get<MessageEvent>(ev);
      MessageKey(m.key, c.key, d.id);
      m.chat.assign(c.key);
      m.time = d.time;
      m.from.assign(d.from_account >= 0 ? accounts_[static_cast<size_t>(d.from_account)].key
                                        : c.key);
      m.text.clear();
      m.links.clear();
      ContentText(d.content, m.text, m.links);
      if (has_media) {
        if (m.media.empty()) m.media.emplace_back();
        Media& md = m.media[0];
        md.kind.assign(media.kind);
        md.sha256.assign(media.sha256);
        md.md5.assign(media.md5);
        md.pdq.assign(media.pdq);
        md.path.assign(media.path);
      }
      if (is_fwd) {
        if (!m.forward) m.forward.emplace();
        const Chat& sc = chats_[static_cast<size_t>(d.fwd_chat)];
        m.forward->chat.assign(sc.key);
        if (d.fwd >= 0) {
          const Draft& s = drafts_[static_cast<size_t>(d.fwd)];
          MessageKey(m.forward->message, sc.key, s.id);
          m.forward->time = s.time;
        } else {
          MessageKey(m.forward->message, sc.key, d.fwd_id);
          m.forward->time = d.fwd_time;
        }
      }
      if (d.views >= 0) {
        m.views = d.views;
      } else {
        m.views.reset();
      }
      if (d.via_bot >= 0) {
        m.via_bot.assign(accounts_[static_cast<size_t>(d.via_bot)].key);
      } else {
        m.via_bot.clear();
      }
      if (d.reply >= 0) {
        MessageKey(m.reply_to, c.key, drafts_[static_cast<size_t>(d.reply)].id);
      } else {
        m.reply_to.clear();
      }
      if (d.repost) {
        const size_t cap = c.network ? static_cast<size_t>(dp_.backlog) : 4;
        PostRef ref{d.id, d.time, d.content};
        if (c.recent.size() < cap) {
          c.recent.push_back(ref);
        } else {
          c.recent[c.recent_pos] = ref;
          c.recent_pos = static_cast<uint32_t>((c.recent_pos + 1) % cap);
        }
      }
      if (c.export_slot >= 0) RETURN_IF_ERROR(ExportMessage(d, m, photo, video));
      AppendEventJson(ev, buf_);
    }
    if (buf_.size() > (8u << 20)) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), events_) != buf_.size()) {
        return Status::IoError("cannot write events.ndjson");
      }
      summary_.events_bytes += static_cast<int64_t>(buf_.size());
      buf_.clear();
    }
  }
  summary_.events += static_cast<int64_t>(drafts_.size());
  if (std::fwrite(buf_.data(), 1, buf_.size(), events_) != buf_.size()) {
    return Status::IoError("cannot write events.ndjson");
  }
  summary_.events_bytes += static_cast<int64_t>(buf_.size());
  buf_.clear();
  drafts_.clear();
  others_.clear();
  for (Chat& c : chats_) c.today.clear();
  return Status::Ok();
}

Status World::Run() {
  const std::string events_path = cfg_.options.out_dir + "/events.ndjson";
  events_ = std::fopen(events_path.c_str(), "wb");
  if (events_ == nullptr) return Status::IoError("cannot create file", Location{events_path});
  Status s = Init();
  ProgressStep step(cfg_.options.progress, "simulate", cfg_.days, "days");
  for (int day = 0; s.ok() && day < cfg_.days; ++day) {
    const TimeMs day_start = cfg_.start_ms + day * kDay;
    StructurePass(day);
    ContentPass(day, day_start, day_start + kDay);
    s = Flush(day);
    if (s.ok()) s = error_;
    step.Advance();
  }
  if (std::fclose(events_) != 0 && s.ok())
    s = Status::IoError("cannot close", Location{events_path});
  events_ = nullptr;
  RETURN_IF_ERROR(s);
  for (auto& w : exports_) {
    summary_.export_messages += w->messages();
    RETURN_IF_ERROR(w->Close());
  }
  summary_.exports = static_cast<int64_t>(exports_.size());
  summary_.media_files = media_.files();
  summary_.media_bytes = media_.bytes_written();
  for (const Destination& d : destinations_)
    summary_.migration_links += d.network && d.first != kNever;
  return WriteTruth();
}

// ---------------------------------------------------------------- truth.json

class ChunkedFile {
 public:
  explicit ChunkedFile(std::FILE* f) : f_(f) {}
  std::string& buf() { return buf_; }
  bool Maybe() { return buf_.size() < (4u << 20) || Drain(); }
  bool Drain() {
    const bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f_) == buf_.size();
    buf_.clear();
    return ok;
  }

 private:
  std::FILE* f_;
  std::string buf_;
};

Status World::WriteTruth() {
  const std::string path = cfg_.options.out_dir + "/truth.json";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot create file", Location{path});
  ChunkedFile out(f);
  bool ok = true;
  auto obj = [&](auto&& fill) {
    std::string s;
    JsonWriter w(s);
    w.BeginObject();
    fill(w);
    w.EndObject();
    return s;
  };
  std::string& b = out.buf();
  // cordon_output first: readers such as ingest tell cordon's own files by their head.
  b +=
      "{\n\"cordon_output\": \"sim-truth\",\n\"format\": \"cordon-sim-truth/1\",\n\"parameters\": ";
  b += obj([&](JsonWriter& w) {
    const SimOptions& o = cfg_.options;
    w.Field("seed", static_cast<int64_t>(o.seed)).Field("scale", ScaleName(o.scale));
    w.Field("start", FormatDate(cfg_.start_ms)).Field("days", cfg_.days);
    w.Field("action", ActionPresetName(o.action)).Field("media", MediaModeName(o.media));
    w.Key("action_days").BeginArray();
    for (const std::string& d : summary_.action_days) w.String(d);
    w.EndArray();
    w.Key("scale_params").BeginObject();
    w.Field("mirrors", sp_.mirrors).Field("injectors", sp_.injectors).Field("admins", sp_.admins);
    w.Field("bots", sp_.bots).Field("supporters", sp_.supporters);
    w.Field("benign_channels", sp_.benign_channels).Field("benign_groups", sp_.benign_groups);
    w.Field("benign_users", sp_.benign_users).Field("journalists", sp_.journalists);
    w.Field("lookalikes", sp_.lookalikes).Field("benign_relaunches", sp_.benign_relaunches);
    w.Field("releases_per_day", sp_.releases_per_day).Field("image_size", sp_.image_size);
    w.Field("avatar_size", sp_.avatar_size).Field("max_edits", sp_.max_edits);
    w.Field("photo_pool", sp_.photo_pool).Field("viral_per_day", sp_.viral_per_day);
    w.Field("joined_network", sp_.joined_network).Field("joined_benign", sp_.joined_benign);
    w.Field("benign_posts_per_day", sp_.benign_posts_per_day);
    w.Field("benign_chat_per_member", sp_.benign_chat_per_member);
    w.EndObject();
    w.Key("dynamics").BeginObject();
    w.Field("hazard_chat", dp_.hazard_chat).Field("hazard_core", dp_.hazard_core);
    w.Field("hazard_bot", dp_.hazard_bot).Field("hazard_supporter", dp_.hazard_supporter);
    w.Field("hazard_admin", dp_.hazard_admin)
        .Field("hazard_journalist_error", dp_.hazard_journalist_error);
    w.Field("regen_chat", dp_.regen_chat).Field("regen_admin", dp_.regen_admin);
    w.Field("regen_bot", dp_.regen_bot).Field("regen_supporter", dp_.regen_supporter);
    w.Field("regen_delay_hours", dp_.regen_delay_hours)
        .Field("account_delay_hours", dp_.account_delay_hours);
    w.Field("regen_delay_sigma", dp_.regen_delay_sigma).Field("backlog", dp_.backlog);
    w.Field("follow", dp_.follow).Field("topup", dp_.topup).Field("group_share", dp_.group_share);
    w.Field("public_share", dp_.public_share).Field("admin_zipf", dp_.admin_zipf);
    w.Field("coadmin", dp_.coadmin).Field("subscribers_alpha", dp_.subscribers_alpha);
    w.Field("official_post", dp_.official_post).Field("injector_post", dp_.injector_post);
    w.Field("mirror_post", dp_.mirror_post).Field("reupload", dp_.reupload);
    w.Field("via_bot", dp_.via_bot).Field("supporter_rate", dp_.supporter_rate);
    w.Field("journalist_forward", dp_.journalist_forward);
    w.Field("migration_before", dp_.migration_before).Field("migration_after", dp_.migration_after);
    w.Field("ads_per_replacement", dp_.ads_per_replacement);
    w.Field("export_utc_offset_min", dp_.export_utc_offset_min);
    w.EndObject();
    w.Key("action_params").BeginObject();
    w.Field("enabled", ap_.enabled);
    auto pair = [&](std::string_view k, const double* v) {
      w.Key(k).BeginArray().Double(v[0]).Double(v[1]).EndArray();
    };
    pair("chats", ap_.chats);
    pair("bots", ap_.bots);
    pair("supporters", ap_.supporters);
    pair("admins", ap_.admins);
    pair("key_admins", ap_.key_admins);
    w.Field("after_hazard", ap_.after_hazard).Field("after_regen", ap_.after_regen);
    w.Field("recovery", ap_.recovery).Field("activity", ap_.activity);
    w.Field("chatter", ap_.chatter);
    w.EndObject();
  });
  // Entities: every chat and account with its role.
  b += ",\n\"entities\": [";
  bool first = true;
  auto sep = [&]() {
    b += first ? "\n" : ",\n";
    first = false;
  };
  for (const Chat& c : chats_) {
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("key", std::string_view(c.key)).Field("kind", c.group ? "group" : "channel");
      w.Field("role", RoleName(c.role)).Field("network", c.network);
      if (c.role == Role::kReplacement) w.Field("replaces", RoleName(c.base));
      w.Field("name", std::string_view(c.name));
      w.Field("created", std::string_view(FormatRfc3339Ms(c.created)));
      if (c.down != kNever) w.Field("down", std::string_view(FormatRfc3339Ms(c.down)));
      if (c.parent >= 0)
        w.Field("parent", std::string_view(chats_[static_cast<size_t>(c.parent)].key));
      if (c.network) w.Field("lineage", static_cast<int64_t>(c.lineage));
      if (c.owner >= 0) w.Field("person", static_cast<int64_t>(c.owner));
    });
    ok = ok && out.Maybe();
  }
  for (const Account& a : accounts_) {
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("key", std::string_view(a.key)).Field("kind", a.bot ? "bot" : "user");
      w.Field("role", RoleName(a.role)).Field("network", a.network);
      w.Field("name", std::string_view(a.name));
      w.Field("created", std::string_view(FormatRfc3339Ms(a.created)));
      if (a.down != kNever) w.Field("down", std::string_view(FormatRfc3339Ms(a.down)));
      if (a.parent >= 0)
        w.Field("parent", std::string_view(accounts_[static_cast<size_t>(a.parent)].key));
      if (a.person >= 0) w.Field("person", static_cast<int64_t>(a.person));
    });
    ok = ok && out.Maybe();
  }
  b += "\n],\n\"mirror_relations\": [";
  first = true;
  for (const Chat& c : chats_) {
    if (!c.network) continue;
    for (int32_t l : c.upstream) {
      // The source lineage's first chat names the relation; later generations inherit it.
      int32_t root = lineages_[static_cast<size_t>(l)].current;
      while (root >= 0 && chats_[static_cast<size_t>(root)].parent >= 0)
        root = chats_[static_cast<size_t>(root)].parent;
      if (root < 0) continue;
      sep();
      b += obj([&](JsonWriter& w) {
        w.Field("mirror", std::string_view(c.key));
        w.Field("source", std::string_view(chats_[static_cast<size_t>(root)].key));
        w.Field("source_lineage", static_cast<int64_t>(l));
      });
    }
    ok = ok && out.Maybe();
  }
  auto regen_list = [&](const std::vector<Regeneration>& list) {
    first = true;
    for (const Regeneration& r : list) {
      sep();
      b += obj([&](JsonWriter& w) {
        if (r.account) {
          const Account& c = accounts_[static_cast<size_t>(r.child)];
          const Account& p = accounts_[static_cast<size_t>(r.parent)];
          w.Field("child", std::string_view(c.key)).Field("parent", std::string_view(p.key));
          w.Field("kind", c.bot ? "bot" : "account");
          w.Field("created", std::string_view(FormatRfc3339Ms(c.created)));
          w.Field("parent_down", std::string_view(p.down == kNever ? "" : FormatRfc3339Ms(p.down)));
          w.Field("naming", NamingMethodName(r.method));
        } else {
          const Chat& c = chats_[static_cast<size_t>(r.child)];
          const Chat& p = chats_[static_cast<size_t>(r.parent)];
          w.Field("child", std::string_view(c.key)).Field("parent", std::string_view(p.key));
          w.Field("kind", c.group ? "group" : "channel");
          w.Field("created", std::string_view(FormatRfc3339Ms(c.created)));
          w.Field("parent_down", std::string_view(p.down == kNever ? "" : FormatRfc3339Ms(p.down)));
          w.Field("naming", NamingMethodName(r.method));
          w.Field("admin", std::string_view(r.admin)).Field("avatar", std::string_view(r.avatar));
          w.Field("invite", std::string_view("t.me/+" + c.invite));
        }
      });
      ok = ok && out.Maybe();
    }
  };
  b += "\n],\n\"regenerations\": [";
  regen_list(regenerations_);
  b += "\n],\n\"benign_relaunches\": [";
  regen_list(relaunches_);
  b += "\n],\n\"lookalikes\": [";
  first = true;
  for (const Lookalike& l : lookalikes_) {
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("entity", std::string_view(chats_[static_cast<size_t>(l.chat)].key));
      w.Field("resembles", std::string_view(chats_[static_cast<size_t>(l.resembles)].key));
      w.Field("naming", std::string_view(l.method));
    });
  }
  b += "\n],\n\"key_actors\": [";
  first = true;
  for (size_t i = 0; i < chats_.size(); ++i) {
    const Chat& c = chats_[i];
    if (!c.initial || (c.role != Role::kOfficial && c.role != Role::kInjector)) continue;
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("entity", std::string_view(c.key)).Field("role", RoleName(c.role));
      w.Field("why",
              c.role == Role::kOfficial ? "publishes the releases" : "posts releases first-hand");
    });
  }
  for (size_t i = 0; i < persons_.size(); ++i) {
    const Person& p = persons_[i];
    if (!p.key) continue;
    // The person's first account: the one that ran the chats at the start.
    int32_t a = p.account;
    while (a >= 0 && accounts_[static_cast<size_t>(a)].parent >= 0)
      a = accounts_[static_cast<size_t>(a)].parent;
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("entity", std::string_view(accounts_[static_cast<size_t>(a)].key))
          .Field("role", "admin");
      w.Field("why", "runs many mirrors").Field("chats", static_cast<int64_t>(p.chats));
      w.Field("person", static_cast<int64_t>(i));
    });
  }
  b += "\n],\n\"migration_links\": [";
  first = true;
  for (const Destination& d : destinations_) {
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("link", std::string_view(d.link)).Field("platform", std::string_view(d.platform));
      w.Field("network", d.network);
      if (d.first != kNever) {
        w.Field("first_posted", std::string_view(FormatRfc3339Ms(d.first)));
        w.Field("first_chat", std::string_view(d.first_chat));
      }
      w.Field("posts_before_action", d.before).Field("posts_after_action", d.after);
    });
  }
  b += "\n],\n\"media\": [";
  first = true;
  for (const auto& entry : media_.all()) {
    const auto& m = entry.second;  // not a structured binding: clang 14 cannot capture those
    sep();
    b += obj([&](JsonWriter& w) {
      static constexpr std::string_view kStyles[] = {"none", "release", "photo", "viral"};
      w.Field("sha256", std::string_view(m.sha256)).Field("pdq", std::string_view(m.pdq));
      w.Field("image", static_cast<int64_t>(m.image & ((uint64_t{1} << 40) - 1)));
      w.Field("source", kStyles[std::min<uint64_t>(3, m.image >> 40)]);
      w.Field("edit", EditName(m.edit));
    });
    ok = ok && out.Maybe();
  }
  b += "\n],\n\"exports\": [";
  first = true;
  for (int32_t c : export_chats_) {
    sep();
    b += obj([&](JsonWriter& w) {
      w.Field("chat", std::string_view(chats_[static_cast<size_t>(c)].key));
      w.Field("path",
              std::string_view("telegram/" + std::to_string(chats_[static_cast<size_t>(c)].id) +
                               "/result.json"));
    });
  }
  b += "\n]\n}\n";
  ok = out.Drain() && ok;
  if (std::fclose(f) != 0 || !ok) return Status::IoError("cannot write file", Location{path});
  return Status::Ok();
}

}  // namespace

Status RunWorld(const WorldConfig& cfg, SimSummary& summary) {
  auto world = std::make_unique<World>(cfg, summary);
  return world->Run();
}

}  // namespace cordon::sim
