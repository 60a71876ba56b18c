// The store's schema, as numbered migrations. Migration i brings user_version from i to i+1.
// Never edit a released migration: append a new one.
#pragma once

#include <array>
#include <string_view>

namespace cordon {

inline constexpr std::array<std::string_view, 1> kMigrations = {
    // 0 -> 1: the event model.
    R"sql(
CREATE TABLE entities(
  key TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT, username TEXT, about TEXT,
  created INTEGER, creator TEXT, subscribers INTEGER,
  avatar_sha256 TEXT, avatar_pdq TEXT,
  first_seen INTEGER,
  updated INTEGER
) WITHOUT ROWID;
CREATE TABLE entity_names(
  entity TEXT NOT NULL, time INTEGER NOT NULL, name TEXT NOT NULL, username TEXT NOT NULL,
  PRIMARY KEY(entity, time, name, username)
) WITHOUT ROWID;
CREATE TABLE messages(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  chat TEXT NOT NULL,
  time INTEGER NOT NULL,
  sender TEXT, text TEXT,
  fwd_chat TEXT, fwd_message TEXT, fwd_name TEXT, fwd_time INTEGER,
  views INTEGER, via_bot TEXT, reply_to TEXT
);
-- Media and links belong to messages(id); they are written once, with their message.
CREATE TABLE media(
  message_id INTEGER NOT NULL, idx INTEGER NOT NULL,
  kind TEXT, sha256 TEXT, md5 TEXT, pdq TEXT, path TEXT,
  PRIMARY KEY(message_id, idx)
) WITHOUT ROWID;
CREATE TABLE links(
  message_id INTEGER NOT NULL, idx INTEGER NOT NULL,
  url TEXT NOT NULL, normalized TEXT, platform TEXT, kind TEXT, target TEXT,
  PRIMARY KEY(message_id, idx)
) WITHOUT ROWID;
CREATE TABLE memberships(
  chat TEXT NOT NULL, user TEXT NOT NULL, time INTEGER NOT NULL, action TEXT NOT NULL,
  reason TEXT,
  PRIMARY KEY(chat, user, time, action)
) WITHOUT ROWID;
CREATE TABLE invites(
  link TEXT NOT NULL, chat TEXT NOT NULL, time INTEGER NOT NULL,
  PRIMARY KEY(link, chat)
) WITHOUT ROWID;
CREATE TABLE takedowns(
  entity TEXT NOT NULL, time INTEGER NOT NULL, action TEXT NOT NULL,
  reason TEXT, source TEXT,
  PRIMARY KEY(entity, time, action)
) WITHOUT ROWID;
CREATE TABLE rejects(
  file TEXT NOT NULL, line INTEGER NOT NULL, offset INTEGER NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY(file, line, offset)
) WITHOUT ROWID;
CREATE TABLE weirds(
  file TEXT NOT NULL, line INTEGER NOT NULL, offset INTEGER NOT NULL, what TEXT NOT NULL,
  PRIMARY KEY(file, line, offset, what)
) WITHOUT ROWID;
CREATE TABLE files(
  path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, importer TEXT,
  events INTEGER, rejects INTEGER
) WITHOUT ROWID;
)sql",
};

}  // namespace cordon
