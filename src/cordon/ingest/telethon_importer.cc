// Telethon Message objects as collection tools store them: one per line, as Telethon's
// to_dict()/to_json() writes them ("_" type tags, ISO dates), as 4CAT writes them ("_type" tags,
// float dates, "_chat"/"_sender" beside the message), optionally inside a {"data": ...} or
// {"body": ...} wrapper; or one messages.* container document ({"_": "messages.ChannelMessages",
// "messages": [...], "chats": [...], "users": [...]}) as telegram-tracker saves it.
// docs/formats/telethon.md describes the fields read and how they map onto events.
#include <algorithm>
#include <fstream>
#include <string>
#include <unordered_map>

#include "cordon/ingest/count_field.h"
#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/telegram_common.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/time.h"
#include "cordon/util/utf8.h"

namespace cordon {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
namespace tg = telegram;

// The type tag: "_" as Telethon writes it, "_type" as 4CAT does.
std::string_view TypeTag(object o) {
  element e;
  if (o.at_key("_").get(e) == simdjson::SUCCESS && e.is_string()) return std::string_view(e);
  if (o.at_key("_type").get(e) == simdjson::SUCCESS && e.is_string()) return std::string_view(e);
  return {};
}

std::optional<int64_t> PositiveId(object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || !e.is_number()) return std::nullopt;
  auto v = ElementInt(e);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

// A Peer: {"_": "PeerChannel", "channel_id": 1} and its PeerChat/PeerUser siblings, a "marked"
// integer id, or a peer 4CAT replaced with the resolved entity (which keeps channel_id, or holds
// the user under "full_user"/"user"). Null is no peer; anything else sets `error`.
std::optional<std::string> PeerKey(element e, std::string_view field, std::string& error) {
  if (e.is_null()) return std::nullopt;
  if (e.is_number()) {
    if (auto n = ElementInt(e)) {
      if (auto k = tg::KeyFromMarkedId(*n)) return k;
    }
  } else if (e.is_object()) {
    object o(e);
    if (auto id = PositiveId(o, "channel_id")) return tg::ChannelKey(*id);
    if (auto id = PositiveId(o, "chat_id")) return tg::ChatKey(*id);
    if (auto id = PositiveId(o, "user_id")) return tg::UserKey(*id);
    for (std::string_view inner : {"full_user", "user"}) {
      element u;
      if (o.at_key(inner).get(u) == simdjson::SUCCESS && u.is_object()) {
        if (auto id = PositiveId(object(u), "id")) return tg::UserKey(*id);
      }
    }
  }
  if (error.empty()) error = "field '" + std::string(field) + "': expected a Peer";
  return std::nullopt;
}

std::optional<std::string> PeerField(Fields& f, std::string_view field) {
  auto e = f.Any(field);
  if (!e) return std::nullopt;
  std::string error;
  auto key = PeerKey(*e, field, error);
  if (!error.empty()) f.Fail(error);
  return key;
}

// Telethon dates: an ISO string ("2019-11-20T10:05:00+00:00"; str() gives a space for the 'T')
// or, from 4CAT, a number of seconds.
std::optional<TimeMs> ReadDate(Fields& f, std::string_view field, bool required) {
  auto e = f.Any(field);
  if (!e) {
    if (required) f.Fail("missing field '" + std::string(field) + "'");
    return std::nullopt;
  }
  std::optional<TimeMs> t;
  if (e->is_string()) {
    t = ParseRfc3339Ms(std::string_view(*e));
  } else if (e->is_int64() || e->is_uint64()) {
    if (auto s = ElementInt(*e)) t = tg::SecondsToMs(*s);
  } else if (e->is_double()) {
    t = tg::SecondsToMs(double(*e));
  }
  if (!t) f.Fail("field '" + std::string(field) + "': expected an ISO date-time or seconds");
  return t;
}

// The media kinds Telegram Desktop exports use, from a Document's attributes.
std::string DocumentKind(object document) {
  bool sticker = false, round = false, voice = false, animated = false, video = false,
       audio = false;
  element attrs;
  if (document.at_key("attributes").get(attrs) == simdjson::SUCCESS && attrs.is_array()) {
    for (element a : array(attrs)) {
      if (!a.is_object()) continue;
      object ao(a);
      std::string_view t = TypeTag(ao);
      bool flag = false;
      auto flag_of = [&](std::string_view key) {
        element b;
        return ao.at_key(key).get(b) == simdjson::SUCCESS && b.is_bool() && bool(b);
      };
      if (t == "DocumentAttributeSticker") sticker = true;
      if (t == "DocumentAttributeAnimated") animated = true;
      if (t == "DocumentAttributeVideo") {
        flag = flag_of("round_message");
        (flag ? round : video) = true;
      }
      if (t == "DocumentAttributeAudio") {
        flag = flag_of("voice");
        (flag ? voice : audio) = true;
      }
    }
  }
  if (sticker) return "sticker";
  if (round) return "video_message";
  if (voice) return "voice_message";
  if (animated) return "animation";
  if (video) return "video_file";
  if (audio) return "audio_file";
  return "file";
}

bool LooksLikeMessage(object o) {
  std::string_view tag = TypeTag(o);
  if (tag.starts_with("Message")) return true;
  element e;
  return o.at_key("peer_id").get(e) == simdjson::SUCCESS ||
         o.at_key("to_id").get(e) == simdjson::SUCCESS;
}

class TelethonReader {
 public:
  explicit TelethonReader(EventSink& sink) : sink_(sink) {}

  // Indexes a container's "chats" and "users" lists so messages can name what they mention.
  void IndexEntities(object root) {
    for (std::string_view list : {"chats", "users"}) {
      element arr;
      if (root.at_key(list).get(arr) != simdjson::SUCCESS || !arr.is_array()) continue;
      for (element e : array(arr)) {
        if (!e.is_object()) continue;
        if (auto key = EntityKeyOf(object(e))) known_.emplace(*key, object(e));
      }
    }
  }

  // One line (or one element of a container's messages): a message, maybe wrapped.
  RecordResult ReadRecord(element root, const Location& where) {
    if (!root.is_object()) return RecordResult::Reject("expected a JSON object");
    object o(root);
    if (!LooksLikeMessage(o)) {
      bool unwrapped = false;
      for (std::string_view wrapper : {"data", "body"}) {
        element inner;
        if (o.at_key(wrapper).get(inner) == simdjson::SUCCESS && inner.is_object() &&
            LooksLikeMessage(object(inner))) {
          o = object(inner);
          unwrapped = true;
          break;
        }
      }
      if (!unwrapped) {
        std::string_view tag = TypeTag(o);
        return RecordResult::Reject(
            tag.empty() ? std::string("not a Telethon message: no 'peer_id'")
                        : "not a Telethon message: type '" + std::string(tag) + "'");
      }
    }
    return ReadMessage(o, where);
  }

  Status Finish() { return table_.Flush(sink_); }
  bool sink_failed() const { return sink_failed_; }

 private:
  RecordResult Emit(Event&& e, const Location& where) {
    Status s = sink_.OnEvent(std::move(e), where);
    if (s.ok()) return RecordResult::Ok();
    sink_failed_ = true;
    return RecordResult::Fatal(std::move(s));
  }

  // The key of a Channel/Chat/User object as Telethon serialises entities.
  static std::optional<std::string> EntityKeyOf(object d) {
    std::string_view tag = TypeTag(d);
    auto id = PositiveId(d, "id");
    if (!id) return std::nullopt;
    if (tag == "Channel" || tag == "ChannelForbidden") return tg::ChannelKey(*id);
    if (tag == "Chat" || tag == "ChatForbidden") return tg::ChatKey(*id);
    if (tag == "User") return tg::UserKey(*id);
    return std::nullopt;
  }

  // Fills an entity from a Channel/Chat/User object. Fields of unexpected types are skipped:
  // they only add names and never decide whether the message is kept.
  static void FillFromEntity(EntityEvent& e, object d) {
    std::string_view tag = TypeTag(d);
    auto str = [&](std::string_view k) -> std::string_view {
      Fields g(d);
      return g.Str(k).value_or("");
    };
    auto flag = [&](std::string_view k) {
      Fields g(d);
      return g.Bool(k).value_or(false);
    };
    if (tag == "User") {
      std::string name(str("first_name"));
      std::string_view last = str("last_name");
      if (!last.empty()) name += (name.empty() ? "" : " ") + std::string(last);
      tg::FillIfEmpty(e.name, name);
      if (flag("bot")) e.kind = EntityKind::kBot;
      if (e.kind == EntityKind::kUnknown) e.kind = EntityKind::kUser;
    } else {
      tg::FillIfEmpty(e.name, str("title"));
      if (flag("megagroup") || flag("gigagroup") || tag.starts_with("Chat")) {
        e.kind = EntityKind::kGroup;
      } else if (flag("broadcast")) {
        e.kind = EntityKind::kChannel;
      }
      // Its "date" is when the collecting account joined, not when the chat was made: unused.
      Fields g(d);
      if (auto n = g.Int("participants_count"); n && *n >= 0 && g.ok() && !e.subscribers) {
        e.subscribers = n;  // a negative count says nothing: left unknown
      }
    }
    tg::FillIfEmpty(e.username, str("username"));
  }

  // Notes that the file shows `key` at `time`; names it from what the file says about it.
  void Observe(const std::string& key, EntityKind kind, TimeMs time, const Location& where,
               std::optional<object> info = std::nullopt) {
    if (!info) {
      auto it = known_.find(key);
      if (it != known_.end()) info = it->second;
    }
    if (!info && kind == EntityKind::kUnknown && !table_.Find(key)) return;  // nothing to add
    EntityEvent& e = table_.Observe(key, kind, time, where);
    if (info) FillFromEntity(e, *info);
  }

  void ObserveAttached(object msg, std::string_view field, TimeMs time, const Location& where) {
    element e;
    if (msg.at_key(field).get(e) != simdjson::SUCCESS || !e.is_object()) return;
    if (auto key = EntityKeyOf(object(e)))
      Observe(*key, EntityKind::kUnknown, time, where, object(e));
  }

  RecordResult ReadMessage(object o, const Location& where) {
    Fields f(o);
    std::string_view tag = TypeTag(o);
    if (tag == "MessageEmpty") {
      sink_.OnWeird(weird::kEmptyMessage, "empty message skipped", where);
      return RecordResult::Ok();
    }
    if (!tag.empty() && tag != "Message" && tag != "MessageService") {
      return RecordResult::Reject("not a Telethon message: type '" + std::string(tag) + "'");
    }
    auto id = f.Int("id");
    // Layers before 119 (Telethon < 1.16) named the chat "to_id".
    std::optional<std::string> chat =
        f.Any("peer_id") ? PeerField(f, "peer_id") : PeerField(f, "to_id");
    auto time = ReadDate(f, "date", /*required=*/true);
    bool from_unmapped = false;
    auto from = SenderField(f, "from_id", where, &from_unmapped);
    if (!f.ok()) return RecordResult::Reject(f.error());
    if (!id) return RecordResult::Reject("missing field 'id'");
    if (!chat) return RecordResult::Reject("missing field 'peer_id'");
    auto action = f.Obj("action");
    auto post = f.Bool("post");
    if (!f.ok()) return RecordResult::Reject(f.error());
    // A post in a channel is a broadcast's; anything else there is a supergroup's.
    const bool channel = chat->starts_with("telegram:channel");
    EntityKind chat_kind = EntityKind::kUnknown;
    if (chat->starts_with("telegram:chat")) {
      chat_kind = EntityKind::kGroup;
    } else if (channel && post) {
      chat_kind = *post ? EntityKind::kChannel : EntityKind::kGroup;
    }
    if (tag == "MessageService" || (tag.empty() && action)) {
      RecordResult r = ReadService(*chat, from, action, *time, where);
      if (r.reject.empty() && r.fatal.ok()) Observe(*chat, chat_kind, *time, where);
      return r;
    }

    MessageEvent ev;
    ev.key = *chat + "/" + std::to_string(*id);
    ev.chat = *chat;
    ev.time = *time;
    if (auto t = f.Str("message")) ev.text = std::string(*t);
    std::vector<std::string> links;
    ReadEntities(f, ev.text, links, where);
    ReadForward(f, ev, where);
    ev.edited = ReadDate(f, "edit_date", /*required=*/false);
    ev.reactions = ReadReactions(f);
    if (auto bot = f.Int("via_bot_id")) {
      if (*bot > 0) ev.via_bot = tg::UserKey(*bot);
    }
    ReadReply(f, ev);
    ReadMedia(f, ev, links);
    ev.views = ReadCount(f, "views", sink_, where);
    if (!f.ok()) return RecordResult::Reject(f.error());

    tg::AddTextLinks(links, ev.text);
    ev.links = std::move(links);
    // Channel posts carry no from_id: the channel speaks. A sender that could not be keyed
    // stays unknown.
    ev.from = from ? *from : (channel && !from_unmapped ? *chat : "");
    Observe(*chat, chat_kind, *time, where);
    ObserveAttached(o, "_chat", *time, where);
    if (!ev.from.empty() && ev.from != *chat) Observe(ev.from, EntityKind::kUnknown, *time, where);
    ObserveAttached(o, "_sender", *time, where);
    if (!ev.via_bot.empty()) Observe(ev.via_bot, EntityKind::kBot, *time, where);
    if (ev.forward && !ev.forward->chat.empty()) {
      Observe(ev.forward->chat, EntityKind::kUnknown, ev.forward->time.value_or(*time), where);
    }
    return Emit(std::move(ev), where);
  }

  // MessageEntityUrl spans (offsets in UTF-16 units) and MessageEntityTextUrl targets, in entity
  // order. All spans are mapped to bytes in one pass over the text, however many there are.
  void ReadEntities(Fields& f, const std::string& text, std::vector<std::string>& links,
                    const Location& where) {
    auto ents = f.Arr("entities");
    if (!ents) return;
    struct Item {
      int64_t offset = 0, length = 0;  // a URL span when url is empty
      std::string_view url;
    };
    std::vector<Item> items;
    std::vector<int64_t> units;
    for (element e : *ents) {
      if (!e.is_object()) {
        f.Fail("field 'entities': expected an array of objects");
        return;
      }
      object eo(e);
      std::string_view tag = TypeTag(eo);
      Fields ef(eo);
      if (tag == "MessageEntityUrl") {
        auto off = ef.Int("offset");
        auto len = ef.Int("length");
        if (!ef.ok() || !off || !len) {
          f.Fail("field 'entities': MessageEntityUrl needs integer offset and length");
          return;
        }
        items.push_back({*off, *len, {}});
        if (*off >= 0 && *len > 0 && *off <= INT64_MAX - *len) {
          units.push_back(*off);
          units.push_back(*off + *len);
        }
      } else if (tag == "MessageEntityTextUrl") {
        auto url = ef.Str("url");
        if (!ef.ok()) {
          f.Fail("field 'entities': MessageEntityTextUrl: " + ef.error());
          return;
        }
        if (url && !url->empty()) items.push_back({0, 0, *url});
      }
    }
    std::sort(units.begin(), units.end());
    units.erase(std::unique(units.begin(), units.end()), units.end());
    std::vector<size_t> bytes = tg::Utf16ToByteOffsets(text, units);
    auto byte_at = [&](int64_t unit) {
      auto it = std::lower_bound(units.begin(), units.end(), unit);
      return it == units.end() || *it != unit ? std::string_view::npos
                                              : bytes[static_cast<size_t>(it - units.begin())];
    };
    for (const Item& item : items) {
      if (!item.url.empty()) {
        tg::AddHrefLink(links, item.url);
        continue;
      }
      if (item.length == 0) continue;
      size_t begin = item.offset >= 0 && item.length > 0 ? byte_at(item.offset) : std::string::npos;
      size_t end = begin == std::string::npos ? begin : byte_at(item.offset + item.length);
      if (end == std::string::npos) {
        sink_.OnWeird(weird::kUrlEntityOutsideText, "URL entity outside the message text", where);
        continue;
      }
      tg::AddLink(links, std::string_view(text).substr(begin, end - begin));
    }
  }

  // A Peer the record can do without (a sender, a forward source): one of a shape cordon cannot
  // key is dropped with a weird, and the message kept; *unmapped says so.
  std::optional<std::string> SenderField(Fields& f, std::string_view field, const Location& where,
                                         bool* unmapped) {
    *unmapped = false;
    auto e = f.Any(field);
    if (!e) return std::nullopt;
    std::string error;
    auto key = PeerKey(*e, field, error);
    if (error.empty()) return key;
    *unmapped = true;
    std::string shown = simdjson::to_string(*e);
    if (shown.size() > 60) shown = shown.substr(0, 60) + "...";
    sink_.OnWeird(weird::kPeerNotMapped,
                  "field '" + std::string(field) + "': " + shown +
                      " names no peer cordon can key; kept without it",
                  where);
    return std::nullopt;
  }

  // MessageReactions{results: [ReactionCount{reaction, count}]}: the counts summed.
  static std::optional<int64_t> ReadReactions(Fields& f) {
    auto r = f.Obj("reactions");
    if (!r) return std::nullopt;
    Fields rf(*r);
    auto results = rf.Arr("results");
    int64_t total = 0;
    if (results) {
      for (element c : *results) {
        if (!c.is_object()) {
          rf.Fail("field 'results': expected an array of objects");
          break;
        }
        Fields cf{object(c)};
        auto n = cf.Int("count");
        if (!cf.ok()) {
          rf.Fail("field 'results': " + cf.error());
          break;
        }
        if (n && *n > 0) total += std::min<int64_t>(*n, INT64_MAX - total);
      }
    }
    if (!rf.ok()) {
      f.Fail("reactions: " + rf.error());
      return std::nullopt;
    }
    return total;
  }

  // A poll's question or answer: a string, or TextWithEntities{text} since layer 181.
  static std::string PollText(element e) {
    if (e.is_string()) return std::string(std::string_view(e));
    if (e.is_object()) {
      element t;
      if (object(e).at_key("text").get(t) == simdjson::SUCCESS && t.is_string()) {
        return std::string(std::string_view(t));
      }
    }
    return "";
  }

  // MessageMediaPoll{poll: Poll{question, answers: [PollAnswer{text}]}, results:
  // PollResults{total_voters}}: media of kind "poll"; question and answers, one a line, are the
  // text of a message that has none.
  static void ReadPoll(object media, MessageEvent& ev) {
    ev.media.push_back(Media{"poll"});
    std::string text;
    element poll, e;
    if (media.at_key("poll").get(poll) == simdjson::SUCCESS && poll.is_object()) {
      if (object(poll).at_key("question").get(e) == simdjson::SUCCESS) text = PollText(e);
      array answers;
      if (object(poll).at_key("answers").get(answers) == simdjson::SUCCESS) {
        for (element a : answers) {
          if (!a.is_object() || object(a).at_key("text").get(e) != simdjson::SUCCESS) continue;
          std::string line = PollText(e);
          if (!line.empty()) text += (text.empty() ? "" : "\n") + line;
        }
      }
    }
    element results;
    if (media.at_key("results").get(results) == simdjson::SUCCESS && results.is_object() &&
        object(results).at_key("total_voters").get(e) == simdjson::SUCCESS) {
      if (auto n = ElementInt(e); n && *n >= 0) ev.poll_voters = *n;
    }
    if (ev.text.empty()) ev.text = std::move(text);
  }

  void ReadForward(Fields& f, MessageEvent& ev, const Location& where) {
    auto fwd = f.Obj("fwd_from");
    if (!fwd) return;
    Fields ff(*fwd);
    ForwardOrigin origin;
    bool unmapped = false;
    if (auto k = SenderField(ff, "from_id", where, &unmapped)) origin.chat = *k;
    // Layers before 119 kept a forwarded channel apart, in channel_id.
    if (auto c = ff.Int("channel_id");
        c && *c > 0 && !origin.chat.starts_with("telegram:channel")) {
      origin.chat = tg::ChannelKey(*c);
    }
    if (auto n = ff.Str("from_name")) origin.name = std::string(*n);
    origin.time = ReadDate(ff, "date", false);
    auto post = ff.Int("channel_post");
    if (!ff.ok()) {
      f.Fail("fwd_from: " + ff.error());
      return;
    }
    if (post && !origin.chat.empty()) origin.message = origin.chat + "/" + std::to_string(*post);
    ev.forward = std::move(origin);
  }

  static void ReadReply(Fields& f, MessageEvent& ev) {
    std::optional<int64_t> msg;
    std::optional<std::string> peer;
    if (auto r = f.Obj("reply_to")) {
      Fields rf(*r);
      msg = rf.Int("reply_to_msg_id");
      peer = PeerField(rf, "reply_to_peer_id");
      // A reply in a thread (a forum topic, a channel post's comments) names the thread's first
      // message; a first-level message in a forum topic replies to it directly.
      auto top = rf.Int("reply_to_top_id");
      auto forum = rf.Bool("forum_topic");
      if (!rf.ok()) {
        f.Fail("reply_to: " + rf.error());
        return;
      }
      if (top && *top > 0) {
        ev.thread = ev.chat + "/" + std::to_string(*top);
      } else if (forum.value_or(false) && msg) {
        ev.thread = ev.chat + "/" + std::to_string(*msg);
      }
    } else {
      msg = f.Int("reply_to_msg_id");  // layers before 119
    }
    if (msg) ev.reply_to = peer.value_or(ev.chat) + "/" + std::to_string(*msg);
  }

  static void ReadMedia(Fields& f, MessageEvent& ev, std::vector<std::string>& links) {
    auto media = f.Obj("media");
    if (!media) return;
    std::string_view tag = TypeTag(*media);
    if (tag == "MessageMediaPhoto") {
      ev.media.push_back(Media{"photo"});
    } else if (tag == "MessageMediaDocument") {
      element doc;
      if (media->at_key("document").get(doc) == simdjson::SUCCESS && doc.is_object()) {
        ev.media.push_back(Media{DocumentKind(object(doc))});
      } else {
        ev.media.push_back(Media{"file"});
      }
    } else if (tag == "MessageMediaPoll") {
      ReadPoll(*media, ev);
    } else if (tag == "MessageMediaWebPage") {
      element page;
      if (media->at_key("webpage").get(page) == simdjson::SUCCESS && page.is_object()) {
        Fields pf{object(page)};
        auto url = pf.Str("url");
        if (url && pf.ok()) tg::AddLink(links, *url);
      }
    }
  }

  // Joins, leaves, creation and renames; other service actions are counted as weird.
  RecordResult ReadService(const std::string& chat, const std::optional<std::string>& actor,
                           std::optional<object> action, TimeMs time, const Location& where) {
    if (!action) {
      sink_.OnWeird(weird::kServiceWithoutAction, "service message without an action skipped",
                    where);
      return RecordResult::Ok();
    }
    Fields af(*action);
    std::string_view tag = TypeTag(*action);
    const bool member = actor && *actor != chat;
    auto member_event = [&](const std::string& user, MemberAction a, std::string reason) {
      MemberEvent me;
      me.chat = chat;
      me.user = user;
      me.time = time;
      me.action = a;
      me.reason = std::move(reason);
      return Emit(std::move(me), where);
    };
    auto user_ids = [&](std::string_view key) {
      std::vector<std::string> out;
      if (auto arr = af.Arr(key)) {
        for (element u : *arr) {
          auto id = u.is_number() ? ElementInt(u) : std::nullopt;
          if (id && *id > 0) out.push_back(tg::UserKey(*id));
        }
      }
      return out;
    };
    if (tag == "MessageActionChatCreate" || tag == "MessageActionChannelCreate") {
      auto title = af.Str("title");
      std::vector<std::string> users = user_ids("users");
      if (!af.ok()) return RecordResult::Reject("action: " + af.error());
      EntityEvent e;
      e.key = chat;
      e.kind = tag == "MessageActionChatCreate" ? EntityKind::kGroup : EntityKind::kUnknown;
      e.time = time;
      if (title && !title->empty()) e.name = std::string(*title);
      e.created = time;
      if (member) e.creator = *actor;
      RecordResult r = Emit(std::move(e), where);
      if (!r.fatal.ok()) return r;
      if (member) {
        r = member_event(*actor, MemberAction::kCreator, "");
        if (!r.fatal.ok()) return r;
      }
      for (const std::string& u : users) {
        if (actor && u == *actor) continue;
        r = member_event(u, MemberAction::kJoin, member ? "added by " + *actor : "");
        if (!r.fatal.ok()) return r;
      }
      return RecordResult::Ok();
    }
    if (tag == "MessageActionChatEditTitle") {
      auto title = af.Str("title");
      if (!af.ok()) return RecordResult::Reject("action: " + af.error());
      if (!title || title->empty()) return RecordResult::Ok();
      EntityEvent e;
      e.key = chat;
      e.time = time;
      e.name = std::string(*title);
      return Emit(std::move(e), where);
    }
    if (tag == "MessageActionChatAddUser") {
      for (const std::string& u : user_ids("users")) {
        RecordResult r =
            member_event(u, MemberAction::kJoin, member && u != *actor ? "added by " + *actor : "");
        if (!r.fatal.ok()) return r;
      }
      return af.ok() ? RecordResult::Ok() : RecordResult::Reject("action: " + af.error());
    }
    if (tag == "MessageActionChatDeleteUser") {
      auto user = af.Int("user_id");
      if (!af.ok()) return RecordResult::Reject("action: " + af.error());
      if (!user || *user <= 0) return RecordResult::Reject("action: missing field 'user_id'");
      std::string key = tg::UserKey(*user);
      return member_event(key, MemberAction::kLeave,
                          member && key != *actor ? "removed by " + *actor : "");
    }
    if (tag == "MessageActionChatJoinedByLink" || tag == "MessageActionChatJoinedByRequest") {
      if (!member) return RecordResult::Ok();
      return member_event(*actor, MemberAction::kJoin,
                          tag == "MessageActionChatJoinedByLink" ? "invite link" : "join request");
    }
    sink_.OnWeird(weird::kServiceActionNotMapped, "service action not mapped", where);
    return RecordResult::Ok();
  }

  EventSink& sink_;
  tg::EntityTable table_;
  std::unordered_map<std::string, object> known_;  // container chats/users by key
  bool sink_failed_ = false;
};

// True when the head starts a messages.* container ({"_": "messages.ChannelMessages", ...}).
bool IsContainer(std::string_view head) {
  size_t p = head.find_first_not_of(" \t\r\n");
  if (p == std::string_view::npos || head[p] != '{') return false;
  std::string_view start = head.substr(p, 256);
  return start.find("\"_\":\"messages.") != std::string_view::npos ||
         start.find("\"_\": \"messages.") != std::string_view::npos;
}

class TelethonImporter final : public Importer {
 public:
  std::string_view name() const override { return "telethon"; }

  int Sniff(std::string_view path, std::string_view head) const override {
    size_t p = head.find_first_not_of(" \t\r\n");
    if (p == std::string_view::npos || head[p] != '{') return 0;
    std::string_view first = head.substr(p);
    auto has = [&](std::string_view s) { return head.find(s) != std::string_view::npos; };
    if (first.starts_with("{\"_\": \"Message") || first.starts_with("{\"_\":\"Message")) return 85;
    if (IsContainer(head)) return 80;
    if (has("\"peer_id\"")) return path.ends_with(".json") ? 70 : 80;
    if (has("\"to_id\"") && (has("\"_\": \"Message\"") || has("\"_\":\"Message\""))) return 80;
    return 0;
  }

  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    std::string head(256, '\0');
    {
      std::ifstream in(file.path, std::ios::binary);
      if (!in) return Status::IoError("cannot open file", Location{file.path});
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      head.resize(static_cast<size_t>(in.gcount()));
      StripUtf8Bom(head);
    }
    TelethonReader reader(sink);
    if (IsContainer(head)) return ImportContainer(file, limits, sink, reader);
    Status s = ForEachJsonLine(file, limits, sink, [&](element root, const Location& where) {
      return reader.ReadRecord(root, where);
    });
    if (reader.sink_failed()) return s;
    // Names gathered before a read error are still good.
    Status flushed = reader.Finish();
    return s.ok() ? flushed : s;
  }

 private:
  // One document, walked with the shared JSON walker (ingest/json_walk.h): the "chats" and
  // "users" lists first (they follow the messages in Telethon's output), then each message
  // parsed alone. A message's line is its index + 1, as before the walk; no byte offset.
  static Status ImportContainer(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                                TelethonReader& reader) {
    JsonWalker w(limits, sink);
    bool not_container = false;
    Status s = ForEachJsonRoot(
        file, limits, sink,
        [&](const JsonRoot& root) -> Status {
          RETURN_IF_ERROR(w.Start(root));
          RETURN_IF_ERROR(WalkContainer(w, reader, file, not_container));
          return w.Finish();
        },
        JsonFileShape::kDocument);
    if (!s.ok()) {
      if (not_container || reader.sink_failed() || s.code() != StatusCode::kCorrupt) return s;
      return Status::Corrupt(
          "Telethon messages file is truncated or not JSON (" + s.message() + ")", s.where());
    }
    return reader.Finish();
  }

  static Status WalkContainer(JsonWalker& w, TelethonReader& reader, const InputFile& file,
                              bool& not_container) {
    auto no_messages = [&] {
      not_container = true;
      return Status::Corrupt("not a Telethon messages container: no 'messages' array",
                             Location{file.path});
    };
    simdjson::ondemand::json_type type;
    if (auto err = w.doc().type().get(type); err != simdjson::SUCCESS) {
      return w.Broken(err, nullptr);
    }
    if (type != simdjson::ondemand::json_type::object) return no_messages();
    auto head = [&](object root, const Location&, bool&) -> Status {
      array messages;
      if (root.at_key("messages").get(messages) != simdjson::SUCCESS) return no_messages();
      reader.IndexEntities(root);  // the head stays valid for the whole walk
      return Status::Ok();
    };
    auto field = [&](std::string_view key, simdjson::ondemand::value& v) -> Status {
      if (key != "messages") return Status::Ok();
      return w.ForEachElement(v, "messages", [&](size_t index, simdjson::ondemand::value& m) {
        const Location where{file.path, static_cast<int64_t>(index) + 1};
        auto reject = [&](const std::string& why) {
          w.sink().OnReject(where, "message " + std::to_string(index) + " (messages[" +
                                       std::to_string(index) + "]): " + why);
        };
        simdjson::ondemand::json_type t;
        if (auto err = m.type().get(t); err != simdjson::SUCCESS) {
          return w.Broken(err, m.raw_json_token().data());
        }
        if (t != simdjson::ondemand::json_type::object) {
          reject("expected a JSON object");
          return Status::Ok();
        }
        return w.Record(m, [&](element e, const Location&) {
          RecordResult r = reader.ReadRecord(e, where);
          if (r.fatal.ok() && !r.reject.empty()) reject(r.reject);
          return r.fatal.ok() ? RecordResult::Ok() : r;
        });
      });
    };
    return w.TwoPass(nullptr, "root", {"chats", "users"}, {"messages"}, head, field);
  }
};

}  // namespace

std::unique_ptr<Importer> MakeTelethonImporter() { return std::make_unique<TelethonImporter>(); }

}  // namespace cordon
