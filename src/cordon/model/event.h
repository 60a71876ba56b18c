// The one event model every importer produces and every later stage reads.
//
// Keys keep each platform's own id form:
//   entity  "<platform>:<id>"   telegram:channel1234, telegram:user42, matrix:!room:server,
//                               matrix:@user:server, rocketchat:<host>/<id>
//   message "<chat key>/<message id>"
// Times are milliseconds since the Unix epoch, UTC.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cordon {

using TimeMs = int64_t;

enum class Platform { kUnknown, kTelegram, kMatrix, kRocketChat };
enum class EntityKind { kUnknown, kChannel, kGroup, kUser, kBot };
enum class MemberAction { kJoin, kLeave, kAdmin, kCreator, kBan };

std::string_view PlatformName(Platform p);
std::string_view EntityKindName(EntityKind k);
std::string_view MemberActionName(MemberAction a);
std::optional<EntityKind> ParseEntityKind(std::string_view s);
std::optional<MemberAction> ParseMemberAction(std::string_view s);
// The platform named by a key's prefix ("telegram:..."), kUnknown when none.
Platform PlatformOfKey(std::string_view key);

struct Media {
  std::string kind;  // photo, video, file, audio, sticker, ...
  std::string sha256;
  std::string md5;
  std::string pdq;   // 64 hex digits
  std::string path;  // where the file was found, relative to the input when known
  // Videos: the sampled frames' vPDQ as ThreatExchange's signal (content/vpdq.h), filled when
  // ingest hashes the file. Matched, not stored (the media table has no column for it).
  std::string vpdq;
};

struct ForwardOrigin {
  std::string chat;     // entity key of the source, when the format has one
  std::string message;  // message key of the source, when known
  std::string name;     // display name only (Telegram Desktop exports)
  std::optional<TimeMs> time;
};

struct EntityEvent {
  std::string key;
  EntityKind kind = EntityKind::kUnknown;
  TimeMs time = 0;
  std::optional<std::string> name;
  std::optional<std::string> username;
  std::optional<std::string> about;
  std::optional<TimeMs> created;
  std::optional<std::string> creator;
  std::optional<int64_t> subscribers;
  std::optional<std::string> avatar_sha256;
  std::optional<std::string> avatar_pdq;
};

struct MessageEvent {
  std::string key;
  std::string chat;
  TimeMs time = 0;
  std::string from;  // entity key, empty when unknown
  std::string text;
  std::vector<std::string> links;  // URLs as written; normalised by model/links.h
  std::vector<Media> media;
  std::optional<ForwardOrigin> forward;
  std::optional<int64_t> views;
  std::string via_bot;   // entity key or "@name" when only the name is known
  std::string reply_to;  // message key
  // Optional since events v1.1 (docs/events.md); absent in older streams and stores.
  std::optional<TimeMs> edited;        // when `text` was last edited: the text is that version
  std::optional<int64_t> reactions;    // reactions of every kind, summed
  std::optional<int64_t> poll_voters;  // a poll's voters in all (the poll is media kind "poll")
  std::string thread;                  // message key of the thread's root (a forum topic)
};

struct MemberEvent {
  std::string chat;
  std::string user;
  TimeMs time = 0;
  MemberAction action = MemberAction::kJoin;
  std::string reason;
};

struct InviteEvent {
  std::string link;  // normalised link, e.g. "t.me/+AbC"
  std::string chat;
  TimeMs time = 0;
};

struct TakedownEvent {
  std::string entity;
  TimeMs time = 0;
  std::string reason;
  std::string source;
};

struct ReinstateEvent {
  std::string entity;
  TimeMs time = 0;
  std::string reason;
};

using Event = std::variant<EntityEvent, MessageEvent, MemberEvent, InviteEvent, TakedownEvent,
                           ReinstateEvent>;

TimeMs EventTime(const Event& e);

}  // namespace cordon
