#include "cordon/report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cordon::svg {
namespace {

constexpr double kW = 760, kH = 260, kLeft = 60, kRight = 16, kTop = 16, kBottom = 40;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Human(double v) {
  char buf[32];
  if (std::fabs(v) >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
  } else if (std::fabs(v) >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.0fk", v / 1e3);
  } else if (std::fabs(v) >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

// A "nice" upper bound for an axis.
double NiceMax(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string Open(double h = kH) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kW) + " " + Num(h) +
         "\" width=\"100%\" role=\"img\" class=\"chart\">";
}

// Y grid with labels and an x axis with up to ~8 date labels.
std::string Axes(const std::vector<std::string>& labels, double ymax, const std::string& y_label) {
  std::string s;
  const double ph = kH - kTop - kBottom;
  for (int i = 0; i <= 4; ++i) {
    double y = kTop + ph - ph * i / 4.0;
    s += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kW - kRight) + "\" y1=\"" + Num(y) +
         "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/>";
    s += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(y + 4) +
         "\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">" + Human(ymax * i / 4.0) +
         "</text>";
  }
  const size_t n = labels.size();
  const size_t step = std::max<size_t>(1, (n + 7) / 8);
  const double pw = kW - kLeft - kRight;
  for (size_t i = 0; i < n; i += step) {
    double x = kLeft + pw * (i + 0.5) / std::max<size_t>(n, 1);
    s += "<text x=\"" + Num(x) + "\" y=\"" + Num(kH - kBottom + 16) +
         "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">" + Escape(labels[i]) +
         "</text>";
  }
  s += "<text x=\"12\" y=\"" + Num(kTop + ph / 2) +
       "\" font-size=\"11\" fill=\"#555\" transform=\"rotate(-90 12 " + Num(kTop + ph / 2) +
       ")\" text-anchor=\"middle\">" + Escape(y_label) + "</text>";
  return s;
}

}  // namespace

std::string Escape(const std::string& in) {
  std::string s;
  s.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '&':
        s += "&amp;";
        break;
      case '<':
        s += "&lt;";
        break;
      case '>':
        s += "&gt;";
        break;
      case '"':
        s += "&quot;";
        break;
      case '\'':
        s += "&#39;";
        break;
      default:
        s += c;
    }
  }
  return s;
}

std::string Color(size_t i) {
  static const char* kColors[] = {"#1f5fa8", "#d9822b", "#2f8f5b", "#8e44ad",
                                  "#c0392b", "#16a2b8", "#7f8c8d", "#b8860b"};
  return kColors[i % (sizeof kColors / sizeof *kColors)];
}

std::string BarChart(const std::vector<std::string>& labels, const std::vector<double>& values,
                     const std::set<size_t>& marked, const std::vector<double>& reference,
                     const std::string& y_label) {
  double vmax = 0;
  for (double v : values) vmax = std::max(vmax, v);
  const double ymax = NiceMax(vmax);
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  const size_t n = std::max<size_t>(values.size(), 1);
  const double bw = pw / n;
  std::string s = Open() + Axes(labels, ymax, y_label);
  for (size_t i = 0; i < values.size(); ++i) {
    double h = ph * values[i] / ymax;
    bool hot = marked.count(i) > 0;
    s += "<rect x=\"" + Num(kLeft + bw * i + bw * 0.1) + "\" y=\"" + Num(kTop + ph - h) +
         "\" width=\"" + Num(std::max(bw * 0.8, 0.5)) + "\" height=\"" + Num(h) + "\" fill=\"" +
         (hot ? "#c0392b" : "#1f5fa8") + "\"><title>" + Escape(i < labels.size() ? labels[i] : "") +
         ": " + Human(values[i]) + "</title></rect>";
    if (hot) {
      s += "<text x=\"" + Num(kLeft + bw * (i + 0.5)) + "\" y=\"" + Num(kTop + ph - h - 4) +
           "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#c0392b\">" + Human(values[i]) +
           "</text>";
    }
  }
  if (!reference.empty()) {
    std::string pts;
    for (size_t i = 0; i < reference.size(); ++i) {
      pts += Num(kLeft + bw * (i + 0.5)) + "," + Num(kTop + ph - ph * reference[i] / ymax) + " ";
    }
    s +=
        "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>";
  }
  return s + "</svg>";
}

std::string LineChart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                      long shade_from, long shade_to, const std::string& y_label) {
  double vmax = 0;
  for (const auto& se : series) {
    for (double v : se.values) vmax = std::max(vmax, v);
  }
  const double ymax = NiceMax(vmax);
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  const size_t n = std::max<size_t>(labels.size(), 1);
  const double bw = pw / n;
  std::string s = Open();
  if (shade_from >= 0 && shade_to >= shade_from) {
    s += "<rect x=\"" + Num(kLeft + bw * shade_from) + "\" y=\"" + Num(kTop) + "\" width=\"" +
         Num(bw * (shade_to - shade_from + 1)) + "\" height=\"" + Num(ph) + "\" fill=\"#f6d5d1\"/>";
  }
  s += Axes(labels, ymax, y_label);
  for (size_t k = 0; k < series.size(); ++k) {
    std::string pts;
    for (size_t i = 0; i < series[k].values.size(); ++i) {
      pts += Num(kLeft + bw * (i + 0.5)) + "," + Num(kTop + ph - ph * series[k].values[i] / ymax) +
             " ";
    }
    std::string color = series[k].color.empty() ? Color(k) : series[k].color;
    s += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + color +
         "\" stroke-width=\"2\"/>";
    s += "<text x=\"" + Num(kLeft + 8 + 150 * k) + "\" y=\"" + Num(kTop + 12) +
         "\" font-size=\"12\" fill=\"" + color + "\">&#9632; " + Escape(series[k].name) + "</text>";
  }
  return s + "</svg>";
}

std::string StepChart(
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& curves,
    const std::string& x_label) {
  double xmax = 1;
  for (const auto& [name, pts] : curves) {
    for (const auto& p : pts) xmax = std::max(xmax, p.first);
  }
  xmax = NiceMax(xmax);
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  std::string s = Open();
  for (int i = 0; i <= 4; ++i) {
    double y = kTop + ph - ph * i / 4.0;
    s += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kW - kRight) + "\" y1=\"" + Num(y) +
         "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/><text x=\"" + Num(kLeft - 6) + "\" y=\"" +
         Num(y + 4) + "\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">" +
         std::to_string(25 * i) + "%</text>";
    double x = kLeft + pw * i / 4.0;
    s += "<text x=\"" + Num(x) + "\" y=\"" + Num(kH - kBottom + 16) +
         "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">" + Human(xmax * i / 4.0) +
         "</text>";
  }
  s += "<text x=\"" + Num(kLeft + pw / 2) + "\" y=\"" + Num(kH - 6) +
       "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">" + Escape(x_label) + "</text>";
  for (size_t k = 0; k < curves.size(); ++k) {
    std::string pts;
    double prev = 1.0;
    for (const auto& [t, v] : curves[k].second) {
      double x = kLeft + pw * t / xmax;
      pts += Num(x) + "," + Num(kTop + ph - ph * prev) + " " + Num(x) + "," +
             Num(kTop + ph - ph * v) + " ";
      prev = v;
    }
    pts += Num(kLeft + pw) + "," + Num(kTop + ph - ph * prev);
    s += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + Color(k) +
         "\" stroke-width=\"2\"/>";
    s += "<text x=\"" + Num(kW - kRight - 4) + "\" y=\"" + Num(kTop + 14 + 15 * k) +
         "\" text-anchor=\"end\" font-size=\"12\" fill=\"" + Color(k) + "\">&#9632; " +
         Escape(curves[k].first) + "</text>";
  }
  return s + "</svg>";
}

std::string HBarChart(const std::vector<std::pair<std::string, double>>& rows,
                      const std::string& unit) {
  double vmax = 0;
  for (const auto& r : rows) vmax = std::max(vmax, r.second);
  vmax = NiceMax(vmax);
  const double row_h = 22, left = 220, h = 20 + row_h * std::max<size_t>(rows.size(), 1);
  std::string s = Open(h);
  for (size_t i = 0; i < rows.size(); ++i) {
    double y = 10 + row_h * i;
    double w = (kW - left - 80) * rows[i].second / vmax;
    s += "<text x=\"" + Num(left - 8) + "\" y=\"" + Num(y + 14) +
         "\" text-anchor=\"end\" font-size=\"12\">" + Escape(rows[i].first) + "</text>";
    s += "<rect x=\"" + Num(left) + "\" y=\"" + Num(y + 3) + "\" width=\"" + Num(w) +
         "\" height=\"" + Num(row_h - 6) + "\" fill=\"" + Color(i) + "\"/>";
    s += "<text x=\"" + Num(left + w + 6) + "\" y=\"" + Num(y + 14) + "\" font-size=\"12\">" +
         Human(rows[i].second) + " " + Escape(unit) + "</text>";
  }
  return s + "</svg>";
}

std::string NetworkMap(const std::vector<Node>& nodes, const std::vector<Edge>& edges,
                       const std::vector<std::pair<std::string, std::string>>& legend) {
  const double w = kW, h = 520, pad = 24;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(w) + " " +
                  Num(h) + "\" width=\"100%\" role=\"img\" class=\"chart\">";
  auto px = [&](double x) { return pad + (w - 2 * pad - 140) * x; };
  auto py = [&](double y) { return pad + (h - 2 * pad) * y; };
  for (const auto& e : edges) {
    if (e.a >= nodes.size() || e.b >= nodes.size()) continue;
    s += "<line x1=\"" + Num(px(nodes[e.a].x)) + "\" y1=\"" + Num(py(nodes[e.a].y)) + "\" x2=\"" +
         Num(px(nodes[e.b].x)) + "\" y2=\"" + Num(py(nodes[e.b].y)) +
         "\" stroke=\"#999\" stroke-opacity=\"0.35\" stroke-width=\"" +
         Num(std::min(3.0, 0.5 + std::log1p(e.weight) / 2)) + "\"/>";
  }
  for (const auto& n : nodes) {
    s += "<circle cx=\"" + Num(px(n.x)) + "\" cy=\"" + Num(py(n.y)) + "\" r=\"" + Num(n.size) +
         "\" fill=\"" + n.color + "\" stroke=\"#fff\" stroke-width=\"0.5\"><title>" +
         Escape(n.title) + "</title></circle>";
  }
  for (size_t i = 0; i < legend.size(); ++i) {
    double y = pad + 18 * i;
    s += "<circle cx=\"" + Num(w - 130) + "\" cy=\"" + Num(y) + "\" r=\"6\" fill=\"" +
         legend[i].second + "\"/><text x=\"" + Num(w - 118) + "\" y=\"" + Num(y + 4) +
         "\" font-size=\"12\">" + Escape(legend[i].first) + "</text>";
  }
  return s + "</svg>";
}

}  // namespace cordon::svg
