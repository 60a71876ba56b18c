// Rocket.Chat REST messages (docs/formats/rocketchat.md): channels.history and
// chat.syncMessages responses, arrays of messages, or one message per line (mongoexport).
#include <algorithm>
#include <filesystem>
#include <map>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/weirds.h"
#include "cordon/model/links.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/strings.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;
using sv = std::string_view;

bool IsHostLabel(sv l) {
  return !l.empty() && l.size() <= 63 && l.front() != '-' && l.back() != '-' &&
         std::all_of(l.begin(), l.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// "chat.example.org", "chat.example.org:3000" or "10.0.0.5": at least two labels and a
// top-level label of letters (or four numbers).
bool LooksLikeHost(const std::string& name) {
  sv s = name;
  if (size_t colon = s.rfind(':'); colon != sv::npos) {
    sv port = s.substr(colon + 1);
    if (port.empty() ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    s = s.substr(0, colon);
  }
  std::vector<sv> labels;
  size_t i = 0;
  while (true) {
    size_t dot = s.find('.', i);
    labels.push_back(s.substr(i, dot == sv::npos ? sv::npos : dot - i));
    if (dot == sv::npos) break;
    i = dot + 1;
  }
  if (labels.size() < 2 || !std::all_of(labels.begin(), labels.end(), IsHostLabel)) return false;
  sv top = labels.back();
  if (top.size() >= 2 &&
      std::all_of(top.begin(), top.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return true;
  }
  return labels.size() == 4 && std::all_of(labels.begin(), labels.end(), [](sv l) {
           return l.size() <= 3 &&
                  std::all_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; });
         });
}

}  // namespace

// Messages name no server: the nearest directory above the file named like a host
// (exports/chat.example.org/history.json) gives it, else "local".
std::string RocketChatHostFromPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) p = path;
  for (p = p.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    std::string name = ToLower(p.filename().string());
    if (LooksLikeHost(name)) return name;
  }
  return "local";
}

namespace {

// ts and editedAt: {"$date": ms}, {"$date": "ISO"}, {"$date": {"$numberLong": "ms"}}, an ISO
// string (REST) or a number of milliseconds.
std::optional<TimeMs> ParseDate(element e, int depth = 0) {
  if (e.is_string()) return ParseRfc3339Ms(sv(e));
  if (e.is_number()) return ElementInt(e);
  if (e.is_object() && depth < 2) {
    for (auto field : object(e)) {
      if (field.key == "$date") return ParseDate(field.value, depth + 1);
      if (field.key == "$numberLong") return ElementInt(field.value);
    }
  }
  return std::nullopt;
}

// Rocket.Chat ids become parts of keys: no '/' and no spaces.
bool IsId(sv s) {
  return !s.empty() && s.size() <= 256 && std::none_of(s.begin(), s.end(), [](char c) {
    return c == '/' || static_cast<unsigned char>(c) <= 0x20;
  });
}

struct User {
  sv id, username, name;
};

// Reads messages for one import. Entities are gathered and emitted at the end, once for each
// name they had, at the earliest time seen (histories come newest first). Not thread-safe.
class RocketChatReader {
 public:
  RocketChatReader(EventSink& sink, std::string host) : sink_(sink), host_(std::move(host)) {}

  RecordResult Read(element e, const Location& where) {
    if (!e.is_object()) return RecordResult::Reject("expected a JSON object");
    where_ = &where;
    Fields f{object(e)};
    sv id = f.ReqStr("_id");
    sv rid = f.ReqStr("rid");
    auto ts_field = f.Any("ts");
    auto t = f.Str("t");
    auto msg = f.Str("msg");
    auto u = f.Obj("u");
    auto hidden = f.Bool("_hidden");
    auto tmid = f.Str("tmid");
    auto urls = f.Arr("urls");
    auto attachments = f.Arr("attachments");
    auto mentions = f.Arr("mentions");
    auto role = f.Str("role");
    auto drid = f.Str("drid");
    const bool bot = f.Any("bot").has_value();
    if (!f.ok()) return RecordResult::Reject(f.error());
    if (!ts_field) return RecordResult::Reject("missing field 'ts'");
    auto ts = ParseDate(*ts_field);
    if (!ts) return RecordResult::Reject("field 'ts': expected a date");
    if (!IsId(id) || !IsId(rid)) return RecordResult::Reject("field '_id' or 'rid': bad id");
    if (tmid && !IsId(*tmid)) return RecordResult::Reject("field 'tmid': bad id");
    User user;
    if (u) {
      Fields uf(*u);
      user.id = uf.ReqStr("_id");
      user.username = uf.Str("username").value_or("");
      user.name = uf.Str("name").value_or("");
      if (!uf.ok()) return RecordResult::Reject("u: " + uf.error());
      if (!IsId(user.id)) return RecordResult::Reject("u: bad id");
    }
    if (hidden.value_or(false)) {
      sink_.OnWeird(weird::kRocketHiddenMessage,
                    "rocketchat hidden message (an old version of an edit) skipped", where);
      return RecordResult::Ok();
    }
    if (mentions) {
      for (auto m : *mentions) {
        if (!m.is_object()) continue;
        Fields mf{object(m)};
        auto mid = mf.Str("_id");
        auto mname = mf.Str("username");
        if (mf.ok() && mid && mname && IsId(*mid)) LearnUsername(*mname, *mid);
      }
    }
    if (!user.id.empty()) NoteUser(user, bot, *ts);
    // A direct room's id is its two members' ids joined: not a group.
    const bool direct = !user.id.empty() && rid.size() == 2 * user.id.size() &&
                        (rid.starts_with(user.id) || rid.ends_with(user.id));
    if (!direct) NoteRoom(rid, *ts);
    if (t && *t == "discussion-created") return Discussion(id, rid, drid, user, msg, *ts);
    if (t) return System(*t, rid, user, msg.value_or(""), role.value_or(""), *ts);

    MessageEvent m;
    m.chat = RoomKey(rid);
    m.key = m.chat + "/" + std::string(id);
    m.time = *ts;
    if (!user.id.empty()) m.from = UserKey(user.id);
    m.text = std::string(msg.value_or(""));
    if (tmid) m.reply_to = m.chat + "/" + std::string(*tmid);
    LinkList links;
    if (urls) {
      for (auto item : *urls) {
        element url;
        if (item.is_string()) {
          links.Add(std::string(sv(item)));
        } else if (item.is_object() && object(item)["url"].get(url) == simdjson::SUCCESS &&
                   url.is_string()) {
          links.Add(std::string(sv(url)));
        }
      }
    }
    if (attachments) {
      for (auto a : *attachments) {
        if (!a.is_object()) continue;
        Fields af{object(a)};
        // Quotes of other messages are attachments with a message_link; not media.
        if (af.Str("message_link")) continue;
        Media md;
        if (auto v = af.Str("image_url")) {
          md = Media{"image", "", "", "", std::string(*v)};
        } else if (auto v = af.Str("video_url")) {
          md = Media{"video", "", "", "", std::string(*v)};
        } else if (auto v = af.Str("audio_url")) {
          md = Media{"audio", "", "", "", std::string(*v)};
        } else if (auto v = af.Str("title_link")) {
          md = Media{"file", "", "", "", std::string(*v)};
        }
        // Uploads are server-relative URLs (/file-upload/...): name them as the URLs they are,
        // so ingest reports them as not fetched rather than as paths outside the export.
        if (md.path.starts_with('/') && !md.path.starts_with("//") && !host_.empty()) {
          md.path = "https://" + host_ + md.path;
        }
        if (!md.kind.empty()) m.media.push_back(std::move(md));
        // An upload's caption is its description; the message itself is then empty.
        if (auto d = af.Str("description"); d && m.text.empty()) m.text = std::string(*d);
      }
    }
    for (auto& url : ExtractUrls(m.text)) links.Add(std::move(url));
    m.links = links.Take();
    return Emit(std::move(m));
  }

  // chat.syncMessages lists deleted messages by id only.
  RecordResult Deleted(element, const Location& where) {
    sink_.OnWeird(weird::kRocketDeletedMessage, "rocketchat deleted message (id only)", where);
    return RecordResult::Ok();
  }

  // Emits the gathered users and rooms, then the membership changes that name their user by
  // username, now that every message has taught its sender's username.
  Status Finish() {
    for (auto& [event, where] : entities_) {
      RETURN_IF_ERROR(sink_.OnEvent(std::move(event), where));
    }
    entities_.clear();
    for (auto& p : pending_) {
      auto it = id_by_username_.find(p.username);
      if (it != id_by_username_.end()) {
        p.event.user = UserKey(it->second);
      } else {
        sink_.OnWeird(weird::kRocketUsernameOnly, "rocketchat user known by username only",
                      p.where);
        p.event.user = UserKey("@" + p.username);
      }
      RETURN_IF_ERROR(sink_.OnEvent(std::move(p.event), p.where));
    }
    pending_.clear();
    return Status::Ok();
  }

 private:
  std::string UserKey(sv id) const { return "rocketchat:" + host_ + "/" + std::string(id); }
  std::string RoomKey(sv rid) const { return UserKey(rid); }

  RecordResult Emit(Event&& e) {
    Status s = sink_.OnEvent(std::move(e), *where_);
    return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(std::move(s));
  }

  void LearnUsername(sv username, sv id) {
    if (!username.empty()) id_by_username_.try_emplace(std::string(username), std::string(id));
  }

  // An entity version (key, kind, name, username): kept once, at the earliest time seen.
  void Note(EntityEvent e) {
    std::string k = e.key + '\n' + e.name.value_or("") + '\n' + e.username.value_or("") + '\n' +
                    e.about.value_or("");
    auto [it, added] = index_.try_emplace(std::move(k), entities_.size());
    if (added) {
      entities_.emplace_back(std::move(e), *where_);
      return;
    }
    auto& [have, where] = entities_[it->second];
    if (e.time < have.time) {
      have.time = e.time;
      where = *where_;
    }
    if (e.created && !have.created) {
      have.created = e.created;
      have.creator = std::move(e.creator);
    }
  }

  void NoteUser(const User& u, bool bot, TimeMs time) {
    LearnUsername(u.username, u.id);
    EntityEvent e;
    e.key = UserKey(u.id);
    e.kind = bot ? EntityKind::kBot : EntityKind::kUser;
    e.time = time;
    if (!u.name.empty()) e.name = std::string(u.name);
    if (!u.username.empty()) e.username = std::string(u.username);
    Note(std::move(e));
  }

  void NoteRoom(sv rid, TimeMs time, std::optional<std::string> name = {},
                std::optional<std::string> about = {}) {
    EntityEvent e;
    e.key = RoomKey(rid);
    e.kind = EntityKind::kGroup;
    e.time = time;
    e.name = std::move(name);
    e.about = std::move(about);
    Note(std::move(e));
  }

  // System messages name their target by username only: resolved at the end, through the
  // senders and mentions of the whole file.
  void MemberByName(MemberEvent e, sv username) {
    pending_.push_back({std::move(e), std::string(username), *where_});
  }

  static std::string By(const User& actor) {
    return actor.username.empty() ? std::string(actor.id) : "@" + std::string(actor.username);
  }

  // A discussion is a room of its own (drid) opened from a parent room (rid). Clients show the
  // opening as a message in the parent, named after the discussion: kept that way, with the
  // discussion's room, its name and its creator.
  RecordResult Discussion(sv id, sv rid, std::optional<sv> drid, const User& actor,
                          std::optional<sv> msg, TimeMs ts) {
    if (actor.id.empty()) return RecordResult::Reject("missing field 'u'");
    if (!drid) return RecordResult::Reject("missing field 'drid'");
    if (!IsId(*drid)) return RecordResult::Reject("field 'drid': bad id");
    EntityEvent room;
    room.key = RoomKey(*drid);
    room.kind = EntityKind::kGroup;
    room.time = ts;
    room.created = ts;
    room.creator = UserKey(actor.id);
    if (msg && !msg->empty()) room.name = std::string(*msg);
    Note(std::move(room));
    RecordResult r =
        Emit(MemberEvent{RoomKey(*drid), UserKey(actor.id), ts, MemberAction::kCreator, ""});
    if (!r.fatal.ok()) return r;
    MessageEvent m;
    m.chat = RoomKey(rid);
    m.key = m.chat + "/" + std::string(id);
    m.time = ts;
    m.from = UserKey(actor.id);
    m.text = std::string(msg.value_or(""));
    return Emit(std::move(m));
  }

  RecordResult System(sv t, sv rid, const User& actor, sv msg, sv role, TimeMs ts) {
    if (actor.id.empty()) return RecordResult::Reject("missing field 'u'");
    const std::string chat = RoomKey(rid);
    auto member = [&](std::string user, MemberAction action, std::string reason) {
      return Emit(MemberEvent{chat, std::move(user), ts, action, std::move(reason)});
    };
    auto target = [&](MemberAction action, std::string reason) {
      MemberByName(MemberEvent{chat, "", ts, action, std::move(reason)}, msg);
      return RecordResult::Ok();
    };
    if (t == "uj" || t == "ujt" || t == "ut")
      return member(UserKey(actor.id), MemberAction::kJoin, "");
    if (t == "ul" || t == "ult") return member(UserKey(actor.id), MemberAction::kLeave, "");
    if (t == "au" || t == "added-user-to-team" || t == "ru" || t == "removed-user-from-team" ||
        t == "subscription-role-added") {
      if (!IsId(msg)) return RecordResult::Reject("field 'msg': expected the username acted on");
      if (t == "au" || t == "added-user-to-team") {
        return target(MemberAction::kJoin, "added by " + By(actor));
      }
      if (t == "ru" || t == "removed-user-from-team") {
        return target(MemberAction::kLeave, "removed by " + By(actor));
      }
      if (role == "owner" || role == "moderator" || role == "leader") {
        return target(MemberAction::kAdmin, "role " + std::string(role));
      }
      sink_.OnWeird(weird::kRocketRoleNotRead,
                    "rocketchat role not read: " + std::string(role.substr(0, 32)), *where_);
      return RecordResult::Ok();
    }
    if (t == "r" && !msg.empty()) {
      NoteRoom(rid, ts, std::string(msg));
      return RecordResult::Ok();
    }
    if (t == "room_changed_topic" && !msg.empty()) {
      NoteRoom(rid, ts, std::nullopt, std::string(msg));
      return RecordResult::Ok();
    }
    if (t == "rm") {
      sink_.OnWeird(weird::kRocketRemovedMessage, "rocketchat removed message", *where_);
      return RecordResult::Ok();
    }
    sink_.OnWeird(weird::kRocketSystemMessage,
                  "rocketchat system message not read: " + std::string(t.substr(0, 48)), *where_);
    return RecordResult::Ok();
  }

  EventSink& sink_;
  const std::string host_;
  const Location* where_ = nullptr;
  std::map<std::string, std::string> id_by_username_;
  std::vector<std::pair<EntityEvent, Location>> entities_;
  std::map<std::string, size_t> index_;
  struct Pending {
    MemberEvent event;
    std::string username;
    Location where;
  };
  std::vector<Pending> pending_;
};

// A response wrapping messages, as opposed to a message (good or bad).
bool IsWrapper(element e) {
  if (!e.is_object()) return false;
  bool wrapper = false;
  for (auto field : object(e)) {
    if (field.key == "_id") return false;
    wrapper = wrapper || field.key == "messages" || field.key == "result" || field.key == "message";
  }
  return wrapper;
}

class RocketChatImporter final : public Importer {
 public:
  std::string_view name() const override { return "rocketchat"; }

  int Sniff(std::string_view, std::string_view head) const override {
    size_t p = head.find_first_not_of(" \t\r\n");
    if (p == sv::npos || (head[p] != '{' && head[p] != '[')) return 0;
    auto has = [&](sv s) { return head.find(s) != sv::npos; };
    if (has("\"rid\"") && has("\"_id\"") && (has("\"msg\"") || has("\"ts\""))) return 90;
    return 0;
  }

  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    JsonWalker walker(limits, sink);
    RocketChatReader reader(sink, RocketChatHostFromPath(file.path));
    auto read = [&](element e, const Location& where) { return reader.Read(e, where); };
    Status s = ForEachJsonRoot(file, limits, sink, [&](const JsonRoot& root) -> Status {
      if (!root.whole_file) {
        // One value per line: nearly always a message, read straight from its DOM.
        bool wrapper = false;
        RETURN_IF_ERROR(walker.ParseRecord(root.text, root.where,
                                           [&](element e, const Location& where) -> RecordResult {
                                             if (IsWrapper(e)) {
                                               wrapper = true;
                                               return RecordResult::Ok();
                                             }
                                             return reader.Read(e, where);
                                           }));
        if (!wrapper) return Status::Ok();
      }
      Status st = walker.Start(root);
      if (st.ok()) st = Walk(walker, reader, root, sink, read);
      if (!st.ok() && st.code() == StatusCode::kCorrupt && !root.whole_file) {
        sink.OnReject(st.where(), st.message());
        return Status::Ok();
      }
      return st;
    });
    // Entities from the good records are kept even when the file broke off; not when the
    // sink asked to stop.
    if (!s.ok() && s.code() != StatusCode::kCorrupt) return s;
    Status fin = reader.Finish();
    return s.ok() ? fin : s;
  }

 private:
  static Status Walk(JsonWalker& w, RocketChatReader& reader, const JsonRoot& root, EventSink& sink,
                     const JsonRecordFn& read) {
    simdjson::ondemand::json_type type;
    auto err = w.doc().type().get(type);
    if (err != simdjson::SUCCESS) return w.Broken(err, nullptr);
    if (type == simdjson::ondemand::json_type::array) {
      RETURN_IF_ERROR(w.ForEachRootRecord(read));
      return w.Finish();
    }
    // One pass over the root: a response's arrays are walked as they come; a root that turns
    // out to be no response is read whole as one message.
    auto deleted = [&](element e, const Location& where) { return reader.Deleted(e, where); };
    bool response = false, message_like = false;
    RETURN_IF_ERROR(w.ForEachRootField([&](sv key, simdjson::ondemand::value& v) -> Status {
      if (key == "_id" || key == "rid") message_like = true;
      if (key == "messages") {  // channels.history & co.
        response = true;
        return w.ForEachRecord(v, read);
      }
      if (key == "message") {  // chat.getMessage
        response = true;
        return w.Record(v, read);
      }
      if (key != "result") return Status::Ok();
      // chat.syncMessages: result.updated and result.deleted.
      response = true;
      return w.ForEachField(v, "result", [&](sv k, simdjson::ondemand::value& list) {
        if (k == "updated" || k == "messages") return w.ForEachRecord(list, read);
        if (k == "deleted") return w.ForEachRecord(list, deleted);
        return Status::Ok();
      });
    }));
    RETURN_IF_ERROR(w.Finish());
    if (response && !message_like) return Status::Ok();
    if (message_like) return w.ParseRecord(root.text, root.where, read);
    sink.OnReject(root.where, "not a Rocket.Chat message or messages response");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Importer> MakeRocketChatImporter() {
  return std::make_unique<RocketChatImporter>();
}

}  // namespace cordon
