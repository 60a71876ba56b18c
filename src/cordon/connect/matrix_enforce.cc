#include "cordon/connect/matrix_enforce.h"

#include <algorithm>
#include <set>

#include "cordon/connect/matrix_policy.h"
#include "cordon/connect/matrix_sync.h"
#include "cordon/connect/policy_rules.h"
#include "cordon/store/connector_tables.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"

namespace cordon::connect {
namespace {

constexpr std::string_view kApi = "/_matrix/client/v3";
constexpr std::string_view kPrefix = "matrix:";

std::string RoomPath(std::string_view room) {
  return std::string(kApi) + "/rooms/" + PathSegment(room);
}

PlannedAction Ban(const ledger::Entry& e, std::string_view room, std::string_view user,
                  std::string_view verb) {
  PlannedAction a{e.seq,
                  std::string(verb),
                  std::string(room),
                  std::string(user),
                  "POST",
                  RoomPath(room) + "/" + std::string(verb),
                  ""};
  a.body = JsonObject(
      [&](JsonWriter& w) { w.Field("user_id", user).Field("reason", std::string_view(e.reason)); });
  return a;
}

PlannedAction Rule(const ledger::Entry& e, std::string_view policy_room, const RuleEvent& rule,
                   bool withdraw) {
  PlannedAction a{e.seq,
                  withdraw ? "unrule" : "rule",
                  std::string(policy_room),
                  rule.state_key,
                  "PUT",
                  RoomPath(policy_room) + "/state/" + PathSegment(rule.type) + "/" +
                      PathSegment(rule.state_key),
                  withdraw ? "{}" : rule.content};
  return a;
}

}  // namespace

StatusOr<MatrixEnforceReport> MatrixEnforce(HttpClient& client,
                                            const MatrixEnforceOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  std::string policy_room;
  if (!options.policy_room.empty()) {
    ASSIGN_OR_RETURN(policy_room, ResolveRoom(client, options.policy_room));
  }
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
  ledger::Ledger ledger(*store, &clock);
  ASSIGN_OR_RETURN(std::vector<ledger::Entry> entries, ledger.List());
  ASSIGN_OR_RETURN(std::vector<std::string> joined_list,
                   ReadConnectorRooms(*store, kMatrixConnector));
  const std::set<std::string> joined(joined_list.begin(), joined_list.end());
  ASSIGN_OR_RETURN(std::vector<ConnectorAction> done_before,
                   ReadConnectorActions(*store, kMatrixConnector, "done"));

  // The actions every decision in force asks for, in ledger order.
  std::vector<PlannedAction> plan;
  for (const ledger::Entry& e : DecisionsInForce(entries, kPrefix)) {
    const std::string id = e.entity.substr(kPrefix.size());
    const bool takedown = e.action == "takedown";
    if (!id.empty() && id.front() == '@') {
      if (takedown) {
        ASSIGN_OR_RETURN(std::vector<std::string> chats, ChatsOfUser(*store, e.entity));
        for (const std::string& chat : chats) {
          const std::string room = chat.substr(kPrefix.size());
          if (chat.substr(0, kPrefix.size()) == kPrefix && joined.count(room)) {
            plan.push_back(Ban(e, room, id, "ban"));
          }
        }
      } else {
        for (const auto& [room, user] : DoneActions(done_before, "ban")) {
          if (user == id) plan.push_back(Ban(e, room, id, "unban"));
        }
      }
    } else if (!id.empty() && id.front() == '!' && takedown) {
      const size_t slash = id.find("/$");
      if (slash != std::string::npos) {
        const std::string room = id.substr(0, slash), event = id.substr(slash + 1);
        if (joined.count(room)) {
          const std::string txn =
              "cordon." + std::to_string(e.seq) + "." + DigestBytes(event).sha256.substr(0, 16);
          PlannedAction a{e.seq, "redact",
                          room,  event,
                          "PUT", RoomPath(room) + "/redact/" + PathSegment(event) + "/" + txn,
                          ""};
          a.body =
              JsonObject([&](JsonWriter& w) { w.Field("reason", std::string_view(e.reason)); });
          plan.push_back(std::move(a));
        }
      }
    }
    if (!policy_room.empty()) {
      const std::optional<RuleEvent> rule = RuleForTakedown(e.entity, e.reason);
      if (rule && takedown) plan.push_back(Rule(e, policy_room, *rule, false));
      if (rule && !takedown) {
        const bool published = std::any_of(done_before.begin(), done_before.end(), [&](auto& a) {
          return a.action == "rule" && a.target == policy_room && a.subject == rule->state_key;
        });
        if (published) plan.push_back(Rule(e, policy_room, *rule, true));
      }
    }
  }

  RunActionsOptions run;
  run.connector = kMatrixConnector;
  run.dry_run = options.dry_run;
  run.clock = &clock;
  run.log = options.log;
  return RunActions(client, *store, std::move(plan), run);
}

}  // namespace cordon::connect
