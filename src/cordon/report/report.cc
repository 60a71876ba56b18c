#include "cordon/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "cordon/report/svg.h"
#include "cordon/store/analysis_queries.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

using svg::Escape;

std::string Int(int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

std::string Pct(double change) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", change * 100);
  return buf;
}

std::string Fixed(double v, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Section(const std::string& id, const std::string& title, const std::string& lead,
                    const std::string& body) {
  return "<section id=\"" + id + "\"><h2>" + Escape(title) + "</h2>" +
         (lead.empty() ? "" : "<p class=\"lead\">" + lead + "</p>") + body + "</section>\n";
}

std::string Empty(const std::string& why) { return "<p class=\"empty\">" + Escape(why) + "</p>"; }

double Average(const std::vector<DailyRow>& daily, const std::set<std::string>& skip) {
  double sum = 0;
  int n = 0;
  for (const auto& d : daily) {
    if (skip.count(d.date)) continue;
    sum += static_cast<double>(d.takedowns);
    ++n;
  }
  return n ? sum / n : 0;
}

std::string RoleColor(const std::string& role) {
  static const std::map<std::string, std::string> kColors = {
      {"official", "#c0392b"}, {"injector", "#e67e22"}, {"mirror", "#d35400"},
      {"hub", "#8e44ad"},      {"bot", "#2c3e50"},      {"admin", "#16a085"},
      {"benign", "#95a5a6"},   {"other", "#bdc3c7"}};
  for (const auto& [k, c] : kColors) {
    if (role.find(k) != std::string::npos) return c;
  }
  return "#7f8c8d";
}

std::string TakedownsSection(const ImpactReport& r) {
  if (r.daily.empty()) return Section("takedowns", "Takedowns per day", "", Empty("No data."));
  std::vector<std::string> labels;
  std::vector<double> values, baseline;
  std::set<size_t> marked;
  std::set<std::string> spikes(r.spikes.begin(), r.spikes.end());
  for (size_t i = 0; i < r.daily.size(); ++i) {
    labels.push_back(r.daily[i].date.substr(5));
    values.push_back(static_cast<double>(r.daily[i].takedowns));
    baseline.push_back(r.daily[i].baseline);
    if (spikes.count(r.daily[i].date)) marked.insert(i);
  }
  std::string lead =
      "Accounts, bots and channels taken down each day. Red bars are days far above "
      "the usual level (the dashed line, a robust median of the previous four "
      "weeks).";
  std::string table = "<table><tr><th>Day</th><th>Taken down</th><th>Usual level</th></tr>";
  for (const auto& d : r.daily) {
    if (!spikes.count(d.date)) continue;
    table += "<tr><td>" + d.date + "</td><td>" + Int(d.takedowns) + "</td><td>" +
             Fixed(d.baseline, 0) + "</td></tr>";
  }
  table += "</table>";
  return Section("takedowns", "Takedowns per day", lead,
                 svg::BarChart(labels, values, marked, baseline, "takedowns") +
                     (spikes.empty() ? Empty("No day stood out.") : table));
}

std::string BeforeAfterSection(const ImpactReport& r) {
  if (r.actions.empty()) {
    return Section("before-after", "Before and after the day of action", "",
                   Empty("No day of action was found in the takedown figures."));
  }
  const ActionImpact& a = r.actions.front();
  std::vector<std::string> labels;
  svg::Series organic{"network posts (organic)", {}, "#1f5fa8"};
  svg::Series forwarded{"network posts (forwarded)", {}, "#d9822b"};
  svg::Series views{"views (all chats)", {}, "#2f8f5b"};
  long from = -1, to = -1;
  for (size_t i = 0; i < r.daily.size(); ++i) {
    const auto& d = r.daily[i];
    labels.push_back(d.date.substr(5));
    organic.values.push_back(static_cast<double>(d.network_posts - d.network_forwarded));
    forwarded.values.push_back(static_cast<double>(d.network_forwarded));
    views.values.push_back(static_cast<double>(d.views));
    if (d.date == a.start) from = static_cast<long>(i);
    if (d.date == a.end) to = static_cast<long>(i);
  }
  std::string table = "<table><tr><th></th><th>" + std::to_string(a.before.days) +
                      " days before<br><small>" + a.before.from + " to " + a.before.to +
                      "</small></th><th>" + std::to_string(a.after.days) +
                      " days after<br><small>" + a.after.from + " to " + a.after.to +
                      "</small></th><th>Change per day</th></tr>";
  auto row = [&](const char* name, int64_t b, int64_t af, double change) {
    table += std::string("<tr><td>") + name + "</td><td>" + Int(b) + "</td><td>" + Int(af) +
             "</td><td class=\"" + (change < 0 ? "down" : "up") + "\">" + Pct(change) +
             "</td></tr>";
  };
  row("Organic posts", a.before.organic, a.after.organic, a.organic_change);
  row("Forwarded posts", a.before.forwarded, a.after.forwarded, a.forwarded_change);
  row("Views of network posts", a.before.views, a.after.views, a.views_change);
  row("Active network chats", a.before.active_chats, a.after.active_chats, a.active_chats_change);
  table += "<tr><td>New network chats</td><td>" + Int(a.before.new_chats) + "</td><td>" +
           Int(a.after.new_chats) + "</td><td></td></tr>";
  table += "<tr><td>Regenerations caught</td><td>" + Int(a.before.regenerations) + "</td><td>" +
           Int(a.after.regenerations) + "</td><td></td></tr></table>";
  std::string lead =
      "Posts of the network's chats each day, split into organic posts and "
      "forwards, with the day of action shaded. The table compares the " +
      std::to_string(a.before.days) + " days before with the " + std::to_string(a.after.days) +
      " days after, per day.";
  return Section("before-after", "Before and after the day of action", lead,
                 svg::LineChart(labels, {organic, forwarded}, from, to, "posts per day") +
                     svg::LineChart(labels, {views}, from, to, "views per day") + table);
}

std::string CoverageSection(const ImpactReport& r) {
  if (r.releases.empty()) {
    return Section("coverage", "Coverage of known releases", "",
                   Empty("No known content was matched (load a hash bank and ingest again)."));
  }
  std::vector<std::pair<std::string, double>> rows;
  std::string table =
      "<table><tr><th>Release</th><th>First seen</th><th>Chats carrying it</th><th>Hours to the "
      "median copy</th></tr>";
  for (const auto& c : r.releases) {
    std::string name = c.label.empty() ? c.signal.substr(0, 12) : c.label;
    if (rows.size() < 12) rows.push_back({name, static_cast<double>(c.chats)});
    table += "<tr><td>" + Escape(name) + "</td><td>" + c.first_seen.substr(0, 16) + "</td><td>" +
             Int(c.chats) + "</td><td>" + Fixed(c.hours_to_median_copy) + "</td></tr>";
  }
  table += "</table>";
  return Section("coverage", "Coverage of known releases",
                 "How many chats carried each known release, and how fast copies spread.",
                 svg::HBarChart(rows, "chats") + table);
}

// Video coverage: the known videos, the videos seen, and how many of them were known, split
// into exact copies and edited ones that only the video fingerprint recognised.
std::string VideoSection(const ImpactReport& r) {
  const VideoMatchCounts& v = r.videos;
  if (v.posts == 0 && v.banked == 0) return "";
  const int64_t exact = v.matched_posts - v.edited_posts;
  std::vector<std::pair<std::string, double>> rows = {
      {"video posts seen", static_cast<double>(v.posts)},
      {"carried a known video", static_cast<double>(v.matched_posts)},
      {"  as the same file", static_cast<double>(exact)},
      {"  as an edited copy", static_cast<double>(v.edited_posts)},
      {"matched nothing known", static_cast<double>(v.posts - v.matched_posts)}};
  std::string table = "<table><tr><th></th><th>Count</th></tr>";
  auto row = [&](const std::string& name, int64_t n) {
    table += "<tr><td>" + Escape(name) + "</td><td>" + Int(n) + "</td></tr>";
  };
  row("Known videos in the hash banks", v.banked);
  row("Known videos seen at least once", v.banked_matched);
  row("Video posts seen", v.posts);
  row("Different video files among them", v.distinct);
  row("Video posts that could be read and fingerprinted", v.hashed);
  row("Video posts carrying a known video", v.matched_posts);
  row("... of which edited copies (re-encoded, resized, cut or with an intro)", v.edited_posts);
  row("Different edited copies", v.edited_distinct);
  table += "</table>";
  const std::string lead =
      "Videos are recognised by their fingerprint (vPDQ, a fingerprint of frames one second "
      "apart), so a copy that was re-encoded, resized, cut short or given an intro is still "
      "recognised; the same file is also recognised by its checksum. Edited copies are those "
      "only the fingerprint recognised.";
  return Section("video-coverage", "Video coverage", lead,
                 svg::HBarChart(rows, "video posts") + table);
}

std::string SurvivalSection(const ImpactReport& r) {
  if (r.survival.empty()) return Section("survival", "Survival of chats", "", Empty("No chats."));
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> curves;
  std::string table =
      "<table><tr><th>Group</th><th>Chats</th><th>Taken down</th><th>Median life</th></tr>";
  for (const auto& c : r.survival) {
    curves.push_back({c.group, c.steps});
    table += "<tr><td>" + Escape(c.group) + "</td><td>" + Int(c.chats) + "</td><td>" +
             Int(c.taken_down) + "</td><td>" +
             (c.median_days < 0 ? std::string("more than half still up")
                                : Fixed(c.median_days) + " days") +
             "</td></tr>";
  }
  table += "</table>";
  return Section("survival", "Survival of chats",
                 "The share of chats still up after a given number of days from their creation "
                 "(Kaplan-Meier; chats still up at the end count as survivors so far).",
                 svg::StepChart(curves, "days since creation") + table);
}

std::string MigrationSection(const ImpactReport& r) {
  if (r.migration.empty()) {
    return Section("migration", "Migration to other platforms", "",
                   Empty("No links to other platforms were seen."));
  }
  std::vector<std::pair<std::string, double>> rows;
  std::string table =
      "<table><tr><th>Platform</th><th>Messages linking to it</th><th>First "
      "seen</th></tr>";
  for (const auto& [p, n] : r.migration) {
    rows.push_back({p, static_cast<double>(n)});
    table += "<tr><td>" + Escape(p) + "</td><td>" + Int(n) + "</td><td>" + r.migration_first.at(p) +
             "</td></tr>";
  }
  table += "</table>";
  std::vector<std::string> labels;
  svg::Series links{"messages linking to other platforms", {}, "#8e44ad"};
  long from = -1, to = -1;
  for (size_t i = 0; i < r.daily.size(); ++i) {
    labels.push_back(r.daily[i].date.substr(5));
    links.values.push_back(static_cast<double>(r.daily[i].migration_links));
    if (!r.actions.empty() && r.daily[i].date == r.actions[0].start) from = static_cast<long>(i);
    if (!r.actions.empty() && r.daily[i].date == r.actions[0].end) to = static_cast<long>(i);
  }
  return Section("migration", "Migration to other platforms",
                 "Messages that link to chats on other platforms (Rocket.Chat servers, Matrix "
                 "rooms, TamTam and others), by platform and by day.",
                 svg::HBarChart(rows, "messages") +
                     svg::LineChart(labels, {links}, from, to, "messages per day") + table);
}

std::string NetworkSection(const ReportInputs& in) {
  if (in.nodes.empty()) {
    return Section("network", "The distribution network", "",
                   Empty("The network was not reconstructed for this report."));
  }
  std::vector<svg::Node> nodes;
  std::map<std::string, std::string> roles;
  for (const auto& n : in.nodes) {
    std::string c = RoleColor(n.role);
    roles[n.role.empty() ? "other" : n.role] = c;
    nodes.push_back(
        {n.x, n.y, 2.5 + std::min(9.0, std::sqrt(n.weight) / 4), c, n.label + " (" + n.role + ")"});
  }
  std::vector<svg::Edge> edges;
  for (const auto& e : in.edges) edges.push_back({e.a, e.b, e.weight});
  std::vector<std::pair<std::string, std::string>> legend(roles.begin(), roles.end());
  return Section("network", "The distribution network",
                 "Chats and accounts as dots coloured by role, sized by audience; lines are "
                 "forwards, re-uploads, advertisements and administration. " +
                     Escape(in.network_note),
                 svg::NetworkMap(nodes, edges, legend));
}

std::string ActorsSection(const ReportInputs& in) {
  if (in.key_actors.empty()) {
    return Section("key-actors", "Key actors", "", Empty("No key actors were ranked."));
  }
  std::string table =
      "<table><tr><th>#</th><th>Entity</th><th>Kind</th><th>Role</th><th>Why</th></tr>";
  int rank = 0;
  for (const auto& a : in.key_actors) {
    table += "<tr><td>" + std::to_string(++rank) + "</td><td><code>" + Escape(a.entity) +
             "</code></td><td>" + Escape(a.kind) + "</td><td>" + Escape(a.role) + "</td><td>" +
             Escape(a.reason) + "</td></tr>";
  }
  table += "</table>";
  return Section("key-actors", "Key actors",
                 "The accounts, bots and chats whose removal would cut the network's reach most.",
                 table);
}

StatusOr<std::string> RegenSection(Store& store) {
  ASSIGN_OR_RETURN(std::vector<RegenListing> latest, LatestRegenerations(store, 30));
  std::string table =
      "<table><tr><th>Replacement</th><th>Parent taken down</th><th>Score</th>"
      "<th>Detected</th><th>Hours after creation</th></tr>";
  const int n = static_cast<int>(latest.size());
  for (const RegenListing& r : latest) {
    double hours = r.born ? static_cast<double>(r.detected_at - *r.born) / 3600000.0 : 0;
    table += "<tr><td>" + Escape(r.entity_name) + " <code>" + Escape(r.entity) +
             "</code></td><td>" + Escape(r.parent_name) + " <code>" + Escape(r.parent) +
             "</code></td><td>" + Fixed(r.score, 2) + "</td><td>" +
             FormatRfc3339Ms(r.detected_at).substr(0, 16) + "</td><td>" + Fixed(hours) +
             "</td></tr>";
  }
  table += "</table>";
  if (n == 0) return Section("regenerations", "Regenerations caught", "", Empty("None detected."));
  // The whole count and how fast, then the latest few: the table is for follow-up, not reading.
  int64_t total = 0, chats = 0;
  std::vector<double> hours;
  ASSIGN_OR_RETURN(std::vector<RegenAge> ages, RegenerationAges(store));
  for (const RegenAge& a : ages) {
    ++total;
    chats += a.kind == "channel" || a.kind == "group";
    if (a.age) hours.push_back(static_cast<double>(*a.age) / 3600000.0);
  }
  std::string median = "-";
  if (!hours.empty()) {
    std::nth_element(hours.begin(), hours.begin() + hours.size() / 2, hours.end());
    median = Fixed(hours[hours.size() / 2]);
  }
  return Section("regenerations", "Regenerations caught",
                 Int(total) + " new chats and accounts (" + Int(chats) +
                     " of them chats) were recognised as replacements of ones taken down before, "
                     "a median of " +
                     median + " hours after they were created. The latest " + std::to_string(n) +
                     " are listed with the parent they replace.",
                 table);
}

StatusOr<std::string> ReferralsSection(Store& store) {
  ASSIGN_OR_RETURN(std::vector<ReferralSummary> referrals, ReferralsByReceipt(store, 200));
  std::string table =
      "<table><tr><th>Referral</th><th>Kind</th><th>Entity</th><th>Unit</th>"
      "<th>Status</th><th>Received</th><th>Time to action</th><th>Deadline</th></tr>";
  const int n = static_cast<int>(referrals.size());
  for (const ReferralSummary& q : referrals) {
    std::string to_action =
        q.actioned ? Fixed((*q.actioned - q.received) / 60000.0, 0) + " min" : "-";
    bool overdue = q.deadline && q.actioned && *q.actioned > *q.deadline;
    table += "<tr><td>" + Escape(q.id) + "</td><td>" + Escape(q.kind) + "</td><td><code>" +
             Escape(q.entity) + "</code></td><td>" + Escape(q.unit) + "</td><td>" +
             Escape(q.status) + "</td><td>" + FormatRfc3339Ms(q.received).substr(0, 16) +
             "</td><td>" + to_action + "</td><td" + (overdue ? " class=\"down\"" : "") + ">" +
             (q.deadline ? FormatRfc3339Ms(*q.deadline).substr(0, 16) : std::string("-")) +
             "</td></tr>";
  }
  table += "</table>";
  if (n == 0)
    return Section("referrals", "Referrals and deadlines", "", Empty("No referrals recorded."));
  return Section("referrals", "Referrals and deadlines",
                 "Referrals and removal orders with their status; removal orders must be acted on "
                 "within one hour.",
                 table);
}

constexpr const char* kStyle = R"css(
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:860px;margin:0 auto;padding:24px}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #eee;padding-bottom:4px;margin-top:36px}
.sub{color:#666;margin-top:0}.headlines{background:#f5f7fa;border-left:4px solid #1f5fa8;padding:12px 20px}
.headlines li{margin:6px 0}.lead{color:#444}.empty{color:#888;font-style:italic}
table{border-collapse:collapse;margin:12px 0;font-size:13px;width:100%}th,td{border-bottom:1px solid #e5e5e5;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#fafafa}.down{color:#c0392b;font-weight:600}.up{color:#2f8f5b;font-weight:600}
code{font-size:12px;color:#555}svg.chart{display:block;margin:8px 0;background:#fff}
footer{margin-top:40px;color:#888;font-size:12px}
)css";

}  // namespace

std::vector<std::string> Headlines(const ImpactReport& r) {
  std::vector<std::string> out;
  if (r.daily.empty()) {
    out.push_back("The database holds no messages or takedowns yet.");
    return out;
  }
  int64_t total = 0;
  for (const auto& d : r.daily) total += d.takedowns;
  std::set<std::string> spikes(r.spikes.begin(), r.spikes.end());
  const double usual = Average(r.daily, spikes);
  out.push_back(Int(total) + " accounts, bots and chats were taken down between " +
                r.daily.front().date + " and " + r.daily.back().date + ", usually about " +
                Fixed(usual, 0) + " a day.");
  for (const auto& a : r.actions) {
    out.push_back("The day of action " + (a.start == a.end ? a.start : a.start + " to " + a.end) +
                  " removed " + Int(a.takedowns) + ", " +
                  Fixed(a.takedowns / std::max(usual, 1.0) /
                            std::max<double>(1, static_cast<double>(a.end != a.start) + 1),
                        0) +
                  " times the usual daily level.");
    out.push_back("In the " + std::to_string(a.after.days) +
                  " days after it, the network's "
                  "organic posts changed by " +
                  Pct(a.organic_change) + " and its forwarded posts by " + Pct(a.forwarded_change) +
                  " against the " + std::to_string(a.before.days) +
                  " days before; active network chats went from " + Int(a.before.active_chats) +
                  " to " + Int(a.after.active_chats) + ".");
    if (a.after.new_chats > 0 || a.after.regenerations > 0) {
      out.push_back(Int(a.after.new_chats) + " new network chats appeared after the action and " +
                    Int(a.after.regenerations) +
                    " replacements were caught: the impact lasts only "
                    "if the pressure does.");
    }
  }
  for (const auto& c : r.survival) {
    if (c.group == "replacements" && c.median_days >= 0) {
      out.push_back("Replacement chats lived a median of " + Fixed(c.median_days) + " days.");
    }
  }
  if (r.videos.banked > 0 || r.videos.matched_posts > 0) {
    const VideoMatchCounts& v = r.videos;
    out.push_back("Video coverage: " + Int(v.matched_posts) + " of the " + Int(v.posts) +
                  " video posts seen carried one of the " + Int(v.banked) + " known videos; " +
                  Int(v.edited_posts) +
                  " of them were edited copies (re-encoded, resized, cut or with an intro) "
                  "recognised by their video fingerprint. " +
                  Int(v.banked_matched) + " of the known videos were seen at least once.");
  }
  if (!r.migration.empty()) {
    std::string list;
    for (const auto& [p, n] : r.migration) {
      if (!list.empty()) list += ", ";
      list += p + " (" + Int(n) + ", first on " + r.migration_first.at(p) + ")";
    }
    out.push_back("Messages pointed to other platforms: " + list + ".");
  }
  return out;
}

StatusOr<std::string> RenderReport(Store& store, const ReportInputs& in) {
  const ImpactReport& r = in.impact;
  std::string html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     Escape(in.title) + "</title><style>" + kStyle + "</style></head><body>";
  html += "<h1>" + Escape(in.title) + "</h1>";
  if (!r.daily.empty()) {
    html += "<p class=\"sub\">" + r.daily.front().date + " to " + r.daily.back().date +
            " &middot; generated by cordon from " + Escape(in.source) + "</p>";
  }
  html += "<section id=\"headlines\"><h2>Findings</h2><ul class=\"headlines\">";
  for (const auto& h : Headlines(r)) html += "<li>" + Escape(h) + "</li>";
  html += "</ul></section>\n";
  html += TakedownsSection(r);
  html += BeforeAfterSection(r);
  html += CoverageSection(r);
  html += VideoSection(r);
  html += SurvivalSection(r);
  html += MigrationSection(r);
  html += NetworkSection(in);
  html += ActorsSection(in);
  ASSIGN_OR_RETURN(std::string regen, RegenSection(store));
  html += regen;
  ASSIGN_OR_RETURN(std::string referrals, ReferralsSection(store));
  html += referrals;
  html += Section(
      "method", "Data and method", "",
      "<p>The network cohort (" + Int(r.network_chats) + " chats) is " +
          (r.cohort == "matches"
               ? std::string("the chats that carried known content from the hash "
                             "banks, and the replacements detected")
               : std::string("the chats that were taken down at least once (no known "
                             "content was matched)")) +
          ". Days are UTC. Before and after windows are the days before the first "
          "spike day and after the last, per day, as in CREST's study of the 2018 "
          "and 2019 actions. Spikes are days above both three times the median of "
          "the previous four weeks and six robust deviations above it.</p>" +
          (in.detections_note.empty() ? std::string()
                                      : "<p>" + Escape("The " + in.detections_note) + ".</p>"));
  html += "<footer>cordon &middot; all figures can be reproduced with <code>cordon impact --db " +
          Escape(in.source) + " --json</code></footer></body></html>\n";
  return html;
}

Status WriteReport(Store& store, const ReportInputs& inputs, const std::string& path) {
  ASSIGN_OR_RETURN(std::string html, RenderReport(store, inputs));
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IoError("cannot write the report", Location{path});
  out << html;
  out.close();
  if (!out) return Status::IoError("write failed", Location{path});
  return Status::Ok();
}

}  // namespace cordon
