// The read endpoints only the dashboard needs (docs/formats/api.md, "Dashboard endpoints"):
//
//   GET /v1/overview     who calls (name, role), the ledger's tip, the detections open and total
//   GET /v1/queue        the stored regeneration detections with the names of the entity and its
//                        parent and whether the entity is down now: open ones first
//   GET /v1/network/map  the most important nodes of the network (by role, then by degree) and
//                        the edges among them, for drawing
#include <algorithm>
#include <unordered_map>

#include "cordon/enforce/stage.h"
#include "cordon/ledger/ledger.h"
#include "cordon/network/view.h"
#include "cordon/serve/dashboard.h"
#include "cordon/store/browse.h"
#include "cordon/store/ledger_table.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::serve {
namespace {

using httplib::Request;
using httplib::Response;

struct QueueRow {
  const enforce::RegenDetection* detection = nullptr;
  std::optional<TimeMs> down_since;
};

// Every stored detection with the entity's state now: open (not down) ones first, each group
// newest first.
StatusOr<std::vector<QueueRow>> LoadQueue(Store& store,
                                          const std::vector<enforce::RegenDetection>& dets) {
  ledger::Ledger led(store);
  std::vector<QueueRow> rows;
  rows.reserve(dets.size());
  for (const auto& d : dets) {
    ASSIGN_OR_RETURN(std::optional<TimeMs> down, led.DownSince(d.entity));
    rows.push_back({&d, down});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const QueueRow& a, const QueueRow& b) {
    if (a.down_since.has_value() != b.down_since.has_value()) return !a.down_since.has_value();
    return a.detection->detected_at > b.detection->detected_at;
  });
  return rows;
}

// The entity's display name (its name, else its username), "" when the store has none.
StatusOr<std::string> DisplayName(Store& store, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<EntityRow> row, FindEntity(store, key));
  if (!row) return std::string();
  return row->name.empty() ? row->username : row->name;
}

void OptTime(JsonWriter& w, std::string_view key, const std::optional<TimeMs>& t) {
  w.Key(key);
  if (t) {
    w.String(FormatRfc3339Ms(*t));
  } else {
    w.Null();
  }
}

std::string MapJson(const network::NetworkView& view, size_t max_nodes) {
  const network::Network& net = view.net;
  const size_t n = net.nodes().size();
  std::vector<int64_t> degree(n, 0);
  int64_t edges_total = 0;
  for (const network::Edge& e : net.edges()) {
    if (e.from < 0 || e.to < 0 || e.from == e.to) continue;
    ++degree[static_cast<size_t>(e.from)];
    ++degree[static_cast<size_t>(e.to)];
    ++edges_total;
  }
  // Nodes with a role first (most confident first), then the best connected.
  std::vector<int32_t> order;
  for (size_t i = 0; i < n; ++i) {
    if (!net.nodes()[i].merged && degree[i] > 0) order.push_back(static_cast<int32_t>(i));
  }
  const auto confidence = [&view](int32_t id) {
    const auto& roles = view.roles.by_node;
    const size_t i = static_cast<size_t>(id);
    return i < roles.size() && !roles[i].empty() ? roles[i].front().confidence : 0.0;
  };
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    const double ca = confidence(a), cb = confidence(b);
    if ((ca > 0) != (cb > 0)) return ca > 0;
    if (degree[static_cast<size_t>(a)] != degree[static_cast<size_t>(b)]) {
      return degree[static_cast<size_t>(a)] > degree[static_cast<size_t>(b)];
    }
    return ca > cb;
  });
  const int64_t nodes_total = static_cast<int64_t>(order.size());
  if (order.size() > max_nodes) order.resize(max_nodes);
  std::unordered_map<int32_t, int64_t> index;
  for (size_t i = 0; i < order.size(); ++i) index[order[i]] = static_cast<int64_t>(i);

  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("as_of", net.time() == network::kNoTime ? std::string() : FormatRfc3339Ms(net.time()));
  w.Field("nodes_total", nodes_total).Field("edges_total", edges_total);
  w.Key("nodes").BeginArray();
  for (int32_t id : order) {
    const network::Node& node = net.node(id);
    const size_t i = static_cast<size_t>(id);
    const int32_t community =
        i < view.communities.membership.size() ? view.communities.membership[i] : -1;
    w.BeginObject()
        .Field("key", node.key)
        .Field("kind", network::NodeKindName(node.kind))
        .Field("name", node.name.empty() ? node.username : node.name)
        .Field("role", view.roles.Primary(id))
        .Field("confidence", confidence(id))
        .Field("community", static_cast<int64_t>(community))
        .Field("degree", degree[i])
        .Field("down", node.down)
        .EndObject();
  }
  w.EndArray();
  w.Key("edges").BeginArray();
  for (const network::Edge& e : net.edges()) {
    if (e.from < 0 || e.to < 0 || e.from == e.to) continue;
    auto from = index.find(e.from);
    auto to = index.find(e.to);
    if (from == index.end() || to == index.end()) continue;
    w.BeginObject()
        .Field("from", from->second)
        .Field("to", to->second)
        .Field("kind", network::EdgeKindName(e.kind))
        .Field("count", e.evidence.count)
        .EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace

void AddDashboardApiRoutes(V1Context& ctx) {
  httplib::Server& svr = *ctx.svr;
  const auto viewer = [&ctx](V1Context::Handler h) {
    return ctx.guarded(ApiRole::kViewer, std::move(h));
  };

  svr.Get("/v1/overview",
          viewer([](const Request&, Response& res, Store& store, const ApiCaller& caller) {
            auto tip = ReadLedgerTip(store);
            if (!tip.ok()) return SendStatus(res, tip.status());
            auto dets = enforce::LoadDetections(store);
            if (!dets.ok()) return SendStatus(res, dets.status());
            auto queue = LoadQueue(store, *dets);
            if (!queue.ok()) return SendStatus(res, queue.status());
            const int64_t open = std::count_if(queue->begin(), queue->end(),
                                               [](const QueueRow& r) { return !r.down_since; });
            std::string out;
            JsonWriter w(out);
            w.BeginObject();
            w.Key("caller")
                .BeginObject()
                .Field("name", caller.name)
                .Field("role", ApiRoleName(caller.role))
                .EndObject();
            w.Key("ledger").BeginObject();
            w.Field("seq", *tip ? (*tip)->seq : int64_t{0});
            w.Field("hash", *tip ? (*tip)->hash : std::string());
            w.EndObject();
            w.Key("detections")
                .BeginObject()
                .Field("total", static_cast<int64_t>(queue->size()))
                .Field("open", open)
                .EndObject();
            w.EndObject();
            SendJson(res, 200, std::move(out));
          }));

  svr.Get("/v1/queue",
          viewer([](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto limit = LimitParam(req, res, 100, kMaxBrowseLimit);
            auto offset = limit ? IntParam(req, res, "offset", 0) : std::nullopt;
            if (!offset) return;
            const std::string state = req.has_param("state") ? req.get_param_value("state") : "all";
            if (state != "all" && state != "open" && state != "down") {
              return SendError(res, 400, "`state` must be open, down or all");
            }
            auto dets = enforce::LoadDetections(store);
            if (!dets.ok()) return SendStatus(res, dets.status());
            auto queue = LoadQueue(store, *dets);
            if (!queue.ok()) return SendStatus(res, queue.status());
            std::vector<QueueRow> rows;
            for (const QueueRow& r : *queue) {
              if (state == "all" || (state == "open") == !r.down_since) rows.push_back(r);
            }
            std::string out;
            JsonWriter w(out);
            w.BeginObject().Field("total", static_cast<int64_t>(rows.size()));
            w.Key("queue").BeginArray();
            const size_t begin = std::min(rows.size(), static_cast<size_t>(*offset));
            const size_t end = std::min(rows.size(), begin + static_cast<size_t>(*limit));
            for (size_t i = begin; i < end; ++i) {
              const enforce::RegenDetection& d = *rows[i].detection;
              auto name = DisplayName(store, d.entity);
              auto parent_name = DisplayName(store, d.parent);
              if (!name.ok()) return SendStatus(res, name.status());
              if (!parent_name.ok()) return SendStatus(res, parent_name.status());
              std::string one;
              enforce::AppendDetectionJson(one, d);
              w.BeginObject().Field("name", *name).Field("parent_name", *parent_name);
              OptTime(w, "down_since", rows[i].down_since);
              w.Key("detection").Raw(one).EndObject();
            }
            w.EndArray();
            if (end < rows.size()) w.Field("next_offset", static_cast<int64_t>(end));
            w.EndObject();
            SendJson(res, 200, std::move(out));
          }));

  svr.Get("/v1/network/map",
          viewer([&ctx](const Request& req, Response& res, Store& store, const ApiCaller&) {
            auto nodes = IntParam(req, res, "nodes", 150);
            auto at = nodes ? TimeParam(req, res, "at") : std::nullopt;
            if (!at) return;
            if (*nodes < 1) return SendError(res, 400, "`nodes` must be a positive integer");
            network::BuildOptions bo;
            bo.as_of = *at;
            std::lock_guard lock(*ctx.compute_mu);
            auto view = network::BuildNetworkView(store, bo);
            if (!view.ok()) return SendStatus(res, view.status());
            SendJson(res, 200, MapJson(*view, static_cast<size_t>(std::min<int64_t>(*nodes, 500))));
          }));
}

}  // namespace cordon::serve
