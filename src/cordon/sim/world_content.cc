// Messages (world_impl.h): each day's releases and their spread through the mirror network,
// group chatter, adverts for replacements, backlog reposts, migration links, and the benign
// population's posts and forwards. Messages are drafts holding a Content; the text and media a
// Content stands for are made at flush time (world_render.h). Content draws from its own Rng
// (crng_), so the structure of the world does not depend on what is said in it.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cordon/sim/world_impl.h"

namespace cordon::sim::world {
namespace {

constexpr double kHourWeight[24] = {1.0, 0.7, 0.5, 0.4, 0.4, 0.6, 1.2, 2.0, 2.6, 3.0, 3.1, 3.1,
                                    3.0, 3.0, 3.0, 3.1, 3.2, 3.3, 3.3, 3.1, 2.8, 2.4, 1.9, 1.4};

}  // namespace

size_t Release::ChannelsBefore(const std::vector<Chat>&, TimeMs t) const {
  return static_cast<size_t>(
      std::partition_point(
          channel.begin(), channel.end(),
          [&](int32_t i) { return postings[static_cast<size_t>(i)].time + 10 * kSecond < t; }) -
      channel.begin());
}

void World::ContentPass(int day, TimeMs day_start, TimeMs day_end) {
  (void)day;
  Releases(day_start, day_end);
  Chatter(day_start, day_end);
  AdsAndBacklogs(day_start, day_end);
  Benign(day_start, day_end);
}

TimeMs World::TimeIn(TimeMs a, TimeMs b) {
  if (b <= a) return -1;
  for (int tries = 0; tries < 32; ++tries) {
    const TimeMs t = a + static_cast<TimeMs>(crng_.Uniform() * static_cast<double>(b - a));
    const int hour = static_cast<int>((t % kDay) / kHour);
    if (crng_.Uniform() * 3.3 < kHourWeight[hour]) return t;
  }
  return a + static_cast<TimeMs>(crng_.Uniform() * static_cast<double>(b - a));
}

int64_t World::Views(const Chat& c) {
  if (c.group) return -1;
  return 1 + static_cast<int64_t>(static_cast<double>(c.subscribers) * crng_.Uniform(0.15, 0.7));
}

int32_t World::Post(int32_t chat, TimeMs t, int32_t from, const Content& content, int32_t via_bot) {
  t = Sec(t);
  Chat& c = st_.chats[static_cast<size_t>(chat)];
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
    Destination& dest = st_.destinations[static_cast<size_t>(content.item)];
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
  Chat& c = st_.chats[static_cast<size_t>(chat)];
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
  Chat& c = st_.chats[static_cast<size_t>(chat)];
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
  const Chat& s = st_.chats[static_cast<size_t>(src_chat)];
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
  const bool extra = crng_.Bernoulli(sp_.releases_per_day - base);
  const int64_t n = std::max<int64_t>(
      0, static_cast<int64_t>(base) + extra + static_cast<int64_t>(crng_.Range(-1, 1)));
  std::vector<TimeMs> times;
  for (int64_t i = 0; i < n; ++i)
    times.push_back(TimeIn(day_start + 5 * kHour, day_start + 19 * kHour));
  std::sort(times.begin(), times.end());
  const bool after = AfterAction(day_start);
  const double activity = after ? ap_.activity : 1.0;
  for (TimeMs t0 : times) {
    Release r;
    r.id = next_release_++;
    r.t0 = t0;
    recent_releases_.push_back({r.id, t0});
    SpreadRelease(r, day_start, day_end, activity);
    JournalistForwards(r, day_end);
    releases_.push_back(std::move(r));
  }
  while (recent_releases_.size() > 40) recent_releases_.erase(recent_releases_.begin());
}

// Who posts release `r` today, and how: forwarded from an upstream source that has it already,
// or uploaded again (mirrors with their own edit of the picture).
void World::SpreadRelease(Release& r, TimeMs day_start, TimeMs day_end, double activity) {
  const TimeMs t0 = r.t0;
  std::vector<int32_t> srcs, touched;
  Content rc{CKind::kRelease, 0, 3, r.id, 0};
  struct Candidate {
    TimeMs t;
    int32_t chat;
  };
  std::vector<Candidate> cands;
  for (int32_t ci : st_.network_chats) {
    const Chat& c = st_.chats[static_cast<size_t>(ci)];
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
    if (t >= day_end || !crng_.Bernoulli(p * activity) || !st_.Active(c, t)) continue;
    cands.push_back({t, ci});
  }
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.t != b.t ? a.t < b.t : a.chat < b.chat;
  });
  lineage_posting_.resize(st_.lineages.size(), -1);
  for (const Candidate& cd : cands) {
    Chat& c = st_.chats[static_cast<size_t>(cd.chat)];
    const int32_t from = c.group ? st_.Poster(c, cd.t) : -1;
    if (c.group && from < 0) continue;
    int32_t via = -1;
    if (!c.group && !c.bots.empty() && crng_.Bernoulli(dp_.via_bot)) {
      const int32_t b = c.bots[crng_.Below(c.bots.size())];
      if (Alive(st_.accounts[static_cast<size_t>(b)], cd.t)) via = b;
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
      const size_t k = r.ChannelsBefore(st_.chats, cd.t);
      if (k > 0) {
        const int32_t pi = r.channel[crng_.Below(k)];
        c.upstream.push_back(
            st_.chats[static_cast<size_t>(r.postings[static_cast<size_t>(pi)].chat)].lineage);
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
}

// Journalists forward some releases with a comment.
void World::JournalistForwards(const Release& r, TimeMs day_end) {
  for (int32_t j : st_.journalists) {
    if (r.postings.empty() || !crng_.Bernoulli(dp_.journalist_forward)) continue;
    const Posting& src = r.postings[crng_.Bernoulli(0.5) ? 0 : crng_.Below(r.postings.size())];
    if (st_.chats[static_cast<size_t>(src.chat)].group) continue;
    const TimeMs t =
        src.time + std::clamp<TimeMs>(static_cast<TimeMs>(crng_.LogNormal(90, 0.8) * kMinute),
                                      kMinute, 12 * kHour);
    if (t + 10 * kMinute >= day_end || !Alive(st_.chats[static_cast<size_t>(j)], t)) continue;
    ForwardDraft(j, t, -1, src.draft);
    Content comment{CKind::kComment, 0, 5, static_cast<uint64_t>(src.chat) + 1, crng_.Next()};
    Post(j, t + static_cast<TimeMs>(crng_.Uniform(0.5, 8) * kMinute), -1, comment);
  }
}

void World::Chatter(TimeMs day_start, TimeMs day_end) {
  const bool after = AfterAction(day_start);
  const double activity = after ? ap_.activity * ap_.chatter : 1.0;
  const double migration = after ? dp_.migration_after : dp_.migration_before;
  std::vector<int32_t> live_dest;
  for (size_t i = 0; i < st_.destinations.size(); ++i) {
    if (st_.destinations[i].network && st_.destinations[i].available <= day_end)
      live_dest.push_back(static_cast<int32_t>(i));
  }
  std::erase_if(recent_replacements_, [&](int32_t c) {
    return st_.chats[static_cast<size_t>(c)].created + 4 * kDay < day_start;
  });
  for (int32_t pi : st_.supporters) {
    Person& p = st_.persons[static_cast<size_t>(pi)];
    if (p.account < 0) continue;
    const Account& acc = st_.accounts[static_cast<size_t>(p.account)];
    if (acc.down < day_start || acc.created >= day_end) continue;
    for (const Membership& ms : p.groups) {
      if (ms.chat < 0) continue;
      const Chat& c = st_.chats[static_cast<size_t>(ms.chat)];
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
          const size_t k = r.ChannelsBefore(st_.chats, t);
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
          if (st_.chats[static_cast<size_t>(rep)].created < t &&
              Alive(st_.chats[static_cast<size_t>(rep)], t)) {
            Post(ms.chat, t, p.account,
                 Content{CKind::kAd, 0, c.topic, static_cast<uint64_t>(rep), crng_.Next()});
            continue;
          }
        }
        Post(ms.chat, t, p.account, Content{CKind::kText, 0, c.topic, 0, crng_.Next()});
        if (crng_.Bernoulli(0.15) && st_.chats[static_cast<size_t>(ms.chat)].today.size() > 1) {
          const auto& today = st_.chats[static_cast<size_t>(ms.chat)].today;
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
    const Chat& target = st_.chats[static_cast<size_t>(ad.replacement)];
    if (!Alive(target, ad.time)) continue;
    int32_t poster = ad.poster;
    if (poster >= 0 && !st_.Active(st_.chats[static_cast<size_t>(poster)], ad.time)) poster = -1;
    for (int tries = 0; poster < 0 && tries < 12 && !st_.network_chats.empty(); ++tries) {
      const int32_t c = st_.network_chats[crng_.Below(st_.network_chats.size())];
      if (c != ad.replacement && st_.chats[static_cast<size_t>(c)].network == target.network &&
          st_.Active(st_.chats[static_cast<size_t>(c)], ad.time)) {
        poster = c;
      }
    }
    if (poster < 0) continue;
    const Chat& pc = st_.chats[static_cast<size_t>(poster)];
    int32_t from = -1;
    if (pc.group) {
      from = st_.Poster(pc, ad.time);
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
    const Chat& c = st_.chats[static_cast<size_t>(bp.chat)];
    if (bp.time < day_start || !Alive(c, bp.time)) continue;
    const int32_t from = c.group ? st_.Poster(c, bp.time) : -1;
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
  for (size_t i = 0; i < st_.destinations.size(); ++i) {
    if (!st_.destinations[i].network) benign_dest.push_back(static_cast<int32_t>(i));
  }
  // Channels: own posts first (so forwards can find them), then forwards.
  BenignChannelPosts(day_start, day_end, benign_dest);
  BenignForwards(day_start, day_end);
  BenignGroupChat(day_start, day_end, benign_dest);
  JournalistNotes(day_start, day_end);
}

void World::BenignChannelPosts(TimeMs day_start, TimeMs day_end,
                               const std::vector<int32_t>& benign_dest) {
  for (int32_t ci : st_.benign_channels) {
    Chat& c = st_.chats[static_cast<size_t>(ci)];
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
}

void World::BenignForwards(TimeMs day_start, TimeMs day_end) {
  for (int32_t ci : st_.benign_channels) {
    Chat& c = st_.chats[static_cast<size_t>(ci)];
    if (c.follows.empty()) continue;
    const TimeMs a = std::max(day_start, c.created), b = std::min(day_end, c.down);
    if (b <= a) continue;
    const int64_t n = crng_.Poisson(c.fwd_rate * static_cast<double>(b - a) / kDay);
    for (int64_t i = 0; i < n; ++i) {
      const TimeMs t = TimeIn(a, b);
      const int32_t src = c.follows[crng_.Below(c.follows.size())];
      const Chat& s = st_.chats[static_cast<size_t>(src)];
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
}

// Groups: members chat; a group that moved house goes quiet.
void World::BenignGroupChat(TimeMs day_start, TimeMs day_end,
                            const std::vector<int32_t>& benign_dest) {
  for (int32_t gi : st_.benign_groups) {
    Chat& g = st_.chats[static_cast<size_t>(gi)];
    const TimeMs a = std::max(day_start, g.created + kMinute), b = std::min(day_end, g.down);
    if (b <= a || g.members.empty()) continue;
    const double rate = static_cast<double>(g.members.size()) * sp_.benign_chat_per_member *
                        (g.rate < 0 ? 0.1 : 1.0);
    const int64_t n = crng_.Poisson(rate * static_cast<double>(b - a) / kDay);
    for (int64_t i = 0; i < n; ++i) {
      const TimeMs t = TimeIn(a, b);
      const int32_t from = g.members[crng_.Below(g.members.size())];
      if (t < 0 || !Alive(st_.accounts[static_cast<size_t>(from)], t)) continue;
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
}

// Journalists' own notes.
void World::JournalistNotes(TimeMs day_start, TimeMs day_end) {
  for (int32_t ji : st_.journalists) {
    Chat& c = st_.chats[static_cast<size_t>(ji)];
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
        for (size_t k = 0; k < st_.destinations.size(); ++k) {
          if (st_.destinations[k].network && st_.destinations[k].first < t)
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

}  // namespace cordon::sim::world
