#include "cordon/connect/matrix_enforce.h"

#include <algorithm>
#include <map>
#include <set>

#include "cordon/connect/matrix_policy.h"
#include "cordon/connect/matrix_sync.h"
#include "cordon/connect/policy_rules.h"
#include "cordon/store/connector_tables.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/utf8.h"

namespace cordon::connect {
namespace {

constexpr std::string_view kApi = "/_matrix/client/v3";
constexpr std::string_view kPrefix = "matrix:";
constexpr size_t kAnswerCap = 2000;

std::string Json(const std::function<void(JsonWriter&)>& f) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  f(w);
  w.EndObject();
  return out;
}

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
  a.body = Json(
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

  std::map<std::string, int64_t> last;  // entity -> seq of its last takedown or reinstatement
  for (const ledger::Entry& e : entries) {
    if (e.entity.substr(0, kPrefix.size()) != kPrefix) continue;
    if (e.action == "takedown" || e.action == "reinstate") last[e.entity] = e.seq;
  }

  // The actions every decision in force asks for, in ledger order.
  std::vector<PlannedAction> plan;
  for (const ledger::Entry& e : entries) {
    const auto it = last.find(e.entity);
    if (it == last.end() || it->second != e.seq) continue;  // superseded, or not Matrix
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
        std::set<std::string> banned_in;
        for (const ConnectorAction& a : done_before) {
          if (a.action == "ban" && a.subject == id) banned_in.insert(a.target);
        }
        for (const std::string& room : banned_in) plan.push_back(Ban(e, room, id, "unban"));
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
          a.body = Json([&](JsonWriter& w) { w.Field("reason", std::string_view(e.reason)); });
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

  MatrixEnforceReport report;
  for (PlannedAction& a : plan) {
    ASSIGN_OR_RETURN(
        std::optional<ConnectorAction> before,
        FindConnectorAction(*store, kMatrixConnector, a.ledger_seq, a.action, a.target, a.subject));
    if (before && before->status == "done") {
      ++report.already_done;
      continue;
    }
    if (options.dry_run) {
      report.actions.push_back(std::move(a));
      continue;
    }
    ConnectorAction rec;
    rec.connector = std::string(kMatrixConnector);
    rec.ledger_seq = a.ledger_seq;
    rec.action = a.action;
    rec.target = a.target;
    rec.subject = a.subject;
    StatusOr<HttpResponse> answer = client.Send(a.method, a.path, a.body);
    if (answer.ok()) {
      rec.http_status = answer->status;
      rec.answer = RepairUtf8(std::string_view(answer->body).substr(0, kAnswerCap));
      rec.status = answer->status >= 200 && answer->status < 300 ? "done" : "failed";
    } else {
      rec.status = "failed";
      rec.answer = answer.status().ToString();
    }
    rec.first_tried = rec.last_tried = clock.Now();
    RETURN_IF_ERROR(store->Begin());
    Status s = RecordConnectorAction(*store, rec);
    if (s.ok()) s = store->Commit();
    if (!s.ok()) {
      (void)store->Rollback();
      return s;
    }
    (rec.status == "done" ? report.done : report.failed) += 1;
    if (options.log) {
      options.log(a.action + " " + a.target + " " + a.subject + ": " + rec.status + " (HTTP " +
                  std::to_string(rec.http_status) + ")");
    }
    report.actions.push_back(std::move(a));
  }
  return report;
}

}  // namespace cordon::connect
