// Events (world_impl.h): every change of the day becomes a draft stamped with its time and a
// sequence number; Flush sorts the day's drafts, gives messages their ids, makes each message's
// text and media again from its Content, and writes the events to events.ndjson and the
// researcher's chats to their Telegram exports. Ties in time keep creation order, so the output
// is the same on every run.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <numeric>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cordon/model/event_json.h"
#include "cordon/sim/world_impl.h"

namespace cordon::sim::world {
namespace {

// key = chat key + "/" + id, reusing the string's buffer.
void MessageKey(std::string& out, const std::string& chat, uint32_t id) {
  char num[16];
  num[0] = '/';
  const auto r = std::to_chars(num + 1, num + sizeof num, id);
  out.assign(chat).append(num, static_cast<size_t>(r.ptr - num));
}

}  // namespace

void World::EmitChat(int32_t ci, TimeMs t) {
  Chat& c = st_.chats[static_cast<size_t>(ci)];
  EntityEvent e;
  e.key = c.key;
  e.kind = c.group ? EntityKind::kGroup : EntityKind::kChannel;
  e.time = t;
  e.name = c.name;
  if (!c.username.empty()) e.username = c.username;
  e.created = c.created;
  if (!c.admins.empty()) e.creator = st_.accounts[static_cast<size_t>(c.admins[0])].key;
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
  const Account& a = st_.accounts[static_cast<size_t>(ai)];
  EntityEvent e;
  e.key = a.key;
  e.kind = a.bot ? EntityKind::kBot : EntityKind::kUser;
  e.time = t;
  e.name = a.name;
  if (!a.username.empty()) e.username = a.username;
  e.created = a.created;
  if (a.creator >= 0) e.creator = st_.accounts[static_cast<size_t>(a.creator)].key;
  EmitEvent(t, std::move(e));
  ++summary_.entities;
  if (a.network) ++summary_.network_entities;
}

void World::EmitMember(int32_t chat, int32_t account, TimeMs t, MemberAction action) {
  t = Sec(t);
  MemberEvent m;
  m.chat = st_.chats[static_cast<size_t>(chat)].key;
  m.user = st_.accounts[static_cast<size_t>(account)].key;
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

void World::EmitInvite(const Chat& c, TimeMs t) {
  InviteEvent inv{"t.me/+" + c.invite, c.key, t};
  EmitEvent(t, std::move(inv));
  ++summary_.invites;
}

Status World::Flush(int day) {
  (void)day;
  buf_.clear();
  Media media;  // reused from message to message
  for (uint32_t i : DraftsInTimeOrder()) {
    Draft& d = drafts_[i];
    if (d.other >= 0) {
      AppendEventJson(others_[static_cast<size_t>(d.other)], buf_);
    } else {
      RETURN_IF_ERROR(FlushMessage(d, media));
    }
    if (buf_.size() > (8u << 20)) RETURN_IF_ERROR(WriteEvents());
  }
  summary_.events += static_cast<int64_t>(drafts_.size());
  RETURN_IF_ERROR(WriteEvents());
  drafts_.clear();
  others_.clear();
  for (Chat& c : st_.chats) c.today.clear();
  return Status::Ok();
}

std::vector<uint32_t> World::DraftsInTimeOrder() const {
  std::vector<uint32_t> order(drafts_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Draft& x = drafts_[a];
    const Draft& y = drafts_[b];
    return x.time != y.time ? x.time < y.time : x.seq < y.seq;
  });
  return order;
}

// A message: made again from its Content into a reused event, appended to buf_ and exported
// when the researcher follows its chat.
Status World::FlushMessage(Draft& d, Media& media) {
  Chat& c = st_.chats[static_cast<size_t>(d.chat)];
  d.id = ++c.next_id;
  const MediaFile* photo = nullptr;
  bool video = false;
  const StatusOr<bool> with_media = render_.MediaOf(d.content, media, &photo, &video);
  if (!with_media.ok()) Note(with_media.status());
  const bool has_media = with_media.ok() && *with_media;
  const bool is_fwd = d.fwd_chat >= 0;
  Event& ev = scratch_[has_media][is_fwd];
  if (!std::holds_alternative<MessageEvent>(ev)) ev = MessageEvent{};
  MessageEvent& m = std::get<MessageEvent>(ev);
  MessageKey(m.key, c.key, d.id);
  m.chat.assign(c.key);
  m.time = d.time;
  m.from.assign(d.from_account >= 0 ? st_.accounts[static_cast<size_t>(d.from_account)].key
                                    : c.key);
  m.text.clear();
  m.links.clear();
  render_.Text(d.content, st_, m.text, m.links);
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
    const Chat& sc = st_.chats[static_cast<size_t>(d.fwd_chat)];
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
    m.via_bot.assign(st_.accounts[static_cast<size_t>(d.via_bot)].key);
  } else {
    m.via_bot.clear();
  }
  if (d.reply >= 0) {
    MessageKey(m.reply_to, c.key, drafts_[static_cast<size_t>(d.reply)].id);
  } else {
    m.reply_to.clear();
  }
  if (d.repost) RememberPost(c, d);
  if (c.export_slot >= 0) RETURN_IF_ERROR(ExportMessage(d, m, photo, video));
  AppendEventJson(ev, buf_);
  return Status::Ok();
}

// The chat's recent posts, a ring a replacement reposts as its backlog and forwards draw from.
void World::RememberPost(Chat& c, const Draft& d) {
  const size_t cap = c.network ? static_cast<size_t>(dp_.backlog) : 4;
  PostRef ref{d.id, d.time, d.content};
  if (c.recent.size() < cap) {
    c.recent.push_back(ref);
  } else {
    c.recent[c.recent_pos] = ref;
    c.recent_pos = static_cast<uint32_t>((c.recent_pos + 1) % cap);
  }
}

Status World::WriteEvents() {
  if (std::fwrite(buf_.data(), 1, buf_.size(), events_) != buf_.size()) {
    return Status::IoError("cannot write events.ndjson");
  }
  summary_.events_bytes += static_cast<int64_t>(buf_.size());
  buf_.clear();
  return Status::Ok();
}

Status World::ExportMessage(const Draft& d, const MessageEvent& m, const MediaFile* photo,
                            bool video) {
  const Chat& c = st_.chats[static_cast<size_t>(d.chat)];
  sim::ExportMessage e;
  e.id = d.id;
  e.time = d.time;
  if (c.group && d.from_account >= 0) {
    const Account& a = st_.accounts[static_cast<size_t>(d.from_account)];
    e.from = a.name;
    e.from_id = "user" + std::to_string(a.id);
  } else {
    e.from = c.name;
    e.from_id = "channel" + std::to_string(c.id);
  }
  if (d.fwd_chat >= 0) e.forwarded_from = st_.chats[static_cast<size_t>(d.fwd_chat)].name;
  if (d.via_bot >= 0) e.via_bot = "@" + st_.accounts[static_cast<size_t>(d.via_bot)].username;
  if (d.reply >= 0) e.reply_to = drafts_[static_cast<size_t>(d.reply)].id;
  std::string bytes;
  if (photo != nullptr) {
    auto b = render_.media().Bytes(*photo);
    if (!b.ok()) return b.status();
    bytes = std::move(*b);
    (video ? e.video_bytes : e.photo_bytes) = &bytes;
    e.video = video;
    e.width = photo->width;
    e.height = photo->height;
    e.duration = (photo->frames + kVideoFps / 2) / kVideoFps;
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

}  // namespace cordon::sim::world
