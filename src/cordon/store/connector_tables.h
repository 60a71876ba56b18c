// The live connectors' tables (schema.h migration 9): cursors into each platform's stream, the
// rooms a bot has joined, the actions carried out for ledger decisions with the server's answer,
// and the rules of imported policy lists (connect/, docs/connectors.md).
//
// Nothing here opens a transaction: writes land in whatever transaction the caller holds
// (Store::Begin), so a cursor and the events read before it commit together.
//
// Errors: every failure is a Status naming the database file. A row that is not there is not an
// error: the functions return an empty optional.
//
// Thread safety: the functions use the Store given from the calling thread only (Store's rule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// --- Cursors -----------------------------------------------------------------------------------

StatusOr<std::optional<std::string>> ReadConnectorCursor(Store& store, std::string_view connector,
                                                         std::string_view name);
Status WriteConnectorCursor(Store& store, std::string_view connector, std::string_view name,
                            std::string_view value, TimeMs now);

// --- Rooms -------------------------------------------------------------------------------------

// Notes that the bot is in `room` (a platform id such as "!abc:server"), now.
Status NoteConnectorRoom(Store& store, std::string_view connector, std::string_view room,
                         TimeMs now);
// The rooms noted, sorted.
StatusOr<std::vector<std::string>> ReadConnectorRooms(Store& store, std::string_view connector);

// The chats (entity keys, "matrix:!room:server") in which the store saw `user` (an entity key)
// send a message or change membership, sorted.
StatusOr<std::vector<std::string>> ChatsOfUser(Store& store, std::string_view user);

// --- Actions -----------------------------------------------------------------------------------

struct ConnectorAction {
  int64_t id = 0;
  std::string connector;
  int64_t ledger_seq = 0;   // the ledger entry carried out
  std::string action;       // ban, unban, redact, rule, unrule
  std::string target;       // where (a room id)
  std::string subject;      // what (a user id, an event id, a rule's state key)
  std::string status;       // done, failed
  int64_t http_status = 0;  // the server's answer (0: no answer)
  std::string answer;       // its body (capped) or why there was none
  int64_t attempts = 0;
  TimeMs first_tried = 0, last_tried = 0;
};

// The action with this identity; empty when it was never tried.
StatusOr<std::optional<ConnectorAction>> FindConnectorAction(
    Store& store, std::string_view connector, int64_t ledger_seq, std::string_view action,
    std::string_view target, std::string_view subject);
// Inserts the action or, when it was tried before, updates its status, answer and last_tried and
// adds one attempt (first_tried and id are kept).
Status RecordConnectorAction(Store& store, const ConnectorAction& a);
// Every action of the connector, by id; with `status` non-empty only those.
StatusOr<std::vector<ConnectorAction>> ReadConnectorActions(Store& store,
                                                            std::string_view connector,
                                                            std::string_view status = "");

// --- Policy rules ------------------------------------------------------------------------------

struct PolicyRuleRow {
  std::string list;  // where the rule came from (the policy room's id)
  std::string type;  // its event type as published (m.policy.rule.user, ...)
  std::string state_key;
  std::string kind;    // user, room, server
  std::string entity;  // a glob (* and ?)
  std::string recommendation;
  std::string reason;
  std::string sender;
  TimeMs time = 0;  // origin_server_ts
  TimeMs imported = 0;
};

// Inserts or replaces the rule with the same (list, type, state key).
Status UpsertPolicyRule(Store& store, const PolicyRuleRow& r);
// Removes it (a withdrawn rule); returns whether there was one.
StatusOr<bool> DeletePolicyRule(Store& store, std::string_view list, std::string_view type,
                                std::string_view state_key);
// The rules, of one list or (list empty) all, by list, type and state key.
StatusOr<std::vector<PolicyRuleRow>> ReadPolicyRules(Store& store, std::string_view list = "");

// Entity keys of the store's entities whose key starts with `prefix` ("matrix:@", "matrix:!"),
// sorted.
StatusOr<std::vector<std::string>> EntityKeysWithPrefix(Store& store, std::string_view prefix);

}  // namespace cordon
