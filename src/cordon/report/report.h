// The monitoring report: one self-contained HTML file (no scripts, no network) for a
// non-technical reader. Headline findings in words and numbers come first, then charts (SVG
// drawn by cordon) and tables. Sections that have no data say so instead of disappearing.
//
// Thread safety: WriteReport reads one Store; do not share it with another thread meanwhile.
#pragma once

#include <string>
#include <vector>

#include "cordon/analysis/impact.h"
#include "cordon/store/store.h"

namespace cordon {

struct ReportActor {
  std::string entity, kind, role, reason;
  double score = 0;
};

struct ReportNode {
  std::string key, label, role;
  double x = 0, y = 0;  // layout in [0, 1]
  double weight = 1;    // audience or degree, for the size
};

struct ReportEdge {
  size_t a = 0, b = 0;
  double weight = 1;
};

struct ReportInputs {
  std::string title = "Propaganda network monitoring report";
  std::string source;  // the database, for the method section
  ImpactReport impact;
  std::vector<ReportActor> key_actors;  // from the network analysis, ranked
  std::vector<ReportNode> nodes;        // the network map
  std::vector<ReportEdge> edges;
  std::string network_note;  // how the map was made
  // Set when the stored regeneration detections were stale and the report's are a fresh
  // replay (enforce::UseCurrentDetections).
  std::string detections_note;
};

// The report as HTML text; also reads regenerations and referrals from the store when the
// tables are there.
StatusOr<std::string> RenderReport(Store& store, const ReportInputs& inputs);
Status WriteReport(Store& store, const ReportInputs& inputs, const std::string& path);

// The headline findings as plain sentences (also printed by `cordon demo`).
std::vector<std::string> Headlines(const ImpactReport& impact);

}  // namespace cordon
