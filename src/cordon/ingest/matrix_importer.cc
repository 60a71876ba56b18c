// Matrix client-server events (docs/formats/matrix.md): a /messages response, a /sync response,
// a single event, or one event per line.
#include <algorithm>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/mentions.h"
#include "cordon/ingest/weirds.h"
#include "cordon/model/links.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/strings.h"

namespace cordon {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;
using sv = std::string_view;

std::string Key(sv id) { return "matrix:" + std::string(id); }

bool IsUserId(sv s) { return s.size() > 2 && s.front() == '@' && s.find(':') != sv::npos; }
bool IsRoomId(sv s) { return s.size() > 1 && s.front() == '!'; }
bool IsEventId(sv s) { return s.size() > 1 && s.front() == '$'; }

// Keys of a response that wraps events, as opposed to an event.
bool IsWrapperKey(sv k) { return k == "chunk" || k == "rooms" || k == "next_batch"; }

bool IsWrapper(element e) {
  if (!e.is_object()) return false;
  for (auto field : object(e)) {
    if (IsWrapperKey(field.key)) return true;
  }
  return false;
}

bool IsPolicyRule(sv type) {
  for (sv prefix : {"m.policy.rule.", "m.room.rule.", "org.matrix.mjolnir.rule."}) {
    if (type.starts_with(prefix)) return true;
  }
  return false;
}

// State and room events that carry nothing cordon reads.
bool IsIgnored(sv type) {
  for (sv t :
       {"m.room.avatar", "m.room.join_rules", "m.room.history_visibility", "m.room.guest_access",
        "m.room.encryption", "m.room.server_acl", "m.room.pinned_events",
        "m.room.third_party_invite", "m.room.related_groups", "m.space.child", "m.space.parent",
        "m.reaction", "m.receipt", "m.typing", "m.presence", "m.fully_read", "m.room.retention"}) {
    if (type == t) return true;
  }
  return type.starts_with("m.call.") || type.starts_with("m.key.verification.");
}

// At most 64 bytes of untrusted text for a weird's description, cut at a character boundary.
std::string Short(sv s) {
  if (s.size() <= 64) return std::string(s);
  size_t n = 64;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// The reply fallback ("> <@alice:example.org> quoted\n\nreply") copies the original into the
// body; cordon keeps only the reply's own text.
sv StripReplyFallback(sv body) {
  if (!body.starts_with("> ")) return body;
  size_t pos = 0;
  while (pos < body.size() && body[pos] == '>') {
    size_t nl = body.find('\n', pos);
    pos = nl == sv::npos ? body.size() : nl + 1;
  }
  if (pos < body.size() && body[pos] == '\n') ++pos;
  return body.substr(pos);
}

std::string StripMxReply(sv html) {
  std::string out(html);
  std::string lower = ToLower(html);
  size_t open = lower.find("<mx-reply>");
  size_t close = lower.find("</mx-reply>");
  if (open != std::string::npos && close != std::string::npos && close > open) {
    out.erase(open, close + 11 - open);
  }
  return out;
}

struct MatrixEvent {
  sv type;
  TimeMs time = 0;
  std::string room;  // room id
  sv sender;
  sv event_id;
  std::optional<sv> state_key;
  object content;
  object root;
};

// The membership before this event, from unsigned.prev_content (or the older top-level
// prev_content).
std::string PrevMembership(object root) {
  for (sv path : {"/unsigned/prev_content/membership", "/prev_content/membership"}) {
    element e;
    if (root.at_pointer(path).get(e) == simdjson::SUCCESS && e.is_string()) {
      return std::string(sv(e));
    }
  }
  return {};
}

bool IsRedacted(object root) {
  element e;
  return root.at_pointer("/unsigned/redacted_because").get(e) == simdjson::SUCCESS;
}

// Reads events for one import; turns each into cordon events.
class MatrixReader {
 public:
  explicit MatrixReader(EventSink& sink) : sink_(sink) {}

  RecordResult Read(element e, const Location& where, sv room_context) {
    if (!e.is_object()) return RecordResult::Reject("expected a JSON object");
    Fields f{object(e)};
    MatrixEvent ev;
    ev.root = object(e);
    ev.type = f.ReqStr("type");
    auto ts = f.Int("origin_server_ts");
    auto room_id = f.Str("room_id");
    ev.sender = f.ReqStr("sender");
    ev.event_id = f.Str("event_id").value_or("");
    ev.state_key = f.Str("state_key");
    auto content = f.Obj("content");
    if (!f.ok()) return RecordResult::Reject(f.error());
    if (!ts) return RecordResult::Reject("missing field 'origin_server_ts'");
    ev.time = *ts;
    ev.room = std::string(room_id.value_or(room_context));
    if (ev.room.empty()) return RecordResult::Reject("missing field 'room_id'");
    if (!IsRoomId(ev.room)) {
      return RecordResult::Reject("field 'room_id': expected a room id (!id:server)");
    }
    if (!IsUserId(ev.sender)) {
      return RecordResult::Reject("field 'sender': expected a user id (@user:server)");
    }
    if (!ev.event_id.empty() && !IsEventId(ev.event_id)) {
      return RecordResult::Reject("field 'event_id': expected an event id ($id)");
    }
    if (!content) return RecordResult::Reject("missing field 'content'");
    ev.content = *content;
    where_ = &where;
    const sv t = ev.type;
    if (t == "m.room.message") return Message(ev);
    if (t == "m.sticker") return Sticker(ev);
    if (t == "m.room.member") return Member(ev);
    if (t == "m.room.create") return Create(ev);
    if (t == "m.room.name" || t == "m.room.topic" || t == "m.room.canonical_alias") {
      return RoomState(ev);
    }
    if (t == "m.room.aliases") return Aliases(ev);
    if (t == "m.room.power_levels") return PowerLevels(ev);
    if (t == "m.room.tombstone") return Tombstone(ev);
    if (t == "m.room.redaction")
      return Weird(weird::kMatrixRedaction, "matrix redaction (not applied)");
    if (IsPolicyRule(t))
      return Weird(weird::kMatrixPolicyRule, "matrix policy rule (to be read as a ban later)");
    if (t == "m.room.encrypted")
      return Weird(weird::kMatrixEncrypted, "matrix encrypted event (unreadable)");
    if (IsIgnored(t)) return RecordResult::Ok();
    return Weird(weird::kMatrixEventTypeNotRead, "matrix event type not read: " + Short(t));
  }

 private:
  RecordResult Emit(Event&& e) {
    Status s = sink_.OnEvent(std::move(e), *where_);
    return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(std::move(s));
  }
  RecordResult Weird(std::string_view name, const std::string& what) {
    sink_.OnWeird(name, what, *where_);
    return RecordResult::Ok();
  }

  // The common part of message-like events; nullopt (and a reason) without an event id.
  std::optional<MessageEvent> NewMessage(const MatrixEvent& ev, std::string& why) {
    if (ev.event_id.empty()) {
      why = "missing field 'event_id'";
      return std::nullopt;
    }
    MessageEvent m;
    m.chat = Key(ev.room);
    m.key = m.chat + "/" + std::string(ev.event_id);
    m.time = ev.time;
    m.from = Key(ev.sender);
    return m;
  }

  RecordResult Message(const MatrixEvent& ev) {
    std::string why;
    auto m = NewMessage(ev, why);
    if (!m) return RecordResult::Reject(why);
    Fields c(ev.content);
    auto relates = c.Obj("m.relates_to");
    auto new_content = c.Any("m.new_content");
    auto msgtype = c.Str("msgtype");
    auto body = c.Str("body");
    auto format = c.Str("format");
    auto formatted = c.Str("formatted_body");
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    std::optional<sv> rel_type, rel_event, reply_event;
    std::optional<bool> falling_back;
    if (relates) {
      Fields r(*relates);
      rel_type = r.Str("rel_type");
      rel_event = r.Str("event_id");
      falling_back = r.Bool("is_falling_back");
      if (auto in_reply = r.Obj("m.in_reply_to")) {
        Fields ir(*in_reply);
        reply_event = ir.Str("event_id");
        if (!ir.ok()) r.Fail(ir.error());
      }
      if (!r.ok()) return RecordResult::Reject("content.m.relates_to: " + r.error());
    }
    if (new_content || rel_type == "m.replace") {
      return Weird(weird::kMatrixEditSkipped,
                   "matrix edit (m.replace) skipped; the original is kept");
    }
    // Threads point at their root; a reply inside a thread that is not a fallback points at
    // the message it answers.
    std::optional<sv> parent = reply_event;
    if (rel_type == "m.thread" && (falling_back.value_or(false) || !reply_event)) {
      parent = rel_event;
    }
    if (parent && IsEventId(*parent)) m->reply_to = m->chat + "/" + std::string(*parent);
    if (!msgtype) {
      if (IsRedacted(ev.root)) {
        sink_.OnWeird(weird::kMatrixRedactedEvent, "matrix redacted event (content removed)",
                      *where_);
        return Emit(std::move(*m));
      }
      return RecordResult::Reject("content: missing field 'msgtype'");
    }
    LinkList links;
    const sv type = *msgtype;
    std::string media_kind;
    if (type == "m.image") media_kind = "image";
    if (type == "m.file") media_kind = "file";
    if (type == "m.video") media_kind = "video";
    if (type == "m.audio") media_kind = "audio";
    if (!media_kind.empty()) {
      Media md;
      md.kind = media_kind;
      Fields mc(ev.content);
      if (auto url = mc.Str("url")) {
        md.path = std::string(*url);
      } else if (auto file = mc.Obj("file")) {  // encrypted media
        Fields ef(*file);
        md.path = std::string(ef.Str("url").value_or(""));
      }
      // The body is the file name, or a caption when a separate file name is given.
      auto filename = mc.Str("filename");
      if (filename && body && *body != *filename) m->text = std::string(*body);
      m->media.push_back(std::move(md));
    } else {
      if (type != "m.text" && type != "m.notice" && type != "m.emote") {
        sink_.OnWeird(weird::kMatrixMsgtypeAsText, "matrix msgtype read as text: " + Short(type),
                      *where_);
      }
      sv text = body.value_or("");
      if (reply_event) text = StripReplyFallback(text);
      m->text = std::string(text);
    }
    for (auto& u : ExtractUrls(m->text)) links.Add(std::move(u));
    if (formatted && (!format || *format == "org.matrix.custom.html")) {
      for (auto& h : ExtractHtmlHrefs(StripMxReply(*formatted))) {
        // A user pill is a mention, not a link (ingest/mentions.h).
        if (NormalizeLink(h) && !IsMentionHref(h)) links.Add(std::move(h));
      }
    }
    m->links = links.Take();
    return Emit(std::move(*m));
  }

  RecordResult Sticker(const MatrixEvent& ev) {
    std::string why;
    auto m = NewMessage(ev, why);
    if (!m) return RecordResult::Reject(why);
    Fields c(ev.content);
    Media md;
    md.kind = "sticker";
    md.path = std::string(c.Str("url").value_or(""));
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    m->media.push_back(std::move(md));
    return Emit(std::move(*m));
  }

  RecordResult Member(const MatrixEvent& ev) {
    if (!ev.state_key || !IsUserId(*ev.state_key)) {
      return RecordResult::Reject("field 'state_key': expected the member's user id");
    }
    Fields c(ev.content);
    auto membership = c.Str("membership");
    auto displayname = c.Str("displayname");
    auto reason = c.Str("reason");
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    if (!membership) return RecordResult::Reject("content: missing field 'membership'");
    const std::string user = Key(*ev.state_key);
    const std::string chat = Key(ev.room);
    if (displayname && !displayname->empty()) {
      EntityEvent u;
      u.key = user;
      u.kind = EntityKind::kUser;
      u.time = ev.time;
      u.name = std::string(*displayname);
      RecordResult r = Emit(std::move(u));
      if (!r.fatal.ok()) return r;
    }
    MemberEvent m{chat, user, ev.time, MemberAction::kJoin, std::string(reason.value_or(""))};
    const sv ms = *membership;
    const std::string prev = PrevMembership(ev.root);
    if (ms == "join") {
      if (prev == "join") return RecordResult::Ok();  // a profile change, not a new join
    } else if (ms == "leave") {
      m.action = MemberAction::kLeave;
      if (ev.sender != *ev.state_key) {
        // Someone else ended the membership: an unban when it was a ban, else a kick.
        m.reason = (prev == "ban" ? "unbanned by " : "kicked by ") + std::string(ev.sender) +
                   (reason && !reason->empty() ? ": " + std::string(*reason) : "");
      }
    } else if (ms == "ban") {
      m.action = MemberAction::kBan;
    } else if (ms == "invite") {
      return Weird(weird::kMatrixInvite, "matrix invite (no invite action in the event model)");
    } else if (ms == "knock") {
      return Weird(weird::kMatrixKnock, "matrix knock");
    } else {
      return Weird(weird::kMatrixMembershipNotRead, "matrix membership not read: " + Short(ms));
    }
    return Emit(std::move(m));
  }

  RecordResult Create(const MatrixEvent& ev) {
    Fields c(ev.content);
    auto creator = c.Str("creator");  // gone from room version 11 on: the sender created it
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    sv who = creator && IsUserId(*creator) ? *creator : ev.sender;
    EntityEvent room;
    room.key = Key(ev.room);
    room.kind = EntityKind::kGroup;
    room.time = ev.time;
    room.created = ev.time;
    room.creator = Key(who);
    RecordResult r = Emit(std::move(room));
    if (!r.fatal.ok()) return r;
    return Emit(MemberEvent{Key(ev.room), Key(who), ev.time, MemberAction::kCreator, ""});
  }

  RecordResult RoomState(const MatrixEvent& ev) {
    Fields c(ev.content);
    EntityEvent room;
    room.key = Key(ev.room);
    room.kind = EntityKind::kGroup;
    room.time = ev.time;
    if (ev.type == "m.room.name") {
      if (auto v = c.Str("name"); v && !v->empty()) room.name = std::string(*v);
    } else if (ev.type == "m.room.topic") {
      if (auto v = c.Str("topic"); v && !v->empty()) room.about = std::string(*v);
    } else if (auto v = c.Str("alias"); v && !v->empty()) {
      room.username = std::string(*v);
    }
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    if (!room.name && !room.about && !room.username) return RecordResult::Ok();  // cleared
    return Emit(std::move(room));
  }

  // The older per-server alias list (state_key = the homeserver). Each alias on that server
  // is a username the room was known by, so links to any of them lead to the room; aliases
  // of other servers are not that server's to list and are left.
  RecordResult Aliases(const MatrixEvent& ev) {
    Fields c(ev.content);
    auto aliases = c.Arr("aliases");
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    if (!aliases) return RecordResult::Ok();
    const sv server = ev.state_key.value_or("");
    for (element a : *aliases) {
      if (!a.is_string()) return RecordResult::Reject("content: field 'aliases': expected strings");
      const sv alias = a;
      const size_t colon = alias.find(':');
      if (alias.size() < 4 || alias.front() != '#' || colon == sv::npos || colon < 2) continue;
      if (!server.empty() && alias.substr(colon + 1) != server) continue;
      EntityEvent room;
      room.key = Key(ev.room);
      room.kind = EntityKind::kGroup;
      room.time = ev.time;
      room.username = std::string(alias);
      RecordResult r = Emit(std::move(room));
      if (!r.fatal.ok()) return r;
    }
    return RecordResult::Ok();
  }

  RecordResult PowerLevels(const MatrixEvent& ev) {
    Fields c(ev.content);
    auto users = c.Obj("users");
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    if (!users) return RecordResult::Ok();
    for (auto field : *users) {
      auto level = ElementInt(field.value);
      if (!level || *level < 50 || !IsUserId(field.key)) continue;
      RecordResult r = Emit(MemberEvent{Key(ev.room), Key(field.key), ev.time, MemberAction::kAdmin,
                                        "power level " + std::to_string(*level)});
      if (!r.fatal.ok()) return r;
    }
    return RecordResult::Ok();
  }

  // A room upgrade: kept as the message clients show, linking to the replacement room.
  RecordResult Tombstone(const MatrixEvent& ev) {
    Fields c(ev.content);
    auto body = c.Str("body");
    auto replacement = c.Str("replacement_room");
    if (!c.ok()) return RecordResult::Reject("content: " + c.error());
    if (!replacement || !IsRoomId(*replacement)) {
      return RecordResult::Reject("content: missing field 'replacement_room'");
    }
    std::string why;
    auto m = NewMessage(ev, why);
    if (!m) return RecordResult::Reject(why);
    m->text = std::string(body.value_or(""));
    m->links.push_back("https://matrix.to/#/" + std::string(*replacement));
    return Emit(std::move(*m));
  }

  EventSink& sink_;
  const Location* where_ = nullptr;
};

class MatrixImporter final : public Importer {
 public:
  std::string_view name() const override { return "matrix"; }

  int Sniff(std::string_view, std::string_view head) const override {
    size_t p = head.find_first_not_of(" \t\r\n");
    if (p == sv::npos || (head[p] != '{' && head[p] != '[')) return 0;
    auto has = [&](sv s) { return head.find(s) != sv::npos; };
    const bool event_like =
        has("\"origin_server_ts\"") || (has("\"event_id\"") && has("\"sender\""));
    if (has("\"chunk\"") && event_like) return 90;
    if (has("\"next_batch\"") && has("\"rooms\"")) return 90;
    if (event_like && has("\"type\"") && has("\"content\"")) return 85;
    return 0;
  }

  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    JsonWalker walker(limits, sink);
    MatrixReader reader(sink);
    return ForEachJsonRoot(file, limits, sink, [&](const JsonRoot& root) -> Status {
      if (!root.whole_file) {
        // One value per line: nearly always an event, read straight from its DOM.
        bool wrapper = false;
        RETURN_IF_ERROR(walker.ParseRecord(root.text, root.where,
                                           [&](element e, const Location& where) -> RecordResult {
                                             if (IsWrapper(e)) {
                                               wrapper = true;
                                               return RecordResult::Ok();
                                             }
                                             return reader.Read(e, where, "");
                                           }));
        if (!wrapper) return Status::Ok();
      }
      Status s = walker.Start(root);
      if (s.ok()) s = Walk(walker, reader, root, sink);
      if (!s.ok() && s.code() == StatusCode::kCorrupt && !root.whole_file) {
        sink.OnReject(s.where(), s.message());  // one broken line; the next may be fine
        return Status::Ok();
      }
      return s;
    });
  }

 private:
  static JsonRecordFn EventsOf(MatrixReader& reader, std::string room) {
    return [&reader, room = std::move(room)](element e, const Location& where) {
      return reader.Read(e, where, room);
    };
  }

  static Status Walk(JsonWalker& w, MatrixReader& reader, const JsonRoot& root, EventSink& sink) {
    // One pass over the root: a response's arrays are walked as they come; a root that turns
    // out to be no response is read whole as one event.
    bool response = false, has_type = false;
    RETURN_IF_ERROR(w.ForEachRootField([&](sv key, simdjson::ondemand::value& v) -> Status {
      if (IsWrapperKey(key) || key == "state") response = true;
      if (key == "type") has_type = true;
      // /messages: chunk (the timeline) and state (members of the senders).
      if (key == "chunk" || key == "state") return w.ForEachRecord(v, EventsOf(reader, ""));
      if (key != "rooms") return Status::Ok();
      // /sync: rooms.{join,leave}.<room id>.{timeline,state}.events; events there have no
      // room_id of their own.
      return w.ForEachField(v, "rooms", [&](sv membership, simdjson::ondemand::value& set) {
        const bool stripped = membership == "invite" || membership == "knock";
        if (!stripped && membership != "join" && membership != "leave") return Status::Ok();
        return w.ForEachField(set, membership, [&](sv room_key, simdjson::ondemand::value& r) {
          std::string room(room_key);
          if (stripped) {
            sink.OnWeird(weird::kMatrixInvitedRoomState,
                         "matrix invited room's stripped state skipped",
                         w.Where(r.raw_json_token().data()));
            return Status::Ok();
          }
          return w.ForEachField(r, room, [&](sv section, simdjson::ondemand::value& sec) {
            if (section != "timeline" && section != "state" && section != "state_after") {
              return Status::Ok();
            }
            return w.ForEachField(sec, section, [&](sv k, simdjson::ondemand::value& events) {
              if (k != "events") return Status::Ok();
              return w.ForEachRecord(events, EventsOf(reader, room));
            });
          });
        });
      });
    }));
    RETURN_IF_ERROR(w.Finish());
    if (response) return Status::Ok();
    if (has_type) return w.ParseRecord(root.text, root.where, EventsOf(reader, ""));
    sink.OnReject(root.where, "not a Matrix event, /messages or /sync response");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Importer> MakeMatrixImporter() { return std::make_unique<MatrixImporter>(); }

}  // namespace cordon
