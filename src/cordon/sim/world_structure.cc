// The network's life, day by day (world_impl.h): everyday takedowns drawn from daily hazards,
// the day of action, regenerations of chats and accounts, newcomers that top the populations
// up, supporters finding new groups, look-alike benign channels and benign relaunches. Every
// change goes through the schedule and runs in time order within the day.
#include <algorithm>
#include <cmath>
#include <utility>

#include "cordon/sim/world_impl.h"

namespace cordon::sim::world {

std::string World::NetworkLatin() {
  const auto& d = NetworkDescriptors();
  // Brands are not equally popular: the first few name most mirrors.
  const size_t b = std::min(st_.brands.size() - 1, static_cast<size_t>(rng_.Exponential(0.35)));
  return st_.brands[b] + " " + std::string(d[rng_.Below(d.size())]);
}

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
  std::erase_if(st_.network_chats,
                [&](int32_t c) { return st_.chats[static_cast<size_t>(c)].down != kNever; });
  std::erase_if(st_.network_accounts,
                [&](int32_t a) { return st_.accounts[static_cast<size_t>(a)].down != kNever; });
  for (int32_t c : st_.network_chats) {
    const Chat& ch = st_.chats[static_cast<size_t>(c)];
    if (ch.created >= day_start) continue;
    if (rng_.Bernoulli(1.0 - std::exp(-ChatHazard(ch)))) {
      Schedule(when(), Action{Act::kTakedown, c, -1, false, Source::kPlatform});
    }
  }
  for (int32_t a : st_.network_accounts) {
    const Account& ac = st_.accounts[static_cast<size_t>(a)];
    if (ac.created >= day_start) continue;
    if (rng_.Bernoulli(1.0 - std::exp(-AccountHazard(ac)))) {
      Schedule(when(), Action{Act::kTakedown, a, -1, true, Source::kPlatform});
    }
  }
  for (int32_t c : st_.journalists) {
    const Chat& ch = st_.chats[static_cast<size_t>(c)];
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
  for (int32_t c : st_.network_chats) {
    const Chat& ch = st_.chats[static_cast<size_t>(c)];
    if (ch.down != kNever || ch.created >= day_start) continue;
    if (rng_.Bernoulli(ap_.chats[k]))
      Schedule(when(), Action{Act::kTakedown, c, -1, false, Source::kReferral});
  }
  for (int32_t a : st_.network_accounts) {
    const Account& ac = st_.accounts[static_cast<size_t>(a)];
    if (ac.down != kNever || ac.created >= day_start) continue;
    double p = ap_.supporters[k];
    if (ac.role == Role::kBot) p = ap_.bots[k];
    if (ac.role == Role::kAdmin) {
      p = st_.persons[static_cast<size_t>(ac.person)].key ? ap_.key_admins[k] : ap_.admins[k];
    }
    if (rng_.Bernoulli(p)) Schedule(when(), Action{Act::kTakedown, a, -1, true, Source::kReferral});
  }
}

void World::TopUp(TimeMs day_start, TimeMs day_end) {
  // Newcomers refill part of each population's deficit: recruits, new mirrors, new bots.
  const double level = AfterAction(day_start) ? ap_.recovery : 1.0;
  int chats = 0, bots = 0, supporters = 0, admins = 0;
  for (int32_t c : st_.network_chats)
    chats += st_.Active(st_.chats[static_cast<size_t>(c)], day_start);
  for (int32_t a : st_.network_accounts) {
    const Account& ac = st_.accounts[static_cast<size_t>(a)];
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
  for (int32_t c : st_.network_chats) {
    const Chat& ch = st_.chats[static_cast<size_t>(c)];
    if (ch.group && ch.down == kNever && ch.created < day_start) groups.push_back(c);
  }
  if (groups.empty()) return;
  for (int32_t pi : st_.supporters) {
    Person& p = st_.persons[static_cast<size_t>(pi)];
    if (p.account < 0 || st_.accounts[static_cast<size_t>(p.account)].down != kNever) continue;
    int housed = 0;
    for (const Membership& m : p.groups) {
      const int32_t cur = st_.lineages[static_cast<size_t>(m.lineage)].current;
      housed += cur >= 0 && st_.chats[static_cast<size_t>(cur)].down == kNever;
    }
    if (housed >= p.want || !rng_.Bernoulli(dp_.rehome)) continue;
    const int32_t c = groups[rng_.Below(groups.size())];
    const int32_t l = st_.chats[static_cast<size_t>(c)].lineage;
    std::erase_if(p.groups, [&](const Membership& m) {
      const int32_t cur = st_.lineages[static_cast<size_t>(m.lineage)].current;
      return m.lineage == l || cur < 0 || st_.chats[static_cast<size_t>(cur)].down != kNever;
    });
    p.groups.push_back({l, -1, 0});
    st_.lineages[static_cast<size_t>(l)].members.push_back(pi);
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
      CreateBot(a.a >= 0 ? a.a : st_.PickAdminPerson(rng_, true, t), a.b, t);
      break;
    case Act::kReinstate: {
      Chat& c = st_.chats[static_cast<size_t>(a.a)];
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
      Person& p = st_.persons[static_cast<size_t>(a.a)];
      for (size_t k = 0; k < p.groups.size(); ++k) {
        if (p.groups[k].lineage == st_.chats[static_cast<size_t>(a.b)].lineage)
          JoinGroup(a.a, k, a.b, t);
      }
      break;
    }
  }
}

void World::JoinGroup(int32_t pi, size_t k, int32_t chat, TimeMs t) {
  Person& p = st_.persons[static_cast<size_t>(pi)];
  if (p.account < 0) return;
  const Account& acc = st_.accounts[static_cast<size_t>(p.account)];
  const Chat& c = st_.chats[static_cast<size_t>(chat)];
  if (!Alive(acc, t) || !Alive(c, t)) return;
  if (p.groups[k].chat == chat && p.groups[k].joined >= acc.created) return;
  p.groups[k].chat = chat;
  p.groups[k].joined = t;
  EmitMember(chat, p.account, t, MemberAction::kJoin);
}

void World::MaybeJoinResearcher(int32_t ci) {
  if (!cfg_.options.telegram_exports) return;
  Chat& c = st_.chats[static_cast<size_t>(ci)];
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
  if (c.network) st_.lineages[static_cast<size_t>(c.lineage)].researcher = true;
  c.export_slot = static_cast<int32_t>(exports_.size());
  exports_.push_back(std::move(*w));
  st_.export_chats.push_back(ci);
  if (!c.initial) {
    // A chat created in the window: its export starts with the creation service message.
    Note(
        exports_.back()->AddCreate(1, c.created, c.name, "channel" + std::to_string(c.id), c.name));
  }
}

void World::TakeDown(TimeMs t, int32_t idx, bool account, Source source) {
  static constexpr std::string_view kSources[] = {"platform", "referral", "user_report"};
  TakedownEvent e;
  e.time = t;
  e.source = std::string(kSources[static_cast<int>(source)]);
  if (account) {
    Account& a = st_.accounts[static_cast<size_t>(idx)];
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
  Chat& c = st_.chats[static_cast<size_t>(idx)];
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
  const Chat& c = st_.chats[static_cast<size_t>(ci)];
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
  const Account& a = st_.accounts[static_cast<size_t>(ai)];
  const double f = AfterAction(t) ? ap_.after_regen : 1.0;
  if (a.role == Role::kBot) {
    Person& owner = st_.persons[static_cast<size_t>(a.person)];
    std::erase(owner.bots, ai);
    if (!rng_.Bernoulli(dp_.regen_bot * f)) return;
    ++pending_bots_;
    const TimeMs delay = static_cast<TimeMs>(rng_.LogNormal(8, 0.8) * kHour);
    Schedule(t + delay, Action{Act::kNewBot, a.person, ai});
    return;
  }
  Person& p = st_.persons[static_cast<size_t>(a.person)];
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
  Person& p = st_.persons[static_cast<size_t>(pi)];
  (p.role == Role::kAdmin ? pending_admins_ : pending_supporters_)--;
  p.pending = kNever;
  const int32_t old = p.account;
  const Account& o = st_.accounts[static_cast<size_t>(old)];
  static constexpr NamingMethod kAccountMethods[] = {
      NamingMethod::kNumbering, NamingMethod::kHomoglyph, NamingMethod::kEmoji,
      NamingMethod::kSeparator, NamingMethod::kUnrelated};
  const NamingMethod m = kAccountMethods[rng_.Below(5)];
  const std::string fresh_last = MadeUpWord(rng_);
  const std::string fresh = MadeUpWord(rng_) + " " + fresh_last;
  NameVariant v =
      VariantName(rng_, m, o.name, o.name, o.username, 1 + static_cast<int>(rng_.Below(5)), fresh);
  const bool had_username = !o.username.empty();
  const int32_t a = st_.NewAccount(rng_, p.role, t, v.name, false, pi);
  if (had_username)
    st_.accounts[static_cast<size_t>(a)].username =
        st_.usernames.Claim(v.username.empty() ? UsernameFrom(v.latin) : v.username);
  st_.accounts[static_cast<size_t>(a)].parent = old;
  p.account = a;
  st_.network_accounts.push_back(a);
  EmitAccount(a, t);
  st_.regenerations.push_back({a, old, true, m, "", ""});
  ++summary_.regenerations;
  MaybeHazardToday(t, a, true, AccountHazard(st_.accounts[static_cast<size_t>(a)]));
  // A supporter's new account finds its groups again.
  for (size_t k = 0; k < p.groups.size(); ++k) {
    const int32_t cur = st_.lineages[static_cast<size_t>(p.groups[k].lineage)].current;
    if (cur >= 0 && Alive(st_.chats[static_cast<size_t>(cur)], t)) {
      Schedule(t + static_cast<TimeMs>(rng_.LogNormal(2, 1) * kHour), Action{Act::kJoin, pi, cur});
    }
  }
}

void World::CreateBot(int32_t pi, int32_t parent, TimeMs t) {
  if (pi < 0) return;
  Person& p = st_.persons[static_cast<size_t>(pi)];
  if (p.account < 0 || !Alive(st_.accounts[static_cast<size_t>(p.account)], t)) {
    if (p.pending != kNever && parent >= 0) {
      ++pending_bots_;
      Schedule(p.pending + static_cast<TimeMs>(rng_.Uniform(0.2, 6) * kHour),
               Action{Act::kNewBot, pi, parent});
    }
    return;
  }
  std::string name;
  if (parent >= 0) {
    const Account& pb = st_.accounts[static_cast<size_t>(parent)];
    name = pb.name;
    const size_t sp = name.rfind(" Bot");
    if (sp != std::string::npos) name.resize(sp);
    name += " " + std::to_string(rng_.Range(2, 40)) + " Bot";
  } else {
    const std::string word = MadeUpWord(rng_, 1, 2);
    name = st_.brands[rng_.Below(st_.brands.size())] + " " + word + " Bot";
  }
  const int32_t b = st_.NewAccount(rng_, Role::kBot, t, name, true, pi);
  st_.accounts[static_cast<size_t>(b)].creator = p.account;
  st_.accounts[static_cast<size_t>(b)].parent = parent;
  p.bots.push_back(b);
  st_.network_accounts.push_back(b);
  EmitAccount(b, t);
  if (parent >= 0) {
    st_.regenerations.push_back({b, parent, true, NamingMethod::kNumbering, "", ""});
    ++summary_.regenerations;
  }
  // Made admin of one or two of its owner's chats that are up.
  std::vector<int32_t> mine;
  std::erase_if(p.owned, [&](int32_t c) { return st_.chats[static_cast<size_t>(c)].down <= t; });
  for (int32_t c : p.owned) {
    if (Alive(st_.chats[static_cast<size_t>(c)], t)) mine.push_back(c);
  }
  for (int k = 0; k < 2 && !mine.empty(); ++k) {
    const int32_t c = mine[rng_.Below(mine.size())];
    auto& bots = st_.chats[static_cast<size_t>(c)].bots;
    if (std::find(bots.begin(), bots.end(), b) != bots.end()) continue;
    bots.push_back(b);
    EmitMember(c, b, t + kSecond, MemberAction::kAdmin);
  }
  MaybeHazardToday(t, b, true, AccountHazard(st_.accounts[static_cast<size_t>(b)]));
}

void World::CreateReplacement(int32_t parent, TimeMs t) {
  const Chat& pc = st_.chats[static_cast<size_t>(parent)];
  // Whoever runs it now: the owner's current account, or a co-admin still up.
  int32_t pi = pc.owner;
  Person* p = &st_.persons[static_cast<size_t>(pi)];
  int32_t acc = p->account;
  if (acc < 0 || !Alive(st_.accounts[static_cast<size_t>(acc)], t)) {
    if (p->pending != kNever) {
      ++pending_chats_;
      Schedule(p->pending + static_cast<TimeMs>(rng_.Uniform(0.2, 8) * kHour),
               Action{Act::kReplace, parent});
      return;
    }
    acc = -1;
    for (int32_t a : pc.admins) {
      if (Alive(st_.accounts[static_cast<size_t>(a)], t)) {
        acc = a;
        pi = st_.accounts[static_cast<size_t>(a)].person;
        break;
      }
    }
    if (acc < 0) return;
  }
  // The lineage moved on already (a replacement exists and is up): nothing to do.
  Lineage& lin = st_.lineages[static_cast<size_t>(pc.lineage)];
  if (lin.current != parent && Alive(st_.chats[static_cast<size_t>(lin.current)], t)) return;

  // The naming-tactic mix, in NamingMethod order (defaults 28/16/16/16/14/10%).
  const WeightedPicker methods({dp_.naming_numbering, dp_.naming_homoglyph, dp_.naming_separator,
                                dp_.naming_emoji, dp_.naming_transliteration,
                                dp_.naming_unrelated});
  const NamingMethod m = static_cast<NamingMethod>(methods.Pick(rng_));
  std::string fresh = NetworkLatin();
  if (m == NamingMethod::kUnrelated && dp_.unrelated_fresh > 0 &&
      rng_.Bernoulli(dp_.unrelated_fresh)) {
    const std::string last = MadeUpWord(rng_);
    fresh = MadeUpWord(rng_) + " " + last;  // shares not even the brand word
  }
  // A fresh account of the owner creates it: no admin in common with the parent, no bots.
  const bool fresh_creator = dp_.fresh_creator > 0 && rng_.Bernoulli(dp_.fresh_creator);
  if (fresh_creator) {
    const std::string last = MadeUpWord(rng_);
    const std::string first = MadeUpWord(rng_);
    acc = st_.NewAccount(rng_, Role::kAdmin, t, first + " " + last, false, pi);
    st_.network_accounts.push_back(acc);
    EmitAccount(acc, t);
    MaybeHazardToday(t, acc, true, AccountHazard(st_.accounts[static_cast<size_t>(acc)]));
  }
  NameVariant v = VariantName(rng_, m, pc.name, pc.latin, pc.username, pc.generation + 1, fresh);
  const bool is_public = !pc.username.empty() && rng_.Bernoulli(0.7);
  const int32_t ci =
      st_.NewChat(rng_, Role::kReplacement, pc.group, true, t, v.latin, false, false);
  Chat& c = st_.chats[static_cast<size_t>(ci)];
  const Chat& par = st_.chats[static_cast<size_t>(parent)];  // re-read: st_.chats may have grown
  c.name = v.name;
  if (is_public)
    c.username = st_.usernames.Claim(v.username.empty() ? UsernameFrom(v.latin) : v.username);
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
  const bool new_avatar = m == NamingMethod::kUnrelated
                              ? rng_.Bernoulli(dp_.avatar_new_unrelated)
                              : dp_.avatar_new_other > 0 && rng_.Bernoulli(dp_.avatar_new_other);
  if (new_avatar) {
    avatar = "new";
  } else {
    c.avatar_base = par.avatar_base;
    c.avatar_perturb = rng_.Next() | 1;
  }
  const std::vector<PostRef> parent_recent = par.recent;
  const uint32_t parent_pos = par.recent_pos;
  const bool same_admin = !par.admins.empty() && par.admins[0] == acc;
  st_.lineages[static_cast<size_t>(c.lineage)].current = ci;
  st_.network_chats.push_back(ci);
  EmitChat(ci, t);
  EmitMember(ci, acc, t, MemberAction::kCreator);
  EmitInvite(c, t);
  st_.regenerations.push_back({ci, parent, false, m,
                               fresh_creator ? "fresh"
                               : same_admin  ? "same"
                                             : "regenerated",
                               avatar});
  ++summary_.regenerations;
  st_.persons[static_cast<size_t>(pi)].chats++;
  st_.persons[static_cast<size_t>(pi)].owned.push_back(ci);
  // Its owner's bots that are up become its admins.
  for (int32_t b : st_.persons[static_cast<size_t>(pi)].bots) {
    if (!fresh_creator && Alive(st_.accounts[static_cast<size_t>(b)], t) &&
        st_.chats[static_cast<size_t>(ci)].bots.size() < 2) {
      st_.chats[static_cast<size_t>(ci)].bots.push_back(b);
      EmitMember(ci, b, t + kSecond, MemberAction::kAdmin);
    }
  }
  if (st_.lineages[static_cast<size_t>(c.lineage)].researcher && rng_.Bernoulli(0.7))
    MaybeJoinResearcher(ci);
  FollowReplacement(ci, t);
  // At 1 (the default) no draw, so the default world's random stream is unchanged.
  if (dp_.advertised >= 1 || rng_.Bernoulli(dp_.advertised)) {
    AdvertiseReplacement(ci, pi, t);
    recent_replacements_.push_back(ci);  // supporters advertise it too
  }
  if (dp_.backlog_share >= 1 || rng_.Bernoulli(dp_.backlog_share)) {
    RepostBacklog(ci, parent_recent, parent_pos, t);
  }
  MaybeHazardToday(t, ci, false, ChatHazard(st_.chats[static_cast<size_t>(ci)]));
}

// Group members follow the replacement's invite link, some of them; the others drop the lineage.
void World::FollowReplacement(int32_t ci, TimeMs t) {
  if (!st_.chats[static_cast<size_t>(ci)].group) return;
  Lineage& l = st_.lineages[static_cast<size_t>(st_.chats[static_cast<size_t>(ci)].lineage)];
  std::vector<int32_t> kept;
  for (int32_t m2 : l.members) {
    if (rng_.Bernoulli(dp_.follow)) {
      kept.push_back(m2);
      Schedule(t + static_cast<TimeMs>(rng_.LogNormal(3, 1) * kHour), Action{Act::kJoin, m2, ci});
    } else {
      std::erase_if(st_.persons[static_cast<size_t>(m2)].groups, [&](const Membership& mm) {
        return mm.lineage == st_.chats[static_cast<size_t>(ci)].lineage;
      });
    }
  }
  l.members = std::move(kept);
}

// Adverts for the replacement, by its owner's other chats that are up (else by any network chat,
// picked when the advert is posted).
void World::AdvertiseReplacement(int32_t ci, int32_t pi, TimeMs t) {
  const int64_t n_ads = 1 + rng_.Poisson(dp_.ads_per_replacement - 1);
  std::vector<int32_t> siblings;
  for (int32_t s : st_.persons[static_cast<size_t>(pi)].owned) {
    if (s != ci && st_.chats[static_cast<size_t>(s)].down == kNever) siblings.push_back(s);
  }
  for (int64_t i = 0; i < n_ads; ++i) {
    const TimeMs at = t + std::clamp<TimeMs>(static_cast<TimeMs>(rng_.LogNormal(2.5, 1) * kHour),
                                             5 * kMinute, 36 * kHour);
    const int32_t poster =
        !siblings.empty() && rng_.Bernoulli(0.6) ? siblings[rng_.Below(siblings.size())] : -1;
    ads_.push_back({at, ci, poster});
  }
}

// The parent's last posts, reposted by the replacement as its own, minutes apart.
void World::RepostBacklog(int32_t ci, const std::vector<PostRef>& parent_recent,
                          uint32_t parent_pos, TimeMs t) {
  TimeMs at = t + 2 * kMinute;
  const size_t n = parent_recent.size();
  for (size_t i = 0; i < n; ++i) {
    const PostRef& r = parent_recent[(parent_pos + i) % n];
    at += static_cast<TimeMs>(rng_.Uniform(15, 120) * kSecond);
    backlog_.push_back({at, ci, r.content});
  }
}

void World::CreateMirror(TimeMs t) {
  const int32_t pi = st_.PickAdminPerson(rng_, true, t);
  if (pi < 0) return;
  const bool group = rng_.Bernoulli(dp_.group_share);
  const bool is_public = rng_.Bernoulli(dp_.public_share);
  const bool arabic = rng_.Bernoulli(0.25);
  const int32_t ci =
      st_.NewChat(rng_, Role::kMirror, group, true, t, NetworkLatin(), arabic, is_public);
  Chat& c = st_.chats[static_cast<size_t>(ci)];
  c.owner = pi;
  c.admins.push_back(st_.persons[static_cast<size_t>(pi)].account);
  c.subscribers =
      std::min<int64_t>(20000, static_cast<int64_t>(rng_.Pareto(30, dp_.subscribers_alpha)));
  c.activity = std::clamp(rng_.LogNormal(1.0, 0.3), 0.4, 1.6);
  c.reupload = std::clamp(dp_.reupload * rng_.LogNormal(0.8, 0.7), 0.02, 0.95);
  c.next_id = 1;
  // Upstream: sources that are up now.
  for (int tries = 0; tries < 6 && c.upstream.size() < 2 && !st_.network_chats.empty(); ++tries) {
    const int32_t s = st_.network_chats[rng_.Below(st_.network_chats.size())];
    const Chat& sc = st_.chats[static_cast<size_t>(s)];
    if (!sc.group && sc.down == kNever && sc.lineage >= 0 &&
        std::find(c.upstream.begin(), c.upstream.end(), sc.lineage) == c.upstream.end()) {
      st_.chats[static_cast<size_t>(ci)].upstream.push_back(sc.lineage);
    }
  }
  st_.lineages.push_back(Lineage{ci, {}, false});
  st_.chats[static_cast<size_t>(ci)].lineage = static_cast<int32_t>(st_.lineages.size() - 1);
  st_.persons[static_cast<size_t>(pi)].chats++;
  st_.persons[static_cast<size_t>(pi)].owned.push_back(ci);
  st_.network_chats.push_back(ci);
  EmitChat(ci, t);
  EmitMember(ci, st_.chats[static_cast<size_t>(ci)].admins[0], t, MemberAction::kCreator);
  if (st_.chats[static_cast<size_t>(ci)].username.empty()) {
    EmitInvite(st_.chats[static_cast<size_t>(ci)], t);
  }
  MaybeHazardToday(t, ci, false, ChatHazard(st_.chats[static_cast<size_t>(ci)]));
}

void World::CreateSupporter(TimeMs t) {
  std::vector<int32_t> groups;
  for (int tries = 0; tries < 20 && groups.size() < 2 && !st_.network_chats.empty(); ++tries) {
    const int32_t c = st_.network_chats[rng_.Below(st_.network_chats.size())];
    const Chat& ch = st_.chats[static_cast<size_t>(c)];
    if (ch.group && Alive(ch, t) && std::find(groups.begin(), groups.end(), c) == groups.end())
      groups.push_back(c);
  }
  if (groups.empty()) return;
  Person p;
  p.role = Role::kSupporter;
  p.rate = dp_.supporter_rate / std::exp(0.32) * rng_.LogNormal(1.0, 0.8);
  st_.persons.push_back(p);
  const int32_t pi = static_cast<int32_t>(st_.persons.size() - 1);
  const bool with_username = rng_.Bernoulli(0.35);
  const int64_t number = rng_.Range(1, 999);
  const std::string word = MadeUpWord(rng_);
  const int32_t a =
      st_.NewAccount(rng_, Role::kSupporter, t, word + std::to_string(number), with_username, pi);
  st_.persons[static_cast<size_t>(pi)].account = a;
  st_.persons[static_cast<size_t>(pi)].want = static_cast<int32_t>(groups.size());
  st_.network_accounts.push_back(a);
  st_.supporters.push_back(pi);
  EmitAccount(a, t);
  for (int32_t c : groups) {
    const int32_t l = st_.chats[static_cast<size_t>(c)].lineage;
    st_.persons[static_cast<size_t>(pi)].groups.push_back({l, -1, 0});
    st_.lineages[static_cast<size_t>(l)].members.push_back(pi);
    Schedule(t + static_cast<TimeMs>(rng_.Uniform(1, 120) * kMinute), Action{Act::kJoin, pi, c});
  }
  MaybeHazardToday(t, a, true, AccountHazard(st_.accounts[static_cast<size_t>(a)]));
}

void World::CreateAdmin(TimeMs t) {
  Person p;
  p.role = Role::kAdmin;
  st_.persons.push_back(p);
  const int32_t pi = static_cast<int32_t>(st_.persons.size() - 1);
  const bool with_username = rng_.Bernoulli(0.6);
  const std::string last = MadeUpWord(rng_);
  const std::string first = MadeUpWord(rng_);
  const int32_t a = st_.NewAccount(rng_, Role::kAdmin, t, first + " " + last, with_username, pi);
  st_.persons[static_cast<size_t>(pi)].account = a;
  st_.network_accounts.push_back(a);
  EmitAccount(a, t);
  // Newcomers join the admin pool at the tail of the ranking.
  st_.admin_persons.push_back(pi);
  std::vector<double> w;
  for (size_t i = 0; i < st_.admin_persons.size(); ++i)
    w.push_back(1.0 / std::pow(i + 1.0, dp_.admin_zipf));
  st_.admin_picker = WeightedPicker(w);
  MaybeHazardToday(t, a, true, AccountHazard(st_.accounts[static_cast<size_t>(a)]));
}

void World::CreateLookalike(TimeMs t) {
  // A benign channel whose name resembles a network chat's: every naming method in turn.
  std::vector<int32_t> net;
  for (int tries = 0; tries < 10 && net.empty(); ++tries) {
    const int32_t c = static_cast<int32_t>(rng_.Below(st_.chats.size()));
    if (st_.chats[static_cast<size_t>(c)].network) net.push_back(c);
  }
  if (net.empty() || st_.benign_users.empty()) return;
  const Chat& like = st_.chats[static_cast<size_t>(net[0])];
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
  const int32_t ci = st_.NewChat(rng_, Role::kLookalike, false, false, t, v.latin, false, false);
  Chat& c = st_.chats[static_cast<size_t>(ci)];
  c.name = v.name;
  if (rng_.Bernoulli(0.7))
    c.username = st_.usernames.Claim(v.username.empty() ? UsernameFrom(v.latin) : v.username);
  c.admins.push_back(st_.benign_users[rng_.Below(st_.benign_users.size())]);
  c.subscribers = static_cast<int64_t>(rng_.Pareto(20, 1.2));
  c.rate = sp_.benign_posts_per_day * rng_.LogNormal(0.8, 0.6);
  c.fwd_rate = c.rate * 0.15;
  c.next_id = 1;
  const int k = static_cast<int>(rng_.Range(0, 3));
  for (int j = 0; j < k && !st_.benign_channels.empty(); ++j) {
    c.follows.push_back(st_.benign_channels[rng_.Below(st_.benign_channels.size())]);
  }
  st_.lookalikes.push_back({ci, net[0], method_name});
  st_.benign_channels.push_back(ci);
  EmitChat(ci, t);
  EmitMember(ci, st_.chats[static_cast<size_t>(ci)].admins[0], t, MemberAction::kCreator);
  if (joined_benign_ < sp_.joined_benign && rng_.Bernoulli(0.5)) MaybeJoinResearcher(ci);
}

void World::CreateRelaunch(TimeMs t) {
  // A benign group moves to a new group and says so with an invite link; the old one stays.
  std::vector<int32_t> cands;
  for (int32_t g : st_.benign_groups) {
    const Chat& c = st_.chats[static_cast<size_t>(g)];
    if (Alive(c, t) && c.members.size() >= 3) cands.push_back(g);
  }
  if (cands.empty()) return;
  const int32_t parent = cands[rng_.Below(cands.size())];
  static constexpr NamingMethod kBenignMethods[] = {NamingMethod::kNumbering, NamingMethod::kEmoji,
                                                    NamingMethod::kSeparator};
  const NamingMethod m = kBenignMethods[rng_.Below(3)];
  const Chat& pc = st_.chats[static_cast<size_t>(parent)];
  NameVariant v = VariantName(rng_, m, pc.name, pc.latin, pc.username, 1, "");
  const int32_t ci =
      st_.NewChat(rng_, Role::kBenignRelaunch, true, false, t, v.latin, false, false);
  Chat& c = st_.chats[static_cast<size_t>(ci)];
  const Chat& par = st_.chats[static_cast<size_t>(parent)];
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
  st_.benign_groups.push_back(ci);
  st_.relaunches.push_back({ci, parent, false, m, "same", "perturbed"});
  EmitChat(ci, t);
  EmitMember(ci, st_.chats[static_cast<size_t>(ci)].admins[0], t, MemberAction::kCreator);
  EmitInvite(st_.chats[static_cast<size_t>(ci)], t);
  for (int32_t u : moved) {
    EmitMember(ci, u, t + static_cast<TimeMs>(rng_.Uniform(1, 600) * kMinute), MemberAction::kJoin);
  }
  // The old group announces the move; it quiets down afterwards.
  ads_.push_back({t + 10 * kMinute, ci, parent});
  st_.chats[static_cast<size_t>(parent)].rate = -1;  // marks "moved": chatter drops
}

}  // namespace cordon::sim::world
