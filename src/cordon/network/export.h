// Exporting the network for Gephi and other tools: GEXF 1.3, GraphML, or CSV (nodes.csv and
// edges.csv, with Gephi's column names). Nodes carry kind, role, confidence, community,
// subscribers and takedown state as attributes; edges carry their kind, the evidence count as
// weight, the first and last time, and the sampled evidence references. Node ids are entity
// keys.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/network/communities.h"
#include "cordon/network/graph.h"
#include "cordon/network/roles.h"
#include "cordon/util/status.h"

namespace cordon::network {

enum class ExportFormat { kGexf, kGraphml, kCsv };
StatusOr<ExportFormat> ParseExportFormat(std::string_view name);  // gexf, graphml, csv

struct ExportOptions {
  std::vector<EdgeKind> kinds;  // edge kinds to write; empty: all
  bool roles_only = false;      // only nodes with a role, and the edges among them
};

// What the exporters read. roles and communities may be null (attributes left empty).
struct ExportInput {
  const Network* net = nullptr;
  const Roles* roles = nullptr;
  const CommunityResult* communities = nullptr;
};

std::string ToGexf(const ExportInput& in, const ExportOptions& options = {});
std::string ToGraphml(const ExportInput& in, const ExportOptions& options = {});
// Gephi spreadsheet import: nodes (Id, Label, ...) and edges (Source, Target, Type, ...).
void ToCsv(const ExportInput& in, const ExportOptions& options, std::string& nodes,
           std::string& edges);

// Writes `path` (GEXF, GraphML) or `path`/nodes.csv and `path`/edges.csv (CSV; the directory
// is created).
Status WriteExport(const ExportInput& in, ExportFormat format, const std::string& path,
                   const ExportOptions& options = {});

}  // namespace cordon::network
