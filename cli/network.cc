// cordon network --db FILE [--at TIME] [--format gexf|graphml|csv --out PATH]
//                [--kinds forward,reupload,...] [--roles-only] [--json]
// Reconstructs the distribution network as it stood at TIME (default: the last event), assigns
// roles and communities, prints a summary with every role and its evidence, and exports the
// graph for Gephi and other tools.
#include <fmt/core.h>

#include "command.h"
#include "cordon/network/build.h"
#include "cordon/network/communities.h"
#include "cordon/network/export.h"
#include "cordon/network/roles.h"
#include "cordon/network/summary.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon::cli {

namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db, at, format, out, kinds;
    bool roles_only = false;
    bool json = false;
    bool quiet = false;
    int max_roles = 200;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--at", a->at, "the network as it stood at this time (default: the last event)");
  app.add_option("--format", a->format, "export format: gexf, graphml or csv");
  app.add_option("--out", a->out, "export to this file (a directory for csv)");
  app.add_option("--kinds", a->kinds, "export only these edge kinds, comma-separated");
  app.add_flag("--roles-only", a->roles_only, "export only nodes with a role");
  app.add_option("--max-roles", a->max_roles, "roles listed in the summary (default 200)");
  app.add_flag("--json", a->json, "print JSON");
  app.add_flag("--quiet,-q", a->quiet, "no progress bar on stderr");
  return [a]() -> int {
    if (a->format.empty() != a->out.empty()) return Fail("--format and --out go together");
    network::ExportFormat format = network::ExportFormat::kGexf;
    if (!a->format.empty()) {
      auto f = network::ParseExportFormat(a->format);
      if (!f.ok()) return Fail(f.status().ToString());
      format = *f;
    }
    network::ExportOptions eo;
    eo.roles_only = a->roles_only;
    auto kinds = network::ParseEdgeKinds(a->kinds);
    if (!kinds.ok()) return Fail(kinds.status().ToString());
    eo.kinds = *kinds;
    network::BuildOptions bo;
    if (!a->at.empty()) {
      auto at = ParseTimeArg(a->at);
      if (!at) {
        return Fail(Status::InvalidArgument(
                        fmt::format("--at: expected {}, got '{}'", kTimeArgForms, a->at))
                        .ToString());
      }
      bo.as_of = *at;
    }
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    bo.progress = progress.get();
    auto net = network::BuildNetwork(**store, bo);
    if (!net.ok()) return Fail(net.status().ToString());
    const network::Roles roles = network::AssignRoles(*net);
    auto comm = network::Communities(*net);
    if (!comm.ok()) return Fail(comm.status().ToString());
    network::ExportInput in{&*net, &roles, &*comm};
    if (!a->out.empty()) {
      Status s = network::WriteExport(in, format, a->out, eo);
      if (!s.ok()) return Fail(s.ToString());
    }
    const network::NetworkSummary sum = network::Summarize(*net, roles);
    const std::string as_of = net->time() == network::kNoTime ? "" : FormatRfc3339Ms(net->time());
    if (a->json) {
      std::string out;
      JsonWriter w(out);
      w.BeginObject().Field("as_of", as_of).Field("events", net->events());
      w.Key("nodes").BeginObject();
      for (const auto& [k, c] : sum.node_kinds) w.Field(k, c);
      w.EndObject().Key("edges").BeginObject();
      for (const auto& [k, c] : sum.edge_kinds) w.Field(k, c);
      w.EndObject().Field("releases", static_cast<int64_t>(roles.release_items.size()));
      w.Key("role_counts").BeginObject();
      for (const auto& [k, c] : sum.role_counts) w.Field(k, c);
      w.EndObject();
      w.Key("communities").BeginObject().Field("count", comm->count);
      w.Field("modularity", comm->quality).EndObject();
      w.Key("roles").BeginArray();
      int listed = 0;
      for (int32_t v : sum.with_role) {
        if (listed++ >= a->max_roles) break;
        const auto& node = net->node(v);
        w.BeginObject().Field("entity", node.key).Field("kind", network::NodeKindName(node.kind));
        w.Field("name", node.name).Field("community", comm->membership[static_cast<size_t>(v)]);
        w.Key("roles").BeginArray();
        for (const auto& r : roles.by_node[static_cast<size_t>(v)]) {
          w.BeginObject()
              .Field("role", network::RoleName(r.role))
              .Field("confidence", r.confidence);
          w.Field("reason", r.evidence.detail).Key("evidence").BeginArray();
          for (const auto& e : r.evidence.refs) w.String(e);
          w.EndArray().EndObject();
        }
        w.EndArray().EndObject();
      }
      w.EndArray();
      if (!a->out.empty()) w.Field("written", a->out).Field("format", a->format);
      w.EndObject();
      fmt::print("{}\n", out);
      return 0;
    }
    fmt::print("network as of {} ({} events)\nnodes:", as_of, net->events());
    for (const auto& [k, c] : sum.node_kinds) fmt::print("  {} {}", k, c);
    fmt::print("\nedges:");
    for (const auto& [k, c] : sum.edge_kinds) fmt::print("  {} {}", k, c);
    fmt::print("\nreleases: {}\nroles:", roles.release_items.size());
    for (const auto& [k, c] : sum.role_counts) fmt::print("  {} {}", k, c);
    fmt::print("\ncommunities: {} (modularity {:.3f})\n", comm->count, comm->quality);
    int listed = 0;
    for (int32_t v : sum.with_role) {
      if (listed++ >= a->max_roles) break;
      const auto& r = roles.by_node[static_cast<size_t>(v)][0];
      fmt::print("  {:<16} {:.2f}  {}  {}\n", network::RoleName(r.role), r.confidence,
                 net->node(v).key, r.evidence.detail);
    }
    if (!a->out.empty()) fmt::print("written: {} ({})\n", a->out, a->format);
    return 0;
  };
}

CORDON_COMMAND(kNetwork, "network",
               "Reconstruct the distribution network: roles, communities, export", Setup);

}  // namespace
}  // namespace cordon::cli
