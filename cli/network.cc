// cordon network --db FILE [--at TIME] [--format gexf|graphml|csv --out PATH]
//                [--kinds forward,reupload,...] [--roles-only] [--json]
// Reconstructs the distribution network as it stood at TIME (default: the last event), assigns
// roles and communities, prints a summary with every role and its evidence, and exports the
// graph for Gephi and other tools.
#include <fmt/core.h>

#include "command.h"
#include "cordon/network/export.h"
#include "cordon/network/view.h"
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
    auto net = network::BuildNetworkView(**store, bo);
    if (!net.ok()) return Fail(net.status().ToString());
    const network::Roles& roles = net->roles;
    const network::CommunityResult* comm = &net->communities;
    network::ExportInput in{&net->net, &roles, comm};
    if (!a->out.empty()) {
      Status s = network::WriteExport(in, format, a->out, eo);
      if (!s.ok()) return Fail(s.ToString());
    }
    const network::NetworkSummary& sum = net->summary;
    const std::string as_of =
        net->net.time() == network::kNoTime ? "" : FormatRfc3339Ms(net->net.time());
    if (a->json) {
      network::NetworkJsonOptions jo;
      jo.max_roles = a->max_roles;
      jo.written = a->out;
      jo.format = a->format;
      fmt::print("{}\n", network::NetworkJson(net->net, roles, *comm, sum, jo));
      return 0;
    }
    fmt::print("network as of {} ({} events)\nnodes:", as_of, net->net.events());
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
                 net->net.node(v).key, r.evidence.detail);
    }
    if (!a->out.empty()) fmt::print("written: {} ({})\n", a->out, a->format);
    return 0;
  };
}

CORDON_COMMAND(kNetwork, "network",
               "Reconstruct the distribution network: roles, communities, export", Setup);

}  // namespace
}  // namespace cordon::cli
