// The store's schema, as numbered migrations. Migration i brings user_version from i to i+1.
// Never edit a released migration: append a new one.
#pragma once

#include <array>
#include <string_view>

namespace cordon {

inline constexpr std::array<std::string_view, 12> kMigrations = {
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
    // 1 -> 2: enforcement (docs/enforcement.md): the hash-chained ledger, appeals, referrals
    // and removal orders, regeneration detections, and avatar history for causal replays.
    R"sql(
CREATE TABLE ledger(
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL, recorded INTEGER NOT NULL,
  action TEXT NOT NULL, entity TEXT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL,
  decided_by TEXT NOT NULL, evidence TEXT NOT NULL, ref TEXT NOT NULL,
  preserve_until INTEGER,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE INDEX ledger_by_entity ON ledger(entity, time);
CREATE TABLE appeals(
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL, filed INTEGER NOT NULL, filed_by TEXT NOT NULL, reason TEXT NOT NULL,
  status TEXT NOT NULL, decided INTEGER, decided_by TEXT, decision TEXT
);
CREATE TABLE referrals(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL, entity TEXT NOT NULL, unit TEXT NOT NULL, reason TEXT NOT NULL,
  received INTEGER NOT NULL, deadline INTEGER,
  status TEXT NOT NULL, actioned INTEGER, note TEXT
) WITHOUT ROWID;
CREATE TABLE regen_detections(
  entity TEXT PRIMARY KEY,
  parent TEXT NOT NULL, score REAL NOT NULL, detected_at INTEGER NOT NULL,
  evidence TEXT NOT NULL, candidates TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE entity_avatars(
  entity TEXT NOT NULL, time INTEGER NOT NULL, sha256 TEXT NOT NULL, pdq TEXT NOT NULL,
  PRIMARY KEY(entity, time)
) WITHOUT ROWID;
)sql",
    // 2 -> 3: known-content matching (docs/matching.md): banks of signals, the generation
    // counter a running matcher polls to see bank changes, and matches stored with messages.
    R"sql(
CREATE TABLE banks(
  name TEXT PRIMARY KEY,
  label TEXT, provenance TEXT,
  created INTEGER NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE bank_entries(
  bank TEXT NOT NULL, signal_type TEXT NOT NULL, signal TEXT NOT NULL,
  label TEXT, provenance TEXT, added INTEGER NOT NULL,
  digest TEXT, fingerprint TEXT,
  PRIMARY KEY(bank, signal_type, signal)
) WITHOUT ROWID;
CREATE TABLE bank_state(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
CREATE TABLE matches(
  message TEXT NOT NULL, media_idx INTEGER NOT NULL,
  bank TEXT NOT NULL, signal_type TEXT NOT NULL, signal TEXT NOT NULL,
  distance INTEGER NOT NULL, query TEXT, label TEXT, chat TEXT, time INTEGER,
  PRIMARY KEY(message, media_idx, bank, signal_type, signal)
) WITHOUT ROWID;
CREATE INDEX matches_by_signal ON matches(bank, signal_type, signal);
CREATE INDEX matches_by_chat ON matches(chat, time);
)sql",
    // 3 -> 4: a file ingested whole is known by its canonical path, size, mtime and the SHA-256
    // of its first 64 KiB (store.h, FileIdentity). Rows written before have no digest and
    // match nothing: those files are read once more, which ingest's idempotence makes safe.
    R"sql(
ALTER TABLE files ADD COLUMN head_sha256 TEXT;
)sql",
    // 4 -> 5: stored regeneration detections are a cache of a replay of the events
    // (enforce/stage.h). `events` counts the transactions that applied events; `detections`
    // is its value when the detections were last brought up to date, so they are current
    // exactly when the two are equal. A store migrated with entities in it may hold
    // detections from before this bookkeeping: they start stale.
    R"sql(
CREATE TABLE event_version(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  events INTEGER NOT NULL,
  detections INTEGER NOT NULL
);
INSERT INTO event_version VALUES(1, 1, CASE WHEN EXISTS(SELECT 1 FROM entities) THEN 0 ELSE 1 END);
)sql",
    // 5 -> 6: weirds are named (ingest/weirds.h), so they can be counted by kind. Those stored
    // before have no name ('').
    R"sql(
ALTER TABLE weirds ADD COLUMN name TEXT NOT NULL DEFAULT '';
)sql",
    // 6 -> 7: what real chats hold besides text (events v1.1, docs/events.md): edit time,
    // reaction and poll counts and forum threads, one row per message that has any
    // (store/message_extras.h); and files an ingest could not read at all, so later ingests
    // skip them until they change (store/failed_files.h).
    R"sql(
CREATE TABLE message_extras(
  message_id INTEGER PRIMARY KEY,
  edited INTEGER, reactions INTEGER, poll_voters INTEGER, thread TEXT
);
CREATE TABLE failed_files(
  path TEXT NOT NULL, format TEXT NOT NULL,
  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, head_sha256 TEXT NOT NULL,
  reason TEXT NOT NULL, failed INTEGER NOT NULL,
  PRIMARY KEY(path, format)
) WITHOUT ROWID;
)sql",
    // 7 -> 8: the service (serve/, store/serve_tables.h). API tokens are kept only as hashes.
    // Bank entries get the stable integer ids HMA's API hands out (bank_content_id), kept by
    // triggers so every writer of bank_entries keeps them; existing entries are numbered in the
    // order they were added. bank_matching holds HMA's per-bank enabled flag (absent: enabled).
    R"sql(
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL, revoked INTEGER
);
CREATE TABLE bank_content_ids(
  id INTEGER PRIMARY KEY,
  bank TEXT NOT NULL, signal_type TEXT NOT NULL, signal TEXT NOT NULL,
  UNIQUE(bank, signal_type, signal)
);
INSERT INTO bank_content_ids(bank, signal_type, signal)
  SELECT bank, signal_type, signal FROM bank_entries ORDER BY added, bank, signal_type, signal;
CREATE TRIGGER bank_content_id_add AFTER INSERT ON bank_entries BEGIN
  INSERT OR IGNORE INTO bank_content_ids(bank, signal_type, signal)
    VALUES(NEW.bank, NEW.signal_type, NEW.signal);
END;
CREATE TRIGGER bank_content_id_remove AFTER DELETE ON bank_entries BEGIN
  DELETE FROM bank_content_ids
    WHERE bank = OLD.bank AND signal_type = OLD.signal_type AND signal = OLD.signal;
END;
CREATE TABLE bank_matching(
  bank TEXT PRIMARY KEY, enabled INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER bank_matching_remove AFTER DELETE ON banks BEGIN
  DELETE FROM bank_matching WHERE bank = OLD.name;
END;
)sql",
    // 8 -> 9: live connectors (connect/, store/connector_tables.h). connector_cursors holds each
    // connector's position in its platform's stream (Matrix: the sync `since` token), written in
    // the transaction that applies what was read before it. connector_rooms: the rooms the bot
    // has joined. connector_actions: every action carried out on a platform for a ledger
    // decision (a ban, a redaction, a policy rule), with the server's answer, so a rerun repeats
    // none that succeeded and retries those that failed. policy_rules: the rules of imported
    // policy lists (Matrix m.policy.rule.*), one row per (list, rule type, state key).
    R"sql(
CREATE TABLE connector_cursors(
  connector TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, updated INTEGER NOT NULL,
  PRIMARY KEY(connector, name)
) WITHOUT ROWID;
CREATE TABLE connector_rooms(
  connector TEXT NOT NULL, room TEXT NOT NULL, first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY(connector, room)
) WITHOUT ROWID;
CREATE TABLE connector_actions(
  id INTEGER PRIMARY KEY,
  connector TEXT NOT NULL, ledger_seq INTEGER NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, subject TEXT NOT NULL,
  status TEXT NOT NULL, http_status INTEGER NOT NULL, answer TEXT NOT NULL,
  attempts INTEGER NOT NULL, first_tried INTEGER NOT NULL, last_tried INTEGER NOT NULL,
  UNIQUE(connector, ledger_seq, action, target, subject)
);
CREATE TABLE policy_rules(
  list TEXT NOT NULL, type TEXT NOT NULL, state_key TEXT NOT NULL,
  kind TEXT NOT NULL, entity TEXT NOT NULL, recommendation TEXT NOT NULL, reason TEXT NOT NULL,
  sender TEXT NOT NULL, time INTEGER NOT NULL, imported INTEGER NOT NULL,
  PRIMARY KEY(list, type, state_key)
) WITHOUT ROWID;
)sql",
    // 9 -> 10: videos' vPDQ (content/vpdq.h), ThreatExchange's signal of the frames ingest
    // sampled, so banks can be built from stored videos and `cordon match --rematch` sees them.
    // Media stored before have none (NULL), as media whose video did not decode.
    R"sql(
ALTER TABLE media ADD COLUMN vpdq TEXT;
)sql",
    // 10 -> 11: the regeneration detector's state (store/regen_state_table.h), so an ingest
    // into a store continues from it instead of replaying every event. A cache: `version` is
    // the event version it reflects, and it is used only while that is still the store's.
    R"sql(
CREATE TABLE regen_state(
  part INTEGER PRIMARY KEY,
  version INTEGER NOT NULL,
  data BLOB NOT NULL
);
)sql",
    // 11 -> 12: the message key's uniqueness as an index of its own, messages_by_key, which a
    // load into a store without messages drops and builds once at its end (Store::BeginLoad):
    // kept row by row it was half of SQLite's cost of a message (docs/benchmarks.md). SQLite
    // cannot drop a UNIQUE column constraint, so the table is copied once; its columns and row
    // ids are unchanged (the analysis indexes go with the old table; the next analysis builds
    // them again, Store::EnsureAnalysisIndexes).
    R"sql(
CREATE TABLE messages_v12(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  chat TEXT NOT NULL,
  time INTEGER NOT NULL,
  sender TEXT, text TEXT,
  fwd_chat TEXT, fwd_message TEXT, fwd_name TEXT, fwd_time INTEGER,
  views INTEGER, via_bot TEXT, reply_to TEXT
);
INSERT INTO messages_v12(id, key, chat, time, sender, text, fwd_chat, fwd_message, fwd_name,
                         fwd_time, views, via_bot, reply_to)
  SELECT id, key, chat, time, sender, text, fwd_chat, fwd_message, fwd_name, fwd_time, views,
         via_bot, reply_to FROM messages ORDER BY id;
DROP TABLE messages;
ALTER TABLE messages_v12 RENAME TO messages;
CREATE UNIQUE INDEX messages_by_key ON messages(key);
)sql",
};

}  // namespace cordon
