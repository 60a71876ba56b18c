// Telegram Bot API updates (docs/formats/telegram-bot-api.md): a getUpdates answer
// ({"ok":true,"result":[Update, ...]}), an array of Updates, or one Update per line (a webhook's
// log). Messages and channel posts (and their edits) become messages, with their chat, sender and
// forward source as entities; chat_member and my_chat_member updates, and a message's
// new_chat_members and left_chat_member, become membership changes.
#include <algorithm>
#include <string>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/telegram_common.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/json_fields.h"

namespace cordon {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
using sv = std::string_view;
namespace tg = telegram;

// What a message holds instead of text, in Telegram Desktop's words (as the other importers).
constexpr std::pair<sv, sv> kMediaKinds[] = {
    {"photo", "photo"},         {"animation", "animation"},
    {"video", "video_file"},    {"video_note", "video_message"},
    {"voice", "voice_message"}, {"audio", "audio_file"},
    {"sticker", "sticker"},     {"document", "file"},
    {"poll", "poll"},
};

std::string Joined(sv a, sv b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return std::string(a) + " " + std::string(b);
}

class BotReader {
 public:
  explicit BotReader(EventSink& sink) : sink_(sink) {}

  RecordResult Update(element e, const Location& where) {
    if (!e.is_object()) return RecordResult::Reject("expected an Update object");
    where_ = &where;
    object u(e);
    Fields f{u};
    auto id = f.Int("update_id");
    if (!f.ok()) return RecordResult::Reject(f.error());
    if (!id) return RecordResult::Reject("missing field 'update_id'");
    for (auto field : u) {
      const sv key = field.key;
      if (key == "update_id") continue;
      if (!field.value.is_object())
        return RecordResult::Reject("field '" + std::string(key) + "': expected an object");
      if (key == "message" || key == "channel_post" || key == "edited_message" ||
          key == "edited_channel_post" || key == "business_message") {
        return Message(object(field.value));
      }
      if (key == "chat_member" || key == "my_chat_member") return ChatMember(object(field.value));
      sink_.OnWeird(weird::kBotUpdateNotRead,
                    "telegram bot update not read: " + std::string(key.substr(0, 48)), where);
      return RecordResult::Ok();
    }
    return RecordResult::Reject("an Update with no content");
  }

  Status Finish() { return table_.Flush(sink_); }

 private:
  RecordResult Emit(Event&& e) {
    Status s = sink_.OnEvent(std::move(e), *where_);
    return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(std::move(s));
  }

  // A Chat: its key, and the entity noted. Empty (with `error` set) when it is no chat.
  std::string Chat(object chat, TimeMs time, std::string& error) {
    Fields f{chat};
    auto id = f.Int("id");
    auto type = f.Str("type");
    auto title = f.Str("title");
    auto username = f.Str("username");
    auto first = f.Str("first_name");
    auto last = f.Str("last_name");
    std::optional<std::string> key;
    if (f.ok() && id) key = tg::KeyFromMarkedId(*id);
    if (!key) {
      error = f.ok() ? "chat: expected a chat id" : "chat: " + f.error();
      return {};
    }
    const sv t = type.value_or("");
    const EntityKind kind = t == "channel"                      ? EntityKind::kChannel
                            : t == "group" || t == "supergroup" ? EntityKind::kGroup
                            : t == "private"                    ? EntityKind::kUser
                                                                : EntityKind::kUnknown;
    EntityEvent& ev = table_.Observe(*key, kind, time, *where_);
    if (kind != EntityKind::kUnknown) ev.kind = kind;
    if (title && !title->empty()) ev.name = std::string(*title);
    if (!title && (first || last)) ev.name = Joined(first.value_or(""), last.value_or(""));
    if (username && !username->empty()) ev.username = std::string(*username);
    return *key;
  }

  // A User: its key, and the entity noted; empty when it is none.
  std::string User(object user, TimeMs time) {
    Fields f{user};
    auto id = f.Int("id");
    auto bot = f.Bool("is_bot");
    auto first = f.Str("first_name");
    auto last = f.Str("last_name");
    auto username = f.Str("username");
    if (!f.ok() || !id || *id <= 0) {
      sink_.OnWeird(weird::kPeerNotMapped, "telegram bot api user without a usable id", *where_);
      return {};
    }
    const std::string key = tg::UserKey(*id);
    EntityEvent& ev = table_.Observe(key, EntityKind::kUser, time, *where_);
    ev.kind = bot.value_or(false) ? EntityKind::kBot : EntityKind::kUser;
    if (first || last) ev.name = Joined(first.value_or(""), last.value_or(""));
    if (username && !username->empty()) ev.username = std::string(*username);
    return key;
  }

  std::string UserField(Fields& f, sv key, TimeMs time) {
    auto o = f.Obj(key);
    return o ? User(*o, time) : std::string();
  }

  void Links(MessageEvent& m, std::optional<array> entities) {
    if (entities) {
      for (element e : *entities) {
        if (!e.is_object()) continue;
        Fields ef{object(e)};
        auto type = ef.Str("type");
        auto offset = ef.Int("offset");
        auto length = ef.Int("length");
        auto url = ef.Str("url");
        if (!ef.ok() || !type) continue;
        if (*type == "text_link" && url) tg::AddHrefLink(m.links, *url);
        if (*type == "url" && offset && length) {
          if (auto s = tg::Utf16Slice(m.text, *offset, *length)) {
            tg::AddLink(m.links, *s);
          } else {
            sink_.OnWeird(weird::kUrlEntityOutsideText, "url entity outside the text", *where_);
          }
        }
      }
    }
    tg::AddTextLinks(m.links, m.text);
  }

  // forward_origin (Bot API 7.0) or the older forward_from* fields.
  void Forward(Fields& f, MessageEvent& m) {
    ForwardOrigin fo;
    bool any = false;
    if (auto origin = f.Obj("forward_origin")) {
      Fields of{*origin};
      auto date = of.Int("date");
      if (date) fo.time = tg::SecondsToMs(*date);
      std::string error;
      for (sv chat_field : {"chat", "sender_chat"}) {
        if (auto c = of.Obj(chat_field)) {
          fo.chat = Chat(*c, m.time, error);
          any = true;
        }
      }
      if (auto id = of.Int("message_id"); id && !fo.chat.empty()) {
        fo.message = fo.chat + "/" + std::to_string(*id);
      }
      if (auto user = of.Obj("sender_user")) {
        fo.chat = User(*user, m.time);
        any = true;
      }
      if (auto name = of.Str("sender_user_name")) {
        fo.name = std::string(*name);
        any = true;
      }
    } else {
      std::string error;
      if (auto c = f.Obj("forward_from_chat")) {
        fo.chat = Chat(*c, m.time, error);
        any = true;
        if (auto id = f.Int("forward_from_message_id")) {
          fo.message = fo.chat + "/" + std::to_string(*id);
        }
      } else if (auto user = f.Obj("forward_from")) {
        fo.chat = User(*user, m.time);
        any = true;
      } else if (auto name = f.Str("forward_sender_name")) {
        fo.name = std::string(*name);
        any = true;
      }
      if (auto date = f.Int("forward_date")) fo.time = tg::SecondsToMs(*date);
    }
    if (any) m.forward = std::move(fo);
  }

  RecordResult Message(object msg) {
    Fields f{msg};
    auto id = f.Int("message_id");
    auto date = f.Int("date");
    auto chat = f.Obj("chat");
    auto edit_date = f.Int("edit_date");
    auto text = f.Str("text");
    auto caption = f.Str("caption");
    auto entities = f.Arr("entities");
    auto caption_entities = f.Arr("caption_entities");
    auto reply = f.Obj("reply_to_message");
    auto thread = f.Int("message_thread_id");
    auto topic = f.Bool("is_topic_message");
    auto sender_chat = f.Obj("sender_chat");
    auto new_members = f.Arr("new_chat_members");
    auto left = f.Obj("left_chat_member");
    auto new_title = f.Str("new_chat_title");
    if (!f.ok()) return RecordResult::Reject("message: " + f.error());
    if (!id || *id <= 0) return RecordResult::Reject("message: missing field 'message_id'");
    if (!date) return RecordResult::Reject("message: missing field 'date'");
    if (!chat) return RecordResult::Reject("message: missing field 'chat'");
    auto time = tg::SecondsToMs(*date);
    if (!time) return RecordResult::Reject("message: field 'date': out of range");
    std::string error;
    const std::string chat_key = Chat(*chat, *time, error);
    if (chat_key.empty()) return RecordResult::Reject("message: " + error);
    std::string from = UserField(f, "from", *time);
    // A channel's post, or an anonymous admin: the chat that speaks is the sender.
    if (sender_chat) {
      std::string sc = Chat(*sender_chat, *time, error);
      if (!sc.empty()) from = sc;
    }
    if (new_members || left) {
      if (new_members) {
        for (element u : *new_members) {
          if (!u.is_object()) continue;
          std::string user = User(object(u), *time);
          if (user.empty()) continue;
          const std::string reason = user == from || from.empty() ? "" : "added by " + from;
          RecordResult r = Emit(MemberEvent{chat_key, user, *time, MemberAction::kJoin, reason});
          if (!r.fatal.ok()) return r;
        }
      }
      if (left) {
        std::string user = User(*left, *time);
        if (!user.empty()) {
          const std::string reason = user == from || from.empty() ? "" : "removed by " + from;
          return Emit(MemberEvent{chat_key, user, *time, MemberAction::kLeave, reason});
        }
      }
      return RecordResult::Ok();
    }
    if (new_title) {
      table_.Observe(chat_key, EntityKind::kUnknown, *time, *where_).name = std::string(*new_title);
      return RecordResult::Ok();
    }
    MessageEvent m;
    m.chat = chat_key;
    m.key = chat_key + "/" + std::to_string(*id);
    m.time = *time;
    m.from = std::move(from);
    m.text = std::string(text ? *text : caption.value_or(""));
    for (const auto& [field, kind] : kMediaKinds) {
      if (f.Any(field)) {
        m.media.push_back(Media{std::string(kind), "", "", "", "", ""});
        break;  // an animation also carries its document
      }
    }
    if (m.text.empty() && m.media.empty()) {
      sink_.OnWeird(weird::kBotUpdateNotRead,
                    "telegram bot message with no text, media or member change", *where_);
      return RecordResult::Ok();
    }
    if (edit_date) m.edited = tg::SecondsToMs(*edit_date);
    Links(m, text ? entities : caption_entities);
    if (reply) {
      Fields rf{*reply};
      if (auto rid = rf.Int("message_id"); rid && *rid > 0 && (!thread || *rid != *thread)) {
        m.reply_to = chat_key + "/" + std::to_string(*rid);
      }
    }
    if (thread && topic.value_or(false)) m.thread = chat_key + "/" + std::to_string(*thread);
    if (auto via = UserField(f, "via_bot", *time); !via.empty()) {
      table_.Observe(via, EntityKind::kBot, *time, *where_).kind = EntityKind::kBot;
      m.via_bot = via;
    }
    Forward(f, m);
    return Emit(std::move(m));
  }

  RecordResult ChatMember(object update) {
    Fields f{update};
    auto chat = f.Obj("chat");
    auto date = f.Int("date");
    auto old_member = f.Obj("old_chat_member");
    auto new_member = f.Obj("new_chat_member");
    if (!f.ok()) return RecordResult::Reject("chat_member: " + f.error());
    if (!chat || !date || !new_member) {
      return RecordResult::Reject("chat_member: expected chat, date and new_chat_member");
    }
    auto time = tg::SecondsToMs(*date);
    if (!time) return RecordResult::Reject("chat_member: field 'date': out of range");
    std::string error;
    const std::string chat_key = Chat(*chat, *time, error);
    if (chat_key.empty()) return RecordResult::Reject("chat_member: " + error);
    const std::string by = UserField(f, "from", *time);
    Fields nf{*new_member};
    auto status = nf.Str("status");
    auto user_obj = nf.Obj("user");
    auto is_member = nf.Bool("is_member");
    if (!nf.ok() || !status || !user_obj) {
      return RecordResult::Reject("chat_member: new_chat_member without status and user");
    }
    const std::string user = User(*user_obj, *time);
    if (user.empty()) return RecordResult::Ok();
    sv old_status;
    if (old_member) {
      Fields of{*old_member};
      old_status = of.Str("status").value_or("");
    }
    const bool was_in = old_status == "member" || old_status == "administrator" ||
                        old_status == "creator" || old_status == "restricted";
    const std::string reason = by.empty() || by == user ? "" : "by " + by;
    const sv s = *status;
    if (s == "creator")
      return Emit(MemberEvent{chat_key, user, *time, MemberAction::kCreator, reason});
    if (s == "administrator")
      return Emit(MemberEvent{chat_key, user, *time, MemberAction::kAdmin, reason});
    if (s == "kicked") return Emit(MemberEvent{chat_key, user, *time, MemberAction::kBan, reason});
    if (s == "left" || (s == "restricted" && is_member == false)) {
      return Emit(MemberEvent{chat_key, user, *time, MemberAction::kLeave, reason});
    }
    if ((s == "member" || s == "restricted") && !was_in) {
      return Emit(MemberEvent{chat_key, user, *time, MemberAction::kJoin, reason});
    }
    return RecordResult::Ok();  // a change of rights within the chat: nothing to record
  }

  EventSink& sink_;
  const Location* where_ = nullptr;
  tg::EntityTable table_;
};

// {"ok": ..., "result": ...}: a getUpdates answer, as opposed to an Update.
bool IsAnswer(element e) {
  if (!e.is_object()) return false;
  bool answer = false;
  for (auto field : object(e)) {
    if (field.key == "update_id") return false;
    answer = answer || field.key == "result" || field.key == "ok";
  }
  return answer;
}

class TelegramBotImporter final : public Importer {
 public:
  std::string_view name() const override { return "telegram-bot-api"; }

  int Sniff(std::string_view, std::string_view head) const override {
    size_t p = head.find_first_not_of(" \t\r\n");
    if (p == sv::npos || (head[p] != '{' && head[p] != '[')) return 0;
    auto has = [&](sv s) { return head.find(s) != sv::npos; };
    if (!has("\"update_id\"")) return 0;
    if (has("\"ok\"") && has("\"result\"")) return 95;
    return has("\"chat\"") ? 90 : 60;
  }

  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    JsonWalker walker(limits, sink);
    BotReader reader(sink);
    auto read = [&](element e, const Location& where) { return reader.Update(e, where); };
    Status s = ForEachJsonRoot(file, limits, sink, [&](const JsonRoot& root) -> Status {
      if (!root.whole_file) {
        bool answer = false;
        RETURN_IF_ERROR(walker.ParseRecord(root.text, root.where,
                                           [&](element e, const Location& where) -> RecordResult {
                                             if (IsAnswer(e)) {
                                               answer = true;
                                               return RecordResult::Ok();
                                             }
                                             return reader.Update(e, where);
                                           }));
        if (!answer) return Status::Ok();
      }
      Status st = walker.Start(root);
      if (st.ok()) st = Walk(walker, root, sink, read);
      if (!st.ok() && st.code() == StatusCode::kCorrupt && !root.whole_file) {
        sink.OnReject(st.where(), st.message());
        return Status::Ok();
      }
      return st;
    });
    if (!s.ok() && s.code() != StatusCode::kCorrupt) return s;
    Status fin = reader.Finish();
    return s.ok() ? fin : s;
  }

 private:
  static Status Walk(JsonWalker& w, const JsonRoot& root, EventSink& sink,
                     const JsonRecordFn& read) {
    simdjson::ondemand::json_type type;
    auto err = w.doc().type().get(type);
    if (err != simdjson::SUCCESS) return w.Broken(err, nullptr);
    if (type == simdjson::ondemand::json_type::array) {
      RETURN_IF_ERROR(w.ForEachRootRecord(read));
      return w.Finish();
    }
    bool answer = false, update = false, ok = true;
    RETURN_IF_ERROR(w.ForEachRootField([&](sv key, simdjson::ondemand::value& v) -> Status {
      if (key == "update_id") update = true;
      if (key == "ok") {
        bool b = true;
        if (v.get_bool().get(b) == simdjson::SUCCESS && !b) ok = false;
      }
      if (key != "result") return Status::Ok();
      answer = true;
      return w.ForEachRecord(v, read);
    }));
    RETURN_IF_ERROR(w.Finish());
    if (!ok) {
      sink.OnReject(root.where, "a Bot API answer with \"ok\": false");
      return Status::Ok();
    }
    if (answer && !update) return Status::Ok();
    if (update) return w.ParseRecord(root.text, root.where, read);
    sink.OnReject(root.where, "not a Telegram Bot API update or getUpdates answer");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Importer> MakeTelegramBotImporter() {
  return std::make_unique<TelegramBotImporter>();
}

}  // namespace cordon
