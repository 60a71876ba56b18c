// Small SVG charts drawn by cordon for the self-contained HTML report: no scripts, no fonts
// to fetch, readable when printed. Thread-safe: pure functions returning markup.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cordon::svg {

struct Series {
  std::string name;
  std::vector<double> values;
  std::string color;
};

// Daily bars; bars whose index is in `marked` are drawn in the alert colour; an optional
// reference line (e.g. the spike baseline) is drawn over them.
std::string BarChart(const std::vector<std::string>& labels, const std::vector<double>& values,
                     const std::set<size_t>& marked, const std::vector<double>& reference,
                     const std::string& y_label);

// Lines over the same x axis; [shade_from, shade_to] is shaded (an action's days).
std::string LineChart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                      long shade_from, long shade_to, const std::string& y_label);

// Step curves (Kaplan-Meier): each series is (x, y) points with y in [0, 1].
std::string StepChart(
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& curves,
    const std::string& x_label);

// Horizontal bars with labels.
std::string HBarChart(const std::vector<std::pair<std::string, double>>& rows,
                      const std::string& unit);

struct Node {
  double x, y;  // in [0, 1]
  double size;  // radius in px
  std::string color, title;
};
struct Edge {
  size_t a, b;
  double weight;
};
std::string NetworkMap(const std::vector<Node>& nodes, const std::vector<Edge>& edges,
                       const std::vector<std::pair<std::string, std::string>>& legend);

// Escapes text for HTML and SVG.
std::string Escape(const std::string& s);
// A stable colour for series i.
std::string Color(size_t i);

}  // namespace cordon::svg
