#include "cordon/store/browse.h"

#include <algorithm>

#include "cordon/store/sql.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

int64_t Clamp(int64_t limit) { return std::clamp<int64_t>(limit, 1, kMaxBrowseLimit); }

std::optional<int64_t> OptInt(Statement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  return q.Int(col);
}

Status Named(Store& store, const Status& s) {
  if (s.ok()) return s;
  return Status(s.code(), store.path() + ": " + s.message());
}

void OptTime(JsonWriter& w, std::string_view key, const std::optional<int64_t>& t) {
  w.Key(key);
  if (t) {
    w.String(FormatRfc3339Ms(*t));
  } else {
    w.Null();
  }
}

constexpr const char* kEntityColumns =
    "SELECT key, platform, kind, name, username, about, creator, created, subscribers, "
    "first_seen, updated FROM entities ";

EntityRow ReadEntityRow(Statement& q) {
  EntityRow e;
  e.key = q.Text(0);
  e.platform = q.Text(1);
  e.kind = q.Text(2);
  e.name = q.Text(3);
  e.username = q.Text(4);
  e.about = q.Text(5);
  e.creator = q.Text(6);
  e.created = OptInt(q, 7);
  e.subscribers = OptInt(q, 8);
  e.first_seen = OptInt(q, 9);
  e.updated = OptInt(q, 10);
  return e;
}

}  // namespace

StatusOr<std::optional<EntityRow>> FindEntity(Store& store, std::string_view key) {
  Statement q(StoreHandle(store), std::string(kEntityColumns) + "WHERE key = ?1");
  if (!q.ok()) return Named(store, q.status());
  q.Bind(1, key);
  std::optional<EntityRow> row;
  if (q.Step()) row = ReadEntityRow(q);
  if (!q.status().ok()) return Named(store, q.status());
  return row;
}

StatusOr<EntityPage> ListEntities(Store& store, const EntityQuery& query) {
  const int64_t limit = Clamp(query.limit);
  Statement q(StoreHandle(store), std::string(kEntityColumns) +
                                      "WHERE key > ?1 AND (?2 = '' OR platform = ?2) "
                                      "AND (?3 = '' OR kind = ?3) ORDER BY key LIMIT ?4");
  if (!q.ok()) return Named(store, q.status());
  q.Bind(1, query.after).Bind(2, query.platform).Bind(3, query.kind).Bind(4, limit + 1);
  EntityPage page;
  while (q.Step()) page.entities.push_back(ReadEntityRow(q));
  if (!q.status().ok()) return Named(store, q.status());
  if (static_cast<int64_t>(page.entities.size()) > limit) {
    page.entities.pop_back();
    page.next = page.entities.back().key;
  }
  return page;
}

StatusOr<MessagePage> ListMessages(Store& store, const MessageQuery& query) {
  const int64_t limit = Clamp(query.limit);
  Statement q(StoreHandle(store),
              "SELECT id, key, chat, time, sender, text, fwd_chat, fwd_message, views, via_bot, "
              "reply_to FROM messages WHERE id > ?1 AND (?2 = '' OR chat = ?2) ORDER BY id "
              "LIMIT ?3");
  if (!q.ok()) return Named(store, q.status());
  q.Bind(1, query.after).Bind(2, query.chat).Bind(3, limit + 1);
  MessagePage page;
  while (q.Step()) {
    MessageRow m;
    m.id = q.Int(0);
    m.key = q.Text(1);
    m.chat = q.Text(2);
    m.time = q.Int(3);
    m.sender = q.Text(4);
    m.text = q.Text(5);
    m.fwd_chat = q.Text(6);
    m.fwd_message = q.Text(7);
    m.views = OptInt(q, 8);
    m.via_bot = q.Text(9);
    m.reply_to = q.Text(10);
    page.messages.push_back(std::move(m));
  }
  if (!q.status().ok()) return Named(store, q.status());
  if (static_cast<int64_t>(page.messages.size()) > limit) {
    page.messages.pop_back();
    page.next = page.messages.back().id;
  }
  return page;
}

std::string EntityPageJson(const EntityPage& page) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("entities").BeginArray();
  for (const EntityRow& e : page.entities) {
    w.BeginObject().Field("key", e.key).Field("platform", e.platform).Field("kind", e.kind);
    w.Field("name", e.name).Field("username", e.username).Field("about", e.about);
    w.Field("creator", e.creator);
    OptTime(w, "created", e.created);
    w.Key("subscribers");
    if (e.subscribers) {
      w.Int(*e.subscribers);
    } else {
      w.Null();
    }
    OptTime(w, "first_seen", e.first_seen);
    OptTime(w, "updated", e.updated);
    w.EndObject();
  }
  w.EndArray().Key("next");
  if (page.next.empty()) {
    w.Null();
  } else {
    w.String(page.next);
  }
  w.EndObject();
  return out;
}

std::string MessagePageJson(const MessagePage& page) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("messages").BeginArray();
  for (const MessageRow& m : page.messages) {
    w.BeginObject().Field("id", m.id).Field("key", m.key).Field("chat", m.chat);
    w.Field("time", FormatRfc3339Ms(m.time)).Field("sender", m.sender).Field("text", m.text);
    w.Field("fwd_chat", m.fwd_chat).Field("fwd_message", m.fwd_message).Key("views");
    if (m.views) {
      w.Int(*m.views);
    } else {
      w.Null();
    }
    w.Field("via_bot", m.via_bot).Field("reply_to", m.reply_to).EndObject();
  }
  w.EndArray().Key("next");
  if (page.next == 0) {
    w.Null();
  } else {
    w.Int(page.next);
  }
  w.EndObject();
  return out;
}

}  // namespace cordon
