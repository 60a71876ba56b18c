// Paged reads of the entities and messages tables for people and the service (`cordon
// entities`, `cordon messages`, GET /v1/entities, GET /v1/messages), with their one JSON form.
//
// Paging is by cursor: entities by key, messages by row id, each page asking for what comes
// after the last row of the one before, so a page costs the same however deep it is and rows
// added meanwhile are not skipped or repeated. Limits are the caller's; kMaxBrowseLimit is the
// most one page holds whatever the caller asks.
//
// Errors name the database file. Thread safety: uses the Store given; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

inline constexpr int64_t kMaxBrowseLimit = 1000;

struct EntityRow {
  std::string key, platform, kind, name, username, about, creator;
  std::optional<int64_t> created, subscribers, first_seen, updated;
};

struct EntityQuery {
  std::string after;     // key cursor: only keys sorting after it ("" from the start)
  int64_t limit = 100;   // clamped to 1..kMaxBrowseLimit
  std::string platform;  // "": any
  std::string kind;      // "": any (channel, group, user, bot, ...)
};

struct EntityPage {
  std::vector<EntityRow> entities;
  std::string next;  // the cursor of the next page; "" when this is the last
};

StatusOr<EntityPage> ListEntities(Store& store, const EntityQuery& query);
// The entity with this key; nullopt when the store has none.
StatusOr<std::optional<EntityRow>> FindEntity(Store& store, std::string_view key);

struct MessageRow {
  int64_t id = 0;  // the row id: the cursor
  std::string key, chat, sender, text, fwd_chat, fwd_message, via_bot, reply_to;
  int64_t time = 0;
  std::optional<int64_t> views;
};

struct MessageQuery {
  int64_t after = 0;    // row id cursor
  int64_t limit = 100;  // clamped to 1..kMaxBrowseLimit
  std::string chat;     // "": any
};

struct MessagePage {
  std::vector<MessageRow> messages;
  int64_t next = 0;  // 0 when this is the last page
};

StatusOr<MessagePage> ListMessages(Store& store, const MessageQuery& query);

// {"entities":[{"key","platform","kind","name","username","about","creator","created",
//  "subscribers","first_seen","updated"}],"next":"KEY"|null}; times RFC 3339, absent fields null.
std::string EntityPageJson(const EntityPage& page);
// {"messages":[{"id","key","chat","time","sender","text","fwd_chat","fwd_message","views",
//  "via_bot","reply_to"}],"next":N|null}
std::string MessagePageJson(const MessagePage& page);

}  // namespace cordon
