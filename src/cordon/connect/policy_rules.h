// Matrix moderation policy lists (the client-server spec's "Moderation policy lists"): reading a
// policy room's state into rules, matching their globs, applying them to the ledger, and
// writing cordon's takedowns as rule events (docs/connectors.md).
//
// A rule is a state event of type m.policy.rule.user|room|server (also the older m.room.rule.*
// and org.matrix.mjolnir.rule.*) with content {"entity": glob, "recommendation", "reason"}; the
// same type and state key with empty content withdraws it. Input is hostile: every field is
// checked, nothing is trusted to be a valid id, and a bad event is skipped and said why.
//
// Thread safety: the functions keep no state; the store is used from the calling thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/ledger/ledger.h"
#include "cordon/store/connector_tables.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::connect {

// "user", "room" or "server" for a rule event type (any of the three families); "" otherwise.
std::string_view RuleKind(std::string_view type);
// Recommendations cordon acts on: m.ban, org.matrix.mjolnir.ban, m.takedown (MSC4204).
bool IsBanRecommendation(std::string_view recommendation);

struct ParsedRule {
  PolicyRuleRow row;       // list and imported are left for the caller
  bool withdrawn = false;  // empty content: the rule is removed
};

struct ParsedPolicyState {
  std::vector<ParsedRule> rules;
  int64_t other_events = 0;          // state events that are no rules (name, members, ...)
  std::vector<std::string> skipped;  // rule events not read, each with why
};

// Reads a GET /rooms/{roomId}/state answer: a JSON array of state events. Corrupt when it is
// not a JSON array; each bad element is skipped with a reason.
StatusOr<ParsedPolicyState> ParsePolicyState(std::string_view json);

// Matrix globs: * matches any run of characters (also none), ? exactly one byte; everything
// else literally. Linear in practice (no exponential backtracking).
bool GlobMatch(std::string_view glob, std::string_view text);

// Stores the list's rules: upserts the rules, deletes the withdrawn ones. Returns the count of
// (stored, withdrawn).
StatusOr<std::pair<int64_t, int64_t>> StorePolicyRules(Store& store, std::string_view list,
                                                       const ParsedPolicyState& state, TimeMs now);

struct PolicyApplyReport {
  std::vector<std::string> taken_down;  // entity keys newly taken down
  int64_t already_down = 0;
};

// Takes down, in the ledger, each Matrix entity the store knows that a stored ban rule matches
// and that is not down: users (matrix:@...) by user rules, rooms (matrix:!...) by room rules on
// their id or their alias (the entity's username, "#room:server"), both by server rules on their
// server part. Source "policy", ref "<list> <type> <state key>".
// With dry_run nothing is written. Writes in the caller's transaction.
StatusOr<PolicyApplyReport> ApplyPolicyRules(Store& store, ledger::Ledger& ledger, TimeMs now,
                                             bool dry_run);

// The state key cordon publishes a rule under: "rule:<entity>" (as Mjolnir does).
std::string RuleStateKey(std::string_view entity);

struct RuleEvent {
  std::string type;  // m.policy.rule.user or m.policy.rule.room
  std::string state_key;
  std::string content;  // JSON: {"entity","recommendation":"m.ban","reason"}
  std::string entity;   // the Matrix id
};
// The rule for a takedown of a Matrix entity key: users and rooms; empty for anything else
// (messages, other platforms). The entity is the id escaped so that it matches only itself
// (glob characters cannot occur in valid ids; an id holding one gets no rule).
std::optional<RuleEvent> RuleForTakedown(std::string_view entity_key, std::string_view reason);

// The rules of every Matrix entity that is down now, as a JSON array of state events
// ({"type","state_key","content"}), for `cordon policy export --format matrix`.
StatusOr<std::string> ExportMatrixRules(Store& store);

}  // namespace cordon::connect
