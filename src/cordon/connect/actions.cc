#include "cordon/connect/actions.h"

#include <map>
#include <set>

#include "cordon/util/utf8.h"

namespace cordon::connect {
namespace {

constexpr size_t kAnswerCap = 2000;

}  // namespace

Status InTransaction(Store& store, const std::function<Status()>& f) {
  RETURN_IF_ERROR(store.Begin());
  Status s = f();
  if (s.ok()) s = store.Commit();
  if (!s.ok()) (void)store.Rollback();
  return s;
}

std::string JsonObject(const std::function<void(JsonWriter&)>& f) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  f(w);
  w.EndObject();
  return out;
}

std::vector<ledger::Entry> DecisionsInForce(const std::vector<ledger::Entry>& entries,
                                            std::string_view prefix) {
  std::map<std::string, int64_t> last;  // entity -> seq of its last takedown or reinstatement
  for (const ledger::Entry& e : entries) {
    if (!e.entity.starts_with(prefix)) continue;
    if (e.action == "takedown" || e.action == "reinstate") last[e.entity] = e.seq;
  }
  std::vector<ledger::Entry> out;
  for (const ledger::Entry& e : entries) {
    const auto it = last.find(e.entity);
    if (it != last.end() && it->second == e.seq) out.push_back(e);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> DoneActions(
    const std::vector<ConnectorAction>& done, std::string_view action) {
  std::set<std::pair<std::string, std::string>> found;
  for (const ConnectorAction& a : done) {
    if (a.action == action) found.emplace(a.target, a.subject);
  }
  return {found.begin(), found.end()};
}

StatusOr<ActionReport> RunActions(HttpClient& client, Store& store, std::vector<PlannedAction> plan,
                                  const RunActionsOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  ActionReport report;
  for (PlannedAction& a : plan) {
    ASSIGN_OR_RETURN(
        std::optional<ConnectorAction> before,
        FindConnectorAction(store, options.connector, a.ledger_seq, a.action, a.target, a.subject));
    if (before && before->status == "done") {
      ++report.already_done;
      continue;
    }
    if (options.dry_run) {
      report.actions.push_back(std::move(a));
      continue;
    }
    ConnectorAction rec;
    rec.connector = std::string(options.connector);
    rec.ledger_seq = a.ledger_seq;
    rec.action = a.action;
    rec.target = a.target;
    rec.subject = a.subject;
    StatusOr<HttpResponse> answer = client.Send(a.method, a.path, a.body);
    if (answer.ok()) {
      rec.http_status = answer->status;
      rec.answer = RepairUtf8(std::string_view(answer->body).substr(0, kAnswerCap));
      const bool ok = options.succeeded ? options.succeeded(*answer)
                                        : answer->status >= 200 && answer->status < 300;
      rec.status = ok ? "done" : "failed";
    } else {
      rec.status = "failed";
      rec.answer = answer.status().ToString();
    }
    rec.first_tried = rec.last_tried = clock.Now();
    RETURN_IF_ERROR(InTransaction(store, [&] { return RecordConnectorAction(store, rec); }));
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
