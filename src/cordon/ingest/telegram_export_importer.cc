// Telegram Desktop's JSON export (result.json): one chat ("Export chat history") or a whole
// account ("Export Telegram data", chats under chats.list and left_chats.list).
// docs/formats/telegram-export.md describes the fields read and how they map onto events.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/telegram_common.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
namespace tg = telegram;

struct ChatRef {
  std::string key;
  EntityKind kind = EntityKind::kUnknown;
  std::string path;  // JSON path of the chat object: "" at the root, else "chats.list[3]"
};

// The entity key and kind of a chat from its export type and bare id.
std::optional<ChatRef> ChatFor(std::string_view type, int64_t id) {
  if (type == "public_channel" || type == "private_channel") {
    return ChatRef{tg::ChannelKey(id), EntityKind::kChannel, ""};
  }
  // Supergroups are channels in MTProto and share their id space.
  if (type == "public_supergroup" || type == "private_supergroup") {
    return ChatRef{tg::ChannelKey(id), EntityKind::kGroup, ""};
  }
  if (type == "private_group") return ChatRef{tg::ChatKey(id), EntityKind::kGroup, ""};
  if (type == "personal_chat" || type == "saved_messages") {
    return ChatRef{tg::UserKey(id), EntityKind::kUser, ""};
  }
  if (type == "bot_chat") return ChatRef{tg::UserKey(id), EntityKind::kBot, ""};
  // "replies" is Telegram's own relay account; its kind is left to the store.
  if (type == "replies") return ChatRef{tg::UserKey(id), EntityKind::kUnknown, ""};
  return std::nullopt;
}

// A peer reference field: "user123" | "channel123" | "chat123", or a bare number (a user id in
// exports written before 2020).
enum class PeerRead { kAbsent, kKey, kUnmapped };

// Reads a peer reference into *key. A string or an integer that names no peer cordon can key
// ("user0", "group5", a bare 0 or a negative number) is kUnmapped, for the caller to drop with a
// weird: an analyst may need the message whatever its sender. Any other type, or a number that
// is not an integer, is not a peer reference at all: the record fails.
PeerRead ReadPeer(Fields& f, std::string_view field, std::string* key) {
  auto e = f.Any(field);
  if (!e) return PeerRead::kAbsent;
  std::optional<std::string> k;
  if (e->is_string()) {
    k = tg::KeyFromPeerRef(std::string_view(*e));
  } else if (auto n = e->is_number() ? ElementInt(*e) : std::nullopt) {
    if (*n > 0) k = tg::UserKey(*n);
  } else {
    f.Fail("field '" + std::string(field) + "': expected user<id>, channel<id> or chat<id>");
    return PeerRead::kAbsent;
  }
  if (!k) return PeerRead::kUnmapped;
  *key = std::move(*k);
  return PeerRead::kKey;
}

// A peer reference as written, shortened, for a weird's sentence.
std::string PeerText(Fields& f, std::string_view field) {
  auto e = f.Any(field);
  if (!e) return "";
  std::string out = e->is_string() ? std::string(std::string_view(*e)) : simdjson::to_string(*e);
  if (out.size() > 40) out = out.substr(0, 40) + "...";
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

// Whether an ISO date-time names its zone: a 'Z' or a +hh:mm / -hh:mm after the time.
bool HasZone(std::string_view date) {
  size_t t = date.find_first_of("Tt ");
  if (t == std::string_view::npos) return false;
  return date.find_first_of("Zz+-", t) != std::string_view::npos;
}

// "(File not included. Change data exporting settings to download.)" and its siblings stand
// where the path of a file the export left out would be.
bool IsSkippedFile(std::string_view p) {
  return p.starts_with("(File ") || p.starts_with("(Photo ");
}

std::string MessagePath(const ChatRef& chat, size_t index) {
  std::string p = chat.path.empty() ? "messages[" : chat.path + ".messages[";
  return p + std::to_string(index) + "]";
}

class ExportReader {
 public:
  ExportReader(const InputFile& file, EventSink& sink) : file_(file), sink_(sink) {}

  // Reads a chat's head (its fields but the messages). A chat that cannot be keyed is rejected
  // and `ref` left empty; at the root of a single-chat export it makes the whole file Corrupt
  // instead.
  Status OpenChat(object chat, const std::string& path, size_t list_index, bool is_root,
                  std::optional<ChatRef>& ref) {
    Fields f(chat);
    auto type = f.Str("type");
    auto id = f.Int("id");
    auto name = f.Str("name");
    auto messages = f.Arr("messages");
    std::string error = f.error();
    ref.reset();
    if (error.empty() && !id) error = "missing field 'id'";
    if (error.empty() && *id <= 0) error = "field 'id': expected a positive integer";
    if (error.empty() && !messages) error = "missing field 'messages'";
    if (error.empty()) {
      ref = ChatFor(type.value_or(""), *id);
      if (!ref) error = "unknown chat type '" + std::string(type.value_or("")) + "'";
    }
    if (!error.empty()) {
      if (is_root) {
        return Status::Corrupt("not a Telegram Desktop chat export: " + error,
                               Location{file_.path});
      }
      sink_.OnReject(Location{file_.path, static_cast<int64_t>(list_index) + 1},
                     "chat " + std::to_string(list_index) + " (" + path + "): " + error);
      ref.reset();
      return Status::Ok();
    }
    ref->path = path;
    thread_of_.clear();
    // The chat's own type decides its kind; its name is the one it had when exported.
    EntityEvent& e = table_.Observe(ref->key, ref->kind, std::nullopt, Location{file_.path});
    e.kind = ref->kind;
    if (name && !name->empty()) e.name = std::string(*name);
    return Status::Ok();
  }

  // The messages of a chat, each parsed alone. A message's line is its index in the array + 1
  // (as the reject text names it), as before the walk; no byte offset.
  Status ReadMessages(JsonWalker& w, simdjson::ondemand::value& messages, const ChatRef& chat) {
    return w.ForEachElement(messages, "messages", [&](size_t index, simdjson::ondemand::value& m) {
      const Location where{file_.path, static_cast<int64_t>(index) + 1};
      auto reject = [&](const std::string& why) {
        sink_.OnReject(where, "message " + std::to_string(index) + " (" + MessagePath(chat, index) +
                                  "): " + why);
      };
      simdjson::ondemand::json_type type;
      if (auto err = m.type().get(type); err != simdjson::SUCCESS) {
        return w.Broken(err, m.raw_json_token().data());
      }
      if (type != simdjson::ondemand::json_type::object) {
        reject("expected a JSON object");
        return Status::Ok();
      }
      return w.Record(m, [&](element e, const Location&) {
        RecordResult r = ReadMessage(chat, e, where);
        if (r.fatal.ok() && !r.reject.empty()) reject(r.reject);
        return r.fatal.ok() ? RecordResult::Ok() : r;
      });
    });
  }

  Status Finish() {
    if (local_dates_) {
      sink_.OnWeird(weird::kLocalTimeAsUtc,
                    "message times read from 'date' (local time without zone) as UTC",
                    Location{file_.path});
    }
    return table_.Flush(sink_);
  }

 private:
  RecordResult Emit(Event&& e, const Location& where) {
    Status s = sink_.OnEvent(std::move(e), where);
    return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(std::move(s));
  }

  void ObservePeer(const std::string& key, std::optional<std::string_view> name, TimeMs time,
                   const Location& where) {
    EntityKind kind = key.starts_with("telegram:user") ? EntityKind::kUser : EntityKind::kUnknown;
    EntityEvent& e = table_.Observe(key, kind, time, where);
    if (name) tg::FillIfEmpty(e.name, *name);
  }

  // A peer reference the message can do without (sender, actor, forward source, reply peer):
  // one cordon cannot key is dropped with a weird naming it, and the message kept.
  std::optional<std::string> OptionalPeer(Fields& f, std::string_view field,
                                          std::string_view name_field, const Location& where) {
    std::string key;
    switch (ReadPeer(f, field, &key)) {
      case PeerRead::kKey:
        return key;
      case PeerRead::kAbsent:
        return std::nullopt;
      case PeerRead::kUnmapped:
        break;
    }
    std::string what = "field '" + std::string(field) + "': '" + PeerText(f, field) +
                       "' names no peer cordon can key; kept without it";
    if (!name_field.empty()) {
      if (auto name = PeerText(f, name_field); !name.empty() && name != "null") {
        what += " (" + std::string(name_field) + ": '" + name + "')";
      }
    }
    sink_.OnWeird(weird::kPeerNotMapped, what, where);
    return std::nullopt;
  }

  // A time as a pair of fields: `<unix_field>` (a string of seconds) when there, else
  // `<date_field>` (ISO; local time without a zone in exports before 2021, read as UTC).
  std::optional<TimeMs> ReadTimePair(Fields& f, std::string_view unix_field,
                                     std::string_view date_field, bool required) {
    if (auto e = f.Any(unix_field)) {
      auto s = ElementInt(*e);
      std::optional<TimeMs> t = s ? tg::SecondsToMs(*s) : std::nullopt;
      if (!t) f.Fail("field '" + std::string(unix_field) + "': expected a number of seconds");
      return t;
    }
    auto d = f.Str(date_field);
    if (!d) {
      if (f.ok() && required) f.Fail("missing field '" + std::string(unix_field) + "'");
      return std::nullopt;
    }
    auto t = ParseRfc3339Ms(*d);
    if (!t) {
      f.Fail("field '" + std::string(date_field) + "': expected an ISO date-time");
      return std::nullopt;
    }
    // Only a time without a zone is a guess; one with Z or an offset is read exactly.
    if (!HasZone(*d)) local_dates_ = true;
    return t;
  }

  // Message time: date_unixtime (a string of seconds) when there, else 'date'.
  std::optional<TimeMs> ReadTime(Fields& f) {
    return ReadTimePair(f, "date_unixtime", "date", /*required=*/true);
  }

  // "reactions": [{"type", "count", "emoji" | "document_id", "recent"}]: the counts summed.
  static std::optional<int64_t> ReadReactions(Fields& f) {
    auto arr = f.Arr("reactions");
    if (!arr) return std::nullopt;
    int64_t total = 0;
    for (element r : *arr) {
      if (!r.is_object()) {
        f.Fail("field 'reactions': expected an array of objects");
        return std::nullopt;
      }
      Fields rf{object(r)};
      auto count = rf.Int("count");
      if (!rf.ok()) {
        f.Fail("field 'reactions': " + rf.error());
        return std::nullopt;
      }
      if (count && *count > 0) total += std::min<int64_t>(*count, INT64_MAX - total);
    }
    return total;
  }

  // A text that is a string or an array of strings and {"text"} parts (poll questions and
  // answers since 2024); appended to *out.
  static bool AppendTextValue(element e, std::string* out) {
    if (e.is_string()) {
      *out += std::string_view(e);
      return true;
    }
    if (!e.is_array()) return false;
    for (element part : array(e)) {
      if (part.is_string()) {
        *out += std::string_view(part);
      } else if (part.is_object()) {
        Fields pf{object(part)};
        auto t = pf.Str("text");
        if (!pf.ok()) return false;
        if (t) *out += *t;
      } else {
        return false;
      }
    }
    return true;
  }

  // "poll": {"question", "closed", "total_voters", "answers": [{"text", "voters", "chosen"}]}.
  // The poll is media of kind "poll"; its question and answers, one a line, are the text when
  // the message has none (polls carry none), so that they are searched and matched.
  static void ReadPoll(Fields& f, MessageEvent& ev) {
    auto poll = f.Obj("poll");
    if (!poll) return;
    Fields pf(*poll);
    auto voters = pf.Int("total_voters");
    auto answers = pf.Arr("answers");
    element q;
    std::string text;
    if (poll->at_key("question").get(q) == simdjson::SUCCESS && !q.is_null() &&
        !AppendTextValue(q, &text)) {
      pf.Fail("field 'question': expected a string or an array");
    }
    if (answers) {
      for (element a : *answers) {
        element t;
        std::string line;
        if (!a.is_object() || (object(a).at_key("text").get(t) == simdjson::SUCCESS &&
                               !t.is_null() && !AppendTextValue(t, &line))) {
          pf.Fail("field 'answers': expected objects with a text");
          break;
        }
        if (!line.empty()) text += (text.empty() ? "" : "\n") + line;
      }
    }
    if (!pf.ok()) {
      f.Fail("field 'poll': " + pf.error());
      return;
    }
    Media md;
    md.kind = "poll";
    ev.media.push_back(std::move(md));
    if (voters && *voters >= 0) ev.poll_voters = *voters;
    if (ev.text.empty()) ev.text = std::move(text);
  }

  // The forum topic a message belongs to. Telegram Desktop writes no topic id: a message posted
  // in a topic replies to the topic's first message (its topic_created service message), and a
  // reply inside a topic replies to a message of that topic, so the topic follows the replies.
  std::string ThreadOf(const ChatRef& chat, int64_t id, std::optional<int64_t> reply_to,
                       bool reply_in_chat) {
    if (!reply_to || !reply_in_chat) return "";
    auto it = thread_of_.find(*reply_to);
    if (it == thread_of_.end()) return "";
    thread_of_[id] = it->second;
    return chat.key + "/" + std::to_string(it->second);
  }

  // "text": a string, or an array of strings and {"type","text"[,"href"]} parts.
  static void ReadText(Fields& f, std::string& text, std::vector<std::string>& links) {
    auto e = f.Any("text");
    if (!e) return;
    if (e->is_string()) {
      text = std::string(std::string_view(*e));
      return;
    }
    if (!e->is_array()) {
      f.Fail("field 'text': expected a string or an array");
      return;
    }
    for (element part : array(*e)) {
      if (part.is_string()) {
        text += std::string_view(part);
        continue;
      }
      if (!part.is_object()) {
        f.Fail("field 'text': expected strings and objects in the array");
        return;
      }
      Fields pf{object(part)};
      auto t = pf.Str("text");
      auto type = pf.Str("type");
      auto href = pf.Str("href");
      if (!pf.ok()) {
        f.Fail("field 'text': " + pf.error());
        return;
      }
      if (t) text += *t;
      if (type && *type == "link" && t) tg::AddLink(links, *t);
      if (type && *type == "text_link" && href) tg::AddHrefLink(links, *href);
    }
  }

  // "text_entities": every part as an object; link and text_link parts give URLs.
  static void ReadEntities(Fields& f, std::vector<std::string>& links) {
    auto arr = f.Arr("text_entities");
    if (!arr) return;
    for (element part : *arr) {
      if (!part.is_object()) {
        f.Fail("field 'text_entities': expected an array of objects");
        return;
      }
      Fields pf{object(part)};
      auto type = pf.Str("type");
      auto t = pf.Str("text");
      auto href = pf.Str("href");
      if (!pf.ok()) {
        f.Fail("field 'text_entities': " + pf.error());
        return;
      }
      if (type && *type == "link" && t) tg::AddLink(links, *t);
      if (type && *type == "text_link" && href) tg::AddHrefLink(links, *href);
    }
  }

  // The path is kept as written; ingest reads the file only inside the export's folder or a
  // media root (ingest/media_files.h).
  static void AddMedia(MessageEvent& m, std::string kind, std::string_view path) {
    Media md;
    md.kind = std::move(kind);
    if (!IsSkippedFile(path)) md.path = std::string(path);
    m.media.push_back(std::move(md));
  }

  RecordResult ReadMessage(const ChatRef& chat, element m, const Location& where) {
    if (!m.is_object()) return RecordResult::Reject("expected a JSON object");
    object o(m);
    Fields f(o);
    auto type = f.Str("type");
    auto id = f.Int("id");
    if (!f.ok()) return RecordResult::Reject(f.error());
    if (!id) return RecordResult::Reject("missing field 'id'");
    // Media tdesktop cannot export are written as {"id", "type": "unsupported"} alone.
    if (type && *type == "unsupported") {
      sink_.OnWeird(weird::kUnsupportedMessage, "unsupported message skipped", where);
      return RecordResult::Ok();
    }
    if (!type) return RecordResult::Reject("missing field 'type'");
    std::optional<TimeMs> time = ReadTime(f);
    if (!f.ok()) return RecordResult::Reject(f.error());
    if (*type == "service") return ReadService(chat, f, *id, *time, where);
    if (*type != "message") {
      sink_.OnWeird(weird::kUnknownMessageType, "message of unknown type skipped", where);
      return RecordResult::Ok();
    }

    MessageEvent ev;
    ev.key = chat.key + "/" + std::to_string(*id);
    ev.chat = chat.key;
    ev.time = *time;
    auto from_key = OptionalPeer(f, "from_id", "from", where);
    auto from_name = f.Str("from");
    element fwd;
    if (o.at_key("forwarded_from").get(fwd) == simdjson::SUCCESS) {
      // A name only; null when the source account is deleted or hidden.
      ForwardOrigin origin;
      if (fwd.is_string()) {
        origin.name = std::string(std::string_view(fwd));
      } else if (!fwd.is_null()) {
        f.Fail("field 'forwarded_from': expected a string");
      }
      if (auto k = OptionalPeer(f, "forwarded_from_id", "forwarded_from", where)) origin.chat = *k;
      ev.forward = std::move(origin);
    } else if (auto saved = f.Str("saved_from")) {
      ForwardOrigin origin;
      origin.name = std::string(*saved);
      ev.forward = std::move(origin);
    }
    if (auto v = f.Str("via_bot")) ev.via_bot = std::string(*v);
    auto reply = f.Int("reply_to_message_id");
    bool reply_in_chat = true;
    if (reply) {
      const bool has_peer = f.Any("reply_to_peer_id").has_value();
      auto peer = OptionalPeer(f, "reply_to_peer_id", "", where);
      // A reply to a peer cordon cannot key has no target to name.
      if (peer || !has_peer) {
        ev.reply_to = peer.value_or(chat.key) + "/" + std::to_string(*reply);
      }
      reply_in_chat = !has_peer || (peer && *peer == chat.key);
    }
    ev.thread = ThreadOf(chat, *id, reply, reply_in_chat);
    ev.edited = ReadTimePair(f, "edited_unixtime", "edited", /*required=*/false);
    ev.reactions = ReadReactions(f);
    std::vector<std::string> links;
    ReadText(f, ev.text, links);
    ReadEntities(f, links);
    ReadPoll(f, ev);
    auto photo = f.Str("photo");
    auto file = f.Str("file");
    auto media_type = f.Str("media_type");
    if (!f.ok()) return RecordResult::Reject(f.error());

    tg::AddTextLinks(links, ev.text);
    ev.links = std::move(links);
    if (photo) AddMedia(ev, "photo", *photo);
    if (file) {
      AddMedia(ev, media_type && !media_type->empty() ? std::string(*media_type) : "file", *file);
    }
    table_.Observe(chat.key, chat.kind, *time, where);
    if (from_key) {
      ev.from = *from_key;
      ObservePeer(*from_key, from_name, *time, where);
    }
    return Emit(std::move(ev), where);
  }

  // Service messages become membership and entity events, never messages.
  RecordResult ReadService(const ChatRef& chat, Fields& f, int64_t id, TimeMs time,
                           const Location& where) {
    auto actor_key = OptionalPeer(f, "actor_id", "actor", where);
    auto actor = f.Str("actor");
    auto action = f.Str("action");
    auto title = f.Str("title");
    auto members = f.Arr("members");
    if (!f.ok()) return RecordResult::Reject(f.error());
    table_.Observe(chat.key, chat.kind, time, where);
    if (actor_key) ObservePeer(*actor_key, actor, time, where);
    if (!action) return RecordResult::Ok();  // custom "information_text" notices
    // A forum topic starts here: the messages posted in it reply to this one (ThreadOf).
    if (*action == "topic_created") thread_of_[id] = id;
    // In a channel the actor is often the channel itself: no member to speak of.
    const bool member = actor_key && *actor_key != chat.key;
    auto member_event = [&](MemberAction a, std::string reason) {
      MemberEvent me;
      me.chat = chat.key;
      me.user = *actor_key;
      me.time = time;
      me.action = a;
      me.reason = std::move(reason);
      return Emit(std::move(me), where);
    };
    if (*action == "create_channel" || *action == "create_group") {
      EntityEvent e;
      e.key = chat.key;
      e.kind = chat.kind;
      e.time = time;
      if (title && !title->empty()) e.name = std::string(*title);
      e.created = time;
      if (member) e.creator = *actor_key;
      RecordResult r = Emit(std::move(e), where);
      if (!r.fatal.ok() || !member) return r;
      return member_event(MemberAction::kCreator, "");
    }
    if (*action == "edit_group_title") {
      if (!title || title->empty()) return RecordResult::Ok();
      EntityEvent e;
      e.key = chat.key;
      e.kind = chat.kind;
      e.time = time;
      e.name = std::string(*title);
      return Emit(std::move(e), where);
    }
    if (!member) return RecordResult::Ok();
    if (*action == "join_group_by_link") return member_event(MemberAction::kJoin, "invite link");
    if (*action == "join_group_by_request")
      return member_event(MemberAction::kJoin, "join request");
    if (*action == "invite_members" || *action == "remove_members") {
      // Members are listed by name only; the one id known is the actor's, so only a member who
      // added or removed themselves (a join or a leave) can be told apart.
      if (!actor || actor->empty() || !members) return RecordResult::Ok();
      for (element n : *members) {
        if (n.is_string() && std::string_view(n) == *actor) {
          return member_event(
              *action == "invite_members" ? MemberAction::kJoin : MemberAction::kLeave, "");
        }
      }
    }
    return RecordResult::Ok();
  }

  const InputFile& file_;
  EventSink& sink_;
  tg::EntityTable table_;
  bool local_dates_ = false;
  // Message id -> the id of its forum topic's first message, in the chat being read.
  std::unordered_map<int64_t, int64_t> thread_of_;
};

class TelegramExportImporter final : public Importer {
 public:
  std::string_view name() const override { return "telegram-export"; }

  int Sniff(std::string_view path, std::string_view head) const override {
    size_t p = head.find_first_not_of(" \t\r\n");
    if (p == std::string_view::npos || head[p] != '{') return 0;
    auto has = [&](std::string_view s) { return head.find(s) != std::string_view::npos; };
    int score = 0;
    if (has("\"messages\"") && has("\"date_unixtime\"")) {
      score = 90;
    } else if (has("\"about\"") && (has("\"personal_information\"") || has("\"chats\""))) {
      score = 90;
    } else if (has("\"messages\"") &&
               (has("\"type\": \"message\"") || has("\"type\": \"service\"")) &&
               !has("\"peer_id\"")) {
      score = 60;  // exports written before date_unixtime existed (2021)
    } else if (has("\"messages\"") && !has("\"peer_id\"")) {
      // A chat exported with no messages in the chosen period: only its type says what it is.
      for (std::string_view t :
           {"personal_chat", "bot_chat", "saved_messages", "private_group", "private_supergroup",
            "public_supergroup", "private_channel", "public_channel"}) {
        if (has("\"type\": \"" + std::string(t) + "\"")) score = 60;
      }
    }
    if (!path.ends_with(".json")) score = score > 30 ? score - 30 : 0;
    return score;
  }

  // One document, walked with the shared JSON walker (ingest/json_walk.h): each chat's head is
  // read first, then its messages one at a time; no tree of the whole export is built.
  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    ExportReader reader(file, sink);
    JsonWalker w(limits, sink);
    bool not_export = false;  // the status says what the document is not, not how it broke
    Status s = ForEachJsonRoot(
        file, limits, sink,
        [&](const JsonRoot& root) -> Status {
          RETURN_IF_ERROR(w.Start(root));
          RETURN_IF_ERROR(Walk(w, reader, file, not_export));
          return w.Finish();
        },
        JsonFileShape::kDocument);
    if (!s.ok()) {
      if (not_export || s.code() != StatusCode::kCorrupt) return s;
      return Status::Corrupt("Telegram export is truncated or not JSON (" + s.message() + ")",
                             s.where());
    }
    return reader.Finish();
  }

 private:
  static Status Walk(JsonWalker& w, ExportReader& reader, const InputFile& file, bool& not_export) {
    auto not_an_export = [&](const std::string& why) {
      not_export = true;
      return Status::Corrupt(why, Location{file.path});
    };
    simdjson::ondemand::json_type type;
    if (auto err = w.doc().type().get(type); err != simdjson::SUCCESS) {
      return w.Broken(err, nullptr);
    }
    if (type != simdjson::ondemand::json_type::object) {
      return not_an_export("not a Telegram Desktop export: the root is not a JSON object");
    }
    std::optional<ChatRef> single;  // a single-chat export
    // chats, left_chats: present (an object), and seen with a 'list' array.
    bool present[2] = {false, false}, lists[2] = {false, false};
    auto head = [&](object root, const Location&, bool&) -> Status {
      element unused;
      if (root.at_key("messages").get(unused) == simdjson::SUCCESS) {
        Status st = reader.OpenChat(root, "", 0, /*is_root=*/true, single);
        if (!st.ok()) not_export = true;
        return st;
      }
      bool account = root.at_key("personal_information").get(unused) == simdjson::SUCCESS;
      for (int i = 0; i < 2; ++i) {
        const std::string_view list_name = i == 0 ? "chats" : "left_chats";
        element section;
        if (root.at_key(list_name).get(section) != simdjson::SUCCESS || section.is_null()) continue;
        account = true;
        present[i] = true;
        if (!section.is_object()) {
          return not_an_export("not a Telegram Desktop export: '" + std::string(list_name) +
                               "' has no 'list' array");
        }
      }
      if (!account) {
        return not_an_export(
            "not a Telegram Desktop export: the root has neither 'messages' nor 'chats'");
      }
      return Status::Ok();
    };
    auto field = [&](std::string_view key, simdjson::ondemand::value& v) -> Status {
      if (single) return key == "messages" ? reader.ReadMessages(w, v, *single) : Status::Ok();
      if (key != "chats" && key != "left_chats") return Status::Ok();
      const std::string list_name(key);
      simdjson::ondemand::json_type t;
      if (auto err = v.type().get(t); err != simdjson::SUCCESS) return w.Broken(err, nullptr);
      if (t != simdjson::ondemand::json_type::object) return Status::Ok();  // null
      return w.ForEachField(v, list_name, [&](std::string_view k, simdjson::ondemand::value& list) {
        if (k != "list") return Status::Ok();
        simdjson::ondemand::json_type lt;
        if (auto err = list.type().get(lt); err != simdjson::SUCCESS) {
          return w.Broken(err, list.raw_json_token().data());
        }
        if (lt != simdjson::ondemand::json_type::array) return Status::Ok();
        lists[list_name == "chats" ? 0 : 1] = true;
        return w.ForEachElement(list, list_name, [&](size_t index, simdjson::ondemand::value& c) {
          return ReadListedChat(w, reader, file, list_name, index, c);
        });
      });
    };
    RETURN_IF_ERROR(w.TwoPass(nullptr, "root", {"type", "id", "name"},
                              {"messages", "personal_information", "chats", "left_chats"}, head,
                              field));
    for (int i = 0; i < 2; ++i) {
      if (present[i] && !lists[i]) {
        return not_an_export(std::string("not a Telegram Desktop export: '") +
                             (i == 0 ? "chats" : "left_chats") + "' has no 'list' array");
      }
    }
    return Status::Ok();
  }

  static Status ReadListedChat(JsonWalker& w, ExportReader& reader, const InputFile& file,
                               const std::string& list_name, size_t index,
                               simdjson::ondemand::value& chat) {
    const std::string path = list_name + ".list[" + std::to_string(index) + "]";
    simdjson::ondemand::json_type t;
    if (auto err = chat.type().get(t); err != simdjson::SUCCESS) {
      return w.Broken(err, chat.raw_json_token().data());
    }
    if (t != simdjson::ondemand::json_type::object) {
      w.sink().OnReject(
          Location{file.path, static_cast<int64_t>(index) + 1},
          "chat " + std::to_string(index) + " (" + path + "): expected a JSON object");
      return Status::Ok();
    }
    std::optional<ChatRef> ref;
    return w.TwoPass(
        &chat, path, {"type", "id", "name"}, {"messages"},
        [&](object head, const Location&, bool& skip) -> Status {
          RETURN_IF_ERROR(reader.OpenChat(head, path, index, /*is_root=*/false, ref));
          skip = !ref;
          return Status::Ok();
        },
        [&](std::string_view key, simdjson::ondemand::value& v) -> Status {
          return key == "messages" ? reader.ReadMessages(w, v, *ref) : Status::Ok();
        });
  }
};

}  // namespace

std::unique_ptr<Importer> MakeTelegramExportImporter() {
  return std::make_unique<TelegramExportImporter>();
}

}  // namespace cordon
