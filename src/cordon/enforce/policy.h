// Policy: a YAML rules file (docs/formats/policy.md) that maps regeneration detections and
// known-content matches to actions (take down, queue for review, watch), with thresholds.
//
//   version: 1
//   preserve_months: 6
//   rules:
//     - name: regen-certain
//       on: regeneration        # or: match
//       min_score: 0.95
//       action: takedown        # takedown | review | watch
//       reason: ban_evasion     # required for takedown
//     - name: known-content
//       on: match
//       banks: [tco]            # optional; all banks when absent
//       max_distance: 10        # optional
//       min_matches: 2          # messages with a match in the chat
//       kinds: [channel, group] # optional
//       action: takedown
//       reason: terrorist_content
//
// Loading validates everything and reports every problem at file:line (with the column).
// Planning evaluates the rules on the stored detections and matches: for each entity the
// strongest action of the rules that fire wins (takedown > review > watch; the first such rule
// in the file gives the reason) and every firing rule is kept as evidence. Applying carries
// each action out through the ledger (takedowns also into the takedowns table) with its
// evidence, once: an entity already down, or already queued or watched by the same rule, is
// skipped. A dry run plans and writes nothing.
//
// Thread safety: a Policy is a plain value; planning and applying use the Store (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/ledger/ledger.h"
#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::enforce {

enum class PolicyAction { kWatch = 1, kReview = 2, kTakedown = 3 };
std::string_view PolicyActionName(PolicyAction a);

struct PolicyRule {
  std::string name;
  std::string on;  // regeneration, match
  PolicyAction action = PolicyAction::kWatch;
  std::string reason;
  double min_score = 0;            // regeneration: score at least this
  std::vector<std::string> banks;  // match: any of these banks; empty = all
  int max_distance = -1;           // match: matches at most this far; -1 = any
  int min_matches = 1;             // match: messages with a match, at least
  std::vector<EntityKind> kinds;   // empty = all
  int64_t line = 0;
};

struct Policy {
  std::string file;
  int preserve_months = ledger::kDefaultPreserveMonths;
  std::vector<PolicyRule> rules;
};

// Parses and validates. On failure returns the first problem; `problems` (when given) receives
// all of them. Never throws.
StatusOr<Policy> ParsePolicy(std::string_view yaml, const std::string& file,
                             std::vector<Status>* problems = nullptr);
StatusOr<Policy> LoadPolicy(const std::string& path, std::vector<Status>* problems = nullptr);

struct ProposedAction {
  std::string entity;
  PolicyAction action = PolicyAction::kWatch;
  std::string reason;
  std::string rule;                // the rule that set the action
  std::vector<std::string> rules;  // every rule that fired
  std::string evidence;            // JSON object: signals and rules
  TimeMs signal_time = 0;          // when the deciding signal arose
  bool skip = false;               // already done (entity down, or queued by the rule)
  std::string skip_why;
};

// Evaluates the policy on what the store holds.
StatusOr<std::vector<ProposedAction>> PlanPolicy(Store& store, const Policy& policy);

struct ApplyOptions {
  bool dry_run = false;
  std::string by = "policy";   // who runs it (kept in the evidence)
  std::optional<TimeMs> time;  // decision time; empty: each signal's own time
};

// Plans and, unless dry_run, applies through the ledger. Returns the plan with skip flags.
StatusOr<std::vector<ProposedAction>> ApplyPolicy(Store& store, ledger::Ledger& ledger,
                                                  const Policy& policy,
                                                  const ApplyOptions& options);

void AppendProposedActionJson(std::string& out, const ProposedAction& a);

}  // namespace cordon::enforce
