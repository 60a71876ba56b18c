// Pieces shared by the two Telegram importers (Telegram Desktop export, Telethon messages):
// entity keys, link lists, UTF-16 entity offsets and the per-file entity table.
//
// Thread safety: free functions are pure; an EntityTable belongs to one import.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/ingest/importer.h"
#include "cordon/model/event.h"

namespace cordon::telegram {

std::string ChannelKey(int64_t id);  // "telegram:channel<id>" (channels and supergroups)
std::string ChatKey(int64_t id);     // "telegram:chat<id>" (basic groups)
std::string UserKey(int64_t id);     // "telegram:user<id>" (users and bots)

// Telegram Desktop's peer references "user123", "channel123", "chat123" -> entity key.
std::optional<std::string> KeyFromPeerRef(std::string_view ref);

// Telethon's "marked" peer ids: positive = user, -id = basic group, -100<id> = channel.
std::optional<std::string> KeyFromMarkedId(int64_t id);

// The inverse, as the Bot API's chat ids: telegram:user<id> -> id, telegram:chat<id> -> -id,
// telegram:channel<id> -> -100<id>; nullopt for any other key.
std::optional<int64_t> MarkedIdFromKey(std::string_view key);

// Seconds since the epoch -> milliseconds; nullopt when out of a sane range (years 0..9999).
std::optional<TimeMs> SecondsToMs(int64_t seconds);
std::optional<TimeMs> SecondsToMs(double seconds);

// Appends url to links unless it is empty or already there (links stay in text order).
void AddLink(std::vector<std::string>& links, std::string_view url);
// AddLink for the target of markup (text_link, MessageEntityTextUrl): a user's target
// (tg://user?id=42) is a mention, not a link (ingest/mentions.h).
void AddHrefLink(std::vector<std::string>& links, std::string_view href);
// Appends the URLs ExtractUrls finds in text that are not yet in links.
void AddTextLinks(std::vector<std::string>& links, std::string_view text);

// The bytes of `text` (UTF-8) between UTF-16 code unit positions [offset, offset + length), as
// Telegram counts entity offsets. nullopt when the range is negative or past the end, or splits
// a surrogate pair.
std::optional<std::string_view> Utf16Slice(std::string_view text, int64_t offset, int64_t length);

// Byte offsets in `text` of the UTF-16 code unit positions `units` (ascending), in one pass over
// the text; npos for a position that is negative, past the end or inside a surrogate pair.
std::vector<size_t> Utf16ToByteOffsets(std::string_view text, const std::vector<int64_t>& units);

// Names and kinds of the entities one file mentions, emitted once per key when the file is done.
// Both formats give names as they were when the data was collected, so each entity is timed at
// the latest message that showed it: the earliest time the name is known to hold.
class EntityTable {
 public:
  // The entry for key, created on first sight with `where` as its location; its time becomes the
  // latest `time` given (0 when none ever is). A known kind is kept: `kind` only fills an unknown
  // one (callers that know better assign the event's kind themselves).
  EntityEvent& Observe(std::string_view key, EntityKind kind, std::optional<TimeMs> time,
                       const Location& where);
  // The entry for key, or null when the file has not shown it.
  EntityEvent* Find(std::string_view key);
  // Emits every entry, in key order. Stops at the first sink error.
  Status Flush(EventSink& sink);
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    EntityEvent event;
    Location where;
    bool seen_time = false;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

// Sets a std::optional<std::string> field when it is empty and the value is not.
inline void FillIfEmpty(std::optional<std::string>& field, std::string_view value) {
  if (!field && !value.empty()) field = std::string(value);
}

}  // namespace cordon::telegram
