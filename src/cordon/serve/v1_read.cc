// The /v1 read endpoints: the same JSON as the CLI's --json, built by the same engine functions.
#include <charconv>

#include "cordon/analysis/impact.h"
#include "cordon/enforce/stage.h"
#include "cordon/ledger/ledger.h"
#include "cordon/ledger/ledger_text.h"
#include "cordon/ledger/referral_report_text.h"
#include "cordon/ledger/referrals.h"
#include "cordon/network/view.h"
#include "cordon/serve/v1_routes.h"
#include "cordon/store/browse.h"
#include "cordon/store/match_queries.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::serve {

using httplib::Request;
using httplib::Response;

void SendJson(Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void SendError(Response& res, int status, std::string_view message) {
  std::string out;
  JsonWriter(out).BeginObject().Field("message", message).EndObject();
  SendJson(res, status, std::move(out));
}

void SendStatus(Response& res, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kCorrupt:
      return SendError(res, 400, status.message());
    case StatusCode::kNotFound:
      return SendError(res, 404, status.message());
    case StatusCode::kResourceExhausted:
      return SendError(res, 413, status.message());
    default:
      return SendError(res, 500, status.ToString());
  }
}

namespace {

std::optional<int64_t> ParseInt(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string Param(const Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

bool Flag(const Request& req, const char* name) {
  const std::string v = Param(req, name);
  return req.has_param(name) && v != "0" && v != "false";
}

// `json` (an object) with one more integer field at its end.
std::string WithField(std::string json, std::string_view key, int64_t value) {
  if (json.empty() || json.back() != '}') return json;
  json.pop_back();
  if (json.back() != '{') json += ',';
  AppendJsonString(json, key);
  json += ':' + std::to_string(value) + '}';
  return json;
}

}  // namespace

std::optional<int64_t> LimitParam(const Request& req, Response& res, int64_t def, int64_t max) {
  if (!req.has_param("limit")) return def;
  auto v = ParseInt(req.get_param_value("limit"));
  if (!v || *v < 1) {
    SendError(res, 400, "`limit` must be a positive integer");
    return std::nullopt;
  }
  return std::min(*v, max);  // hostile sizes are capped, not refused
}

std::optional<int64_t> IntParam(const Request& req, Response& res, std::string_view name,
                                int64_t def) {
  const std::string key(name);
  if (!req.has_param(key)) return def;
  auto v = ParseInt(req.get_param_value(key));
  if (!v || *v < 0) {
    SendError(res, 400, "`" + key + "` must be a non-negative integer");
    return std::nullopt;
  }
  return v;
}

std::optional<std::optional<TimeMs>> TimeParam(const Request& req, Response& res,
                                               std::string_view name) {
  const std::string key(name);
  if (!req.has_param(key)) return std::optional<TimeMs>();
  auto t = ParseTimeArg(req.get_param_value(key));
  if (!t) {
    SendError(res, 400, "`" + key + "`: expected " + std::string(kTimeArgForms));
    return std::nullopt;
  }
  return std::optional<TimeMs>(*t);
}

void AddV1ReadRoutes(V1Context& ctx) {
  httplib::Server& svr = *ctx.svr;
  const auto viewer = [&ctx](V1Context::Handler h) {
    return ctx.guarded(ApiRole::kViewer, std::move(h));
  };

  svr.Get("/v1/entities",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            EntityQuery q;
            auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
            if (!limit) return;
            q.limit = *limit;
            q.after = Param(req, "after");
            q.platform = Param(req, "platform");
            q.kind = Param(req, "kind");
            auto page = ListEntities(store, q);
            if (!page.ok()) return SendStatus(res, page.status());
            SendJson(res, 200, EntityPageJson(*page));
          }));

  svr.Get("/v1/messages",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            MessageQuery q;
            auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
            auto after = limit ? IntParam(req, res, "after", 0) : std::nullopt;
            if (!after) return;
            q.limit = *limit;
            q.after = *after;
            q.chat = Param(req, "chat");
            auto page = ListMessages(store, q);
            if (!page.ok()) return SendStatus(res, page.status());
            SendJson(res, 200, MessagePageJson(*page));
          }));

  svr.Get("/v1/matches",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
            auto offset = limit ? IntParam(req, res, "offset", 0) : std::nullopt;
            if (!offset) return;
            const std::string bank = Param(req, "bank");
            const bool by_chat = Flag(req, "by_chat");
            std::string out;
            JsonWriter w(out);
            w.BeginObject().Key(by_chat ? "chats" : "matches").BeginArray();
            int64_t index = 0, listed = 0;
            bool more = false;
            Status s;
            if (by_chat) {
              s = ForEachChatMatches(store, bank, [&](const ChatMatches& c) {
                if (index++ < *offset) return;
                if (listed >= *limit) {
                  more = true;
                  return;
                }
                ++listed;
                std::string one;
                AppendChatMatchesJson(one, c);
                w.Raw(one);
              });
            } else {
              // One more than the page, to know whether another follows.
              s = ForEachMatch(
                  store, bank,
                  [&](const StoredMatch& m) {
                    if (listed >= *limit) {
                      more = true;
                      return;
                    }
                    ++listed;
                    std::string one;
                    AppendMatchJson(one, m);
                    w.Raw(one);
                  },
                  *offset, *limit + 1);
            }
            if (!s.ok()) return SendStatus(res, s);
            w.EndArray();
            if (more) w.Field("next_offset", *offset + listed);
            w.EndObject();
            SendJson(res, 200, std::move(out));
          }));

  svr.Get("/v1/network",
          viewer([&ctx](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto limit = LimitParam(req, res, 200, kMaxBrowseLimit);
            auto offset = limit ? IntParam(req, res, "offset", 0) : std::nullopt;
            auto at = offset ? TimeParam(req, res, "at") : std::nullopt;
            if (!at) return;
            network::BuildOptions bo;
            bo.as_of = *at;
            std::lock_guard lock(*ctx.compute_mu);
            auto view = network::BuildNetworkView(store, bo);
            if (!view.ok()) return SendStatus(res, view.status());
            network::NetworkJsonOptions jo;
            jo.roles_offset = *offset;
            jo.max_roles = *limit;
            SendJson(
                res, 200,
                network::NetworkJson(view->net, view->roles, view->communities, view->summary, jo));
          }));

  svr.Get("/v1/plan",
          viewer([&ctx](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto at = TimeParam(req, res, "at");
            if (!at) return;
            network::PlanRequest pr;
            pr.at = *at;
            pr.evaluate_day = Param(req, "evaluate_day");
            pr.local_search = !Flag(req, "no_local_search");
            const bool has_budget = req.has_param("budget");
            const bool has_targets = req.has_param("targets");
            if (has_budget + has_targets + !pr.evaluate_day.empty() != 1) {
              return SendError(res, 400, "give exactly one of budget, targets, evaluate_day");
            }
            if (has_budget) {
              char* end = nullptr;
              const std::string b = Param(req, "budget");
              pr.budget = std::strtod(b.c_str(), &end);
              // A hostile budget would plan the whole network: capped.
              if (b.empty() || *end != '\0' || !(pr.budget >= 0) || pr.budget > 1000) {
                return SendError(res, 400, "`budget` must be a number from 0 to 1000");
              }
            }
            if (has_targets) {
              std::vector<std::string> keys;
              const std::string list = Param(req, "targets");
              size_t start = 0;
              while (start <= list.size() && keys.size() <= kMaxBrowseLimit) {
                size_t comma = list.find(',', start);
                if (comma == std::string::npos) comma = list.size();
                if (comma > start) keys.push_back(list.substr(start, comma - start));
                start = comma + 1;
              }
              if (keys.size() > static_cast<size_t>(kMaxBrowseLimit)) {
                return SendError(res, 400, "at most 1000 targets");
              }
              pr.evaluate = std::move(keys);
            }
            if (req.has_param("costs")) {
              auto c = network::ParseCosts(Param(req, "costs"));
              if (!c.ok()) return SendStatus(res, c.status());
              pr.costs = *c;
            }
            std::lock_guard lock(*ctx.compute_mu);
            auto run = network::RunPlan(store, pr);
            if (!run.ok()) return SendStatus(res, run.status());
            SendJson(res, 200, network::PlanJson(run->result, run->graph, run->info));
          }));

  svr.Get("/v1/impact", viewer([&ctx](const Request& req, Response& res, Store&, const ApiCaller&) {
            auto window = IntParam(req, res, "window", 30);
            if (!window) return;
            if (*window < 1 || *window > 365) {
              return SendError(res, 400, "`window` must be from 1 to 365 days");
            }
            // A connection of its own: UseCurrentDetections may shadow the detections table
            // for the connection it runs on, which must not be a pooled one.
            auto store = Store::Open(ctx.db, OpenMode::kExisting);
            if (!store.ok()) return SendStatus(res, store.status());
            std::lock_guard lock(*ctx.compute_mu);
            auto note = enforce::UseCurrentDetections(**store);
            if (!note.ok()) return SendStatus(res, note.status());
            ImpactOptions opt;
            opt.window_days = static_cast<int>(*window);
            auto r = ComputeImpact(**store, opt);
            if (!r.ok()) return SendStatus(res, r.status());
            SendJson(res, 200, ImpactJson(*r));
          }));

  svr.Get("/v1/detections",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
            auto offset = limit ? IntParam(req, res, "offset", 0) : std::nullopt;
            if (!offset) return;
            auto dets = enforce::LoadDetections(store);
            if (!dets.ok()) return SendStatus(res, dets.status());
            SendJson(res, 200, enforce::DetectionsJson(*dets, *offset, *limit));
          }));

  svr.Get("/v1/ledger",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
            auto after = limit ? IntParam(req, res, "after", 0) : std::nullopt;
            if (!after) return;
            ledger::Ledger led(store);
            ledger::ListFilter f;
            f.entity = Param(req, "entity");
            f.action = Param(req, "action");
            f.after_seq = *after;
            f.limit = *limit + 1;
            auto list = led.List(f);
            if (!list.ok()) return SendStatus(res, list.status());
            const bool more = static_cast<int64_t>(list->size()) > *limit;
            if (more) list->pop_back();
            std::string out = ledger::EntriesJson(*list);
            if (more) out = WithField(std::move(out), "next", list->back().seq);
            SendJson(res, 200, std::move(out));
          }));

  svr.Get("/v1/appeals",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            const std::string status = Param(req, "status");
            if (!status.empty() && status != "open" && status != "granted" && status != "denied") {
              return SendError(res, 400, "`status` must be open, granted or denied");
            }
            ledger::Ledger led(store);
            auto list = led.Appeals(status);
            if (!list.ok()) return SendStatus(res, list.status());
            SendJson(res, 200, ledger::AppealsJson(*list));
          }));

  svr.Get(
      "/v1/referrals",
      viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
        auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
        auto offset = limit ? IntParam(req, res, "offset", 0) : std::nullopt;
        auto now = offset ? TimeParam(req, res, "now") : std::nullopt;
        if (!now) return;
        const std::string status = Param(req, "status");
        if (!status.empty() && status != "open" && status != "actioned" && status != "rejected") {
          return SendError(res, 400, "`status` must be open, actioned or rejected");
        }
        ledger::Ledger led(store);
        ledger::Referrals refs(led, store);
        auto list = refs.List(status);
        if (!list.ok()) return SendStatus(res, list.status());
        const TimeMs t = now->value_or(ledger::SystemClock().Now());
        SendJson(res, 200, ledger::ReferralsJson(*list, t, Flag(req, "overdue"), *offset, *limit));
      }));

  svr.Get("/v1/deadlines",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto now = TimeParam(req, res, "now");
            if (!now) return;
            ledger::Ledger led(store);
            ledger::Referrals refs(led, store);
            const TimeMs t = now->value_or(ledger::SystemClock().Now());
            auto rep = refs.Report(t);
            if (!rep.ok()) return SendStatus(res, rep.status());
            SendJson(res, 200, ledger::ReferralReportJson(*rep, t));
          }));
}

}  // namespace cordon::serve
