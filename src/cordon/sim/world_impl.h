// Internal to the simulator: the day-by-day generator of the simulated world. One World is one
// run; its methods are defined by concern across several files:
//   world.cc            Run: the day loop, and RunWorld
//   world_setup.cc      Init: the world as it stands on the first day, step by step
//   world_structure.cc  the network's life: takedowns, the day of action, regenerations,
//                       newcomers, look-alikes, relaunches, the researcher's joins
//   world_content.cc    messages: releases and their spread, chatter, adverts, backlogs,
//                       benign posts (their text and media: MessageRenderer, world_render.h)
//   world_emit.cc       events: drafts of the day, sorted and written to events.ndjson and to
//                       the Telegram exports
//   world_truth.cc      truth.json, from the WorldState at the end (world_truth.h)
// The world's data is WorldState (world_state.h).
//
// Ownership: World owns its WorldState, random sources, MessageRenderer (and so the media
// store), export writers and the open events.ndjson. It borrows the config and the summary it
// fills, which must outlive it. Only per-entity state outlives a day: each day's drafts are
// flushed and cleared.
//
// Thread safety: none; a World runs on one thread. Separate Worlds share nothing.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/sim/media.h"
#include "cordon/sim/rng.h"
#include "cordon/sim/telegram_export.h"
#include "cordon/sim/text.h"
#include "cordon/sim/world.h"
#include "cordon/sim/world_render.h"
#include "cordon/sim/world_state.h"
#include "cordon/util/status.h"

namespace cordon::sim::world {

// Structure: what the schedule holds.
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

// Content: one release's postings across the network today.
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

class World {
 public:
  World(const WorldConfig& cfg, SimSummary& summary)
      : cfg_(cfg),
        sp_(cfg.scale),
        dp_(cfg.dyn),
        ap_(cfg.action),
        summary_(summary),
        rng_(MixSeed(cfg.options.seed, 0x57)),
        crng_(MixSeed(cfg.options.seed, 0xc0)),
        render_(cfg),
        st_(cfg.scale.max_edits) {}

  Status Run();

 private:
  // --- set-up (world_setup.cc), in the order Init runs the steps
  Status Init();
  TimeMs Past(double lo_days, double hi_days);  // a creation time before the first day
  void MakeBrands();
  void MakeDestinations();
  void MakeAdmins();
  int32_t NewNetworkChat(Role role, bool group, bool is_public, int32_t owner, std::string latin);
  void MakeNetworkChats();
  void MarkKeyAdmins();
  void MakeBots();
  void MakeSupporters();
  int32_t BenignOwner();
  void MakeBenignUsers();
  void MakeBenignChannels();
  void MakeJournalists();
  void MakeBenignGroups();
  void ScheduleArrivals();
  void JoinResearcherChats();
  void EmitFirstSightings();

  // --- structure (world_structure.cc)
  void Schedule(TimeMs t, const Action& a) {
    schedule_.emplace(std::make_pair(Sec(t), act_seq_++), a);
  }
  std::string NetworkLatin();
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
  void FollowReplacement(int32_t c, TimeMs t);
  void AdvertiseReplacement(int32_t c, int32_t person, TimeMs t);
  void RepostBacklog(int32_t c, const std::vector<PostRef>& parent_recent, uint32_t parent_pos,
                     TimeMs t);
  void RegenAccount(int32_t person, TimeMs t);
  void CreateBot(int32_t person, int32_t parent, TimeMs t);
  void CreateMirror(TimeMs t);
  void CreateSupporter(TimeMs t);
  void CreateAdmin(TimeMs t);
  void CreateLookalike(TimeMs t);
  void CreateRelaunch(TimeMs t);
  void JoinGroup(int32_t person, size_t membership, int32_t chat, TimeMs t);
  // The researcher joins the chat (and exports it) while under the caps.
  void MaybeJoinResearcher(int32_t c);

  // --- content (world_content.cc)
  void ContentPass(int day, TimeMs day_start, TimeMs day_end);
  void Releases(TimeMs day_start, TimeMs day_end);
  void SpreadRelease(Release& r, TimeMs day_start, TimeMs day_end, double activity);
  void JournalistForwards(const Release& r, TimeMs day_end);
  void Chatter(TimeMs day_start, TimeMs day_end);
  void AdsAndBacklogs(TimeMs day_start, TimeMs day_end);
  void Benign(TimeMs day_start, TimeMs day_end);
  void BenignChannelPosts(TimeMs day_start, TimeMs day_end,
                          const std::vector<int32_t>& benign_dest);
  void BenignForwards(TimeMs day_start, TimeMs day_end);
  void BenignGroupChat(TimeMs day_start, TimeMs day_end, const std::vector<int32_t>& benign_dest);
  void JournalistNotes(TimeMs day_start, TimeMs day_end);
  TimeMs TimeIn(TimeMs a, TimeMs b);
  int32_t Post(int32_t chat, TimeMs t, int32_t from, const Content& content, int32_t via_bot = -1);
  int32_t ForwardDraft(int32_t chat, TimeMs t, int32_t from, int32_t src_draft);
  int32_t ForwardOld(int32_t chat, TimeMs t, int32_t from, int32_t src_chat, const PostRef& ref);
  bool PickRecent(int32_t src_chat, TimeMs before, int32_t& draft, PostRef& ref);
  int64_t Views(const Chat& c);

  // --- emission (world_emit.cc)
  void EmitChat(int32_t c, TimeMs t);
  void EmitAccount(int32_t a, TimeMs t);
  void EmitMember(int32_t chat, int32_t account, TimeMs t, MemberAction action);
  void EmitInvite(const Chat& c, TimeMs t);
  Draft& NewDraft(TimeMs t);
  void EmitEvent(TimeMs t, Event e);
  Status Flush(int day);
  std::vector<uint32_t> DraftsInTimeOrder() const;
  Status FlushMessage(Draft& d, Media& media);
  void RememberPost(Chat& c, const Draft& d);
  Status WriteEvents();
  Status ExportMessage(const Draft& d, const MessageEvent& m, const MediaFile* photo, bool video);

  void Note(const Status& s) {
    if (!s.ok() && error_.ok()) error_ = s;
  }

  const WorldConfig& cfg_;
  const ScaleParams& sp_;
  const DynamicsParams& dp_;
  const ActionParams& ap_;
  SimSummary& summary_;
  Rng rng_;                 // structure
  Rng crng_;                // content
  MessageRenderer render_;  // a message's text and media, from its Content
  Status error_;            // the first error noted; ends the run after the day
  WorldState st_;

  // Structure.
  std::map<std::pair<TimeMs, uint64_t>, Action> schedule_;
  uint64_t act_seq_ = 0;
  TimeMs action_start_ = kNever;
  double hazard_factor_ = 1;  // persistence: raised from the end of the day of action
  int pending_chats_ = 0, pending_supporters_ = 0, pending_bots_ = 0, pending_admins_ = 0;
  int lookalike_method_ = 0;
  int joined_network_ = 0, joined_benign_ = 0;

  // Content.
  std::vector<int32_t> recent_replacements_;
  std::vector<Release> releases_;         // today's
  std::vector<int32_t> lineage_posting_;  // per lineage: its posting of the current release
  std::vector<std::pair<uint64_t, TimeMs>> recent_releases_;
  std::vector<std::pair<uint64_t, int>> viral_;  // image id, first day
  std::vector<Ad> ads_;
  std::vector<BacklogPost> backlog_;
  uint64_t next_release_ = 1, next_viral_ = 1;

  // Emission.
  std::vector<Draft> drafts_;
  std::vector<Event> others_;
  Event scratch_[2][2];  // messages being written, by (has media, is a forward): reused buffers
  uint64_t draft_seq_ = 0;
  std::vector<std::unique_ptr<TelegramExportWriter>> exports_;
  std::FILE* events_ = nullptr;
  std::string buf_;
};

}  // namespace cordon::sim::world
