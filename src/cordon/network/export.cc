#include "cordon/network/export.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cordon/util/csv.h"
#include "cordon/util/time.h"
#include "cordon/util/utf8.h"

namespace cordon::network {
namespace {

// XML text: valid UTF-8, no characters XML 1.0 forbids, markup escaped.
std::string Xml(std::string_view s) {
  const std::string text = RepairUtf8(s);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
          out += ' ';
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string Num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

std::string Time(TimeMs t) { return t == kNoTime ? std::string() : FormatRfc3339Ms(t); }

struct View {
  std::vector<int32_t> nodes;  // node ids written, in id order
  std::vector<int32_t> edges;  // edge ids written
};

View Select(const ExportInput& in, const ExportOptions& o) {
  const Network& net = *in.net;
  std::vector<char> keep(net.nodes().size(), 0);
  auto has_role = [&](int32_t v) { return in.roles != nullptr && !in.roles->Primary(v).empty(); };
  View view;
  for (size_t e = 0; e < net.edges().size(); ++e) {
    const Edge& edge = net.edges()[e];
    if (edge.from < 0) continue;
    if (!o.kinds.empty() && std::find(o.kinds.begin(), o.kinds.end(), edge.kind) == o.kinds.end()) {
      continue;
    }
    if (o.roles_only && (!has_role(edge.from) || !has_role(edge.to))) continue;
    view.edges.push_back(static_cast<int32_t>(e));
    keep[static_cast<size_t>(edge.from)] = keep[static_cast<size_t>(edge.to)] = 1;
  }
  for (size_t v = 0; v < net.nodes().size(); ++v) {
    if (net.nodes()[v].merged) continue;
    if (keep[v] || (o.roles_only && has_role(static_cast<int32_t>(v)))) {
      view.nodes.push_back(static_cast<int32_t>(v));
    }
  }
  return view;
}

struct NodeAttrs {
  std::string label, kind, role, confidence, community, subscribers, down;
};

NodeAttrs Attrs(const ExportInput& in, int32_t v) {
  const Node& n = in.net->node(v);
  NodeAttrs a;
  a.label = n.name.empty() ? n.key : n.name;
  a.kind = std::string(NodeKindName(n.kind));
  if (in.roles != nullptr && !in.roles->by_node[static_cast<size_t>(v)].empty()) {
    const RoleAssignment& r = in.roles->by_node[static_cast<size_t>(v)][0];
    a.role = std::string(RoleName(r.role));
    a.confidence = Num(r.confidence);
  } else {
    a.role = "none";
    a.confidence = "0";
  }
  a.community = in.communities != nullptr
                    ? std::to_string(in.communities->membership[static_cast<size_t>(v)])
                    : "-1";
  a.subscribers = n.subscribers ? std::to_string(*n.subscribers) : "-1";
  a.down = n.down ? "true" : "false";
  return a;
}

std::string EvidenceText(const Edge& e) {
  std::string s;
  for (const Evidence& r : e.evidence.sample) {
    if (!s.empty()) s += ' ';
    s += r.refs[0];
  }
  return s;
}

}  // namespace

StatusOr<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "gexf") return ExportFormat::kGexf;
  if (name == "graphml") return ExportFormat::kGraphml;
  if (name == "csv") return ExportFormat::kCsv;
  return Status::InvalidArgument("unknown export format '" + std::string(name) +
                                 "' (gexf, graphml, csv)");
}

std::string ToGexf(const ExportInput& in, const ExportOptions& o) {
  const Network& net = *in.net;
  const View view = Select(in, o);
  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<gexf xmlns=\"http://gexf.net/1.3\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
       "version=\"1.3\">\n";
  s += "  <meta";
  if (net.time() != kNoTime) s += " lastmodifieddate=\"" + FormatDate(net.time()) + "\"";
  s += ">\n    <creator>cordon</creator>\n";
  s += "    <description>distribution network as of " + Xml(Time(net.time())) +
       "; edge weight = evidence count</description>\n  </meta>\n";
  s += "  <graph defaultedgetype=\"directed\" mode=\"static\">\n";
  s += "    <attributes class=\"node\">\n"
       "      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n"
       "      <attribute id=\"role\" title=\"role\" type=\"string\"/>\n"
       "      <attribute id=\"confidence\" title=\"confidence\" type=\"double\"/>\n"
       "      <attribute id=\"community\" title=\"community\" type=\"integer\"/>\n"
       "      <attribute id=\"subscribers\" title=\"subscribers\" type=\"long\"/>\n"
       "      <attribute id=\"down\" title=\"down\" type=\"boolean\"/>\n"
       "    </attributes>\n";
  s += "    <attributes class=\"edge\">\n"
       "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
       "      <attribute id=\"first\" title=\"first\" type=\"string\"/>\n"
       "      <attribute id=\"last\" title=\"last\" type=\"string\"/>\n"
       "      <attribute id=\"evidence\" title=\"evidence\" type=\"string\"/>\n"
       "    </attributes>\n";
  s += "    <nodes>\n";
  for (int32_t v : view.nodes) {
    const NodeAttrs a = Attrs(in, v);
    s += "      <node id=\"" + Xml(net.node(v).key) + "\" label=\"" + Xml(a.label) + "\">\n";
    s += "        <attvalues>\n";
    s += "          <attvalue for=\"kind\" value=\"" + a.kind + "\"/>\n";
    s += "          <attvalue for=\"role\" value=\"" + a.role + "\"/>\n";
    s += "          <attvalue for=\"confidence\" value=\"" + a.confidence + "\"/>\n";
    s += "          <attvalue for=\"community\" value=\"" + a.community + "\"/>\n";
    s += "          <attvalue for=\"subscribers\" value=\"" + a.subscribers + "\"/>\n";
    s += "          <attvalue for=\"down\" value=\"" + a.down + "\"/>\n";
    s += "        </attvalues>\n      </node>\n";
  }
  s += "    </nodes>\n    <edges>\n";
  for (int32_t id : view.edges) {
    const Edge& e = net.edge(id);
    const std::string kind(EdgeKindName(e.kind));
    // GEXF 1.3 allows parallel edges of different kinds.
    s += "      <edge id=\"e" + std::to_string(id) + "\" source=\"" + Xml(net.node(e.from).key) +
         "\" target=\"" + Xml(net.node(e.to).key) + "\" kind=\"" + kind + "\" label=\"" + kind +
         "\" weight=\"" + std::to_string(e.evidence.count) + "\">\n";
    s += "        <attvalues>\n";
    s += "          <attvalue for=\"type\" value=\"" + kind + "\"/>\n";
    s += "          <attvalue for=\"first\" value=\"" + Time(e.evidence.first) + "\"/>\n";
    s += "          <attvalue for=\"last\" value=\"" + Time(e.evidence.last) + "\"/>\n";
    s += "          <attvalue for=\"evidence\" value=\"" + Xml(EvidenceText(e)) + "\"/>\n";
    s += "        </attvalues>\n      </edge>\n";
  }
  s += "    </edges>\n  </graph>\n</gexf>\n";
  return s;
}

std::string ToGraphml(const ExportInput& in, const ExportOptions& o) {
  const Network& net = *in.net;
  const View view = Select(in, o);
  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
       "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  s += "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
       "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
       "  <key id=\"role\" for=\"node\" attr.name=\"role\" attr.type=\"string\"/>\n"
       "  <key id=\"confidence\" for=\"node\" attr.name=\"confidence\" attr.type=\"double\"/>\n"
       "  <key id=\"community\" for=\"node\" attr.name=\"community\" attr.type=\"int\"/>\n"
       "  <key id=\"subscribers\" for=\"node\" attr.name=\"subscribers\" attr.type=\"long\"/>\n"
       "  <key id=\"down\" for=\"node\" attr.name=\"down\" attr.type=\"boolean\"/>\n"
       "  <key id=\"type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
       "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
       "  <key id=\"first\" for=\"edge\" attr.name=\"first\" attr.type=\"string\"/>\n"
       "  <key id=\"last\" for=\"edge\" attr.name=\"last\" attr.type=\"string\"/>\n"
       "  <key id=\"evidence\" for=\"edge\" attr.name=\"evidence\" attr.type=\"string\"/>\n";
  s += "  <graph id=\"cordon\" edgedefault=\"directed\">\n";
  for (int32_t v : view.nodes) {
    const NodeAttrs a = Attrs(in, v);
    s += "    <node id=\"" + Xml(net.node(v).key) + "\">\n";
    s += "      <data key=\"label\">" + Xml(a.label) + "</data>\n";
    s += "      <data key=\"kind\">" + a.kind + "</data>\n";
    s += "      <data key=\"role\">" + a.role + "</data>\n";
    s += "      <data key=\"confidence\">" + a.confidence + "</data>\n";
    s += "      <data key=\"community\">" + a.community + "</data>\n";
    s += "      <data key=\"subscribers\">" + a.subscribers + "</data>\n";
    s += "      <data key=\"down\">" + a.down + "</data>\n";
    s += "    </node>\n";
  }
  for (int32_t id : view.edges) {
    const Edge& e = net.edge(id);
    s += "    <edge id=\"e" + std::to_string(id) + "\" source=\"" + Xml(net.node(e.from).key) +
         "\" target=\"" + Xml(net.node(e.to).key) + "\">\n";
    s += "      <data key=\"type\">" + std::string(EdgeKindName(e.kind)) + "</data>\n";
    s += "      <data key=\"weight\">" + std::to_string(e.evidence.count) + "</data>\n";
    s += "      <data key=\"first\">" + Time(e.evidence.first) + "</data>\n";
    s += "      <data key=\"last\">" + Time(e.evidence.last) + "</data>\n";
    s += "      <data key=\"evidence\">" + Xml(EvidenceText(e)) + "</data>\n";
    s += "    </edge>\n";
  }
  s += "  </graph>\n</graphml>\n";
  return s;
}

void ToCsv(const ExportInput& in, const ExportOptions& o, std::string& nodes, std::string& edges) {
  const Network& net = *in.net;
  const View view = Select(in, o);
  nodes = "Id,Label,kind,role,confidence,community,subscribers,down\n";
  for (int32_t v : view.nodes) {
    const NodeAttrs a = Attrs(in, v);
    CsvRow(nodes)
        .Text(net.node(v).key)
        .Text(a.label)
        .Text(a.kind)
        .Text(a.role)
        .Number(a.confidence)
        .Number(a.community)
        .Number(a.subscribers)
        .Text(a.down)
        .End();
  }
  edges = "Source,Target,Type,Kind,Weight,First,Last,Evidence\n";
  for (int32_t id : view.edges) {
    const Edge& e = net.edge(id);
    CsvRow(edges)
        .Text(net.node(e.from).key)
        .Text(net.node(e.to).key)
        .Text("Directed")
        .Text(EdgeKindName(e.kind))
        .Number(e.evidence.count)
        .Text(Time(e.evidence.first))
        .Text(Time(e.evidence.last))
        .Text(EvidenceText(e))
        .End();
  }
}

namespace {

Status WriteText(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot create file", Location{path});
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return Status::IoError("cannot write file", Location{path});
  return Status::Ok();
}

}  // namespace

Status WriteExport(const ExportInput& in, ExportFormat format, const std::string& path,
                   const ExportOptions& options) {
  switch (format) {
    case ExportFormat::kGexf:
      return WriteText(path, ToGexf(in, options));
    case ExportFormat::kGraphml:
      return WriteText(path, ToGraphml(in, options));
    case ExportFormat::kCsv: {
      std::error_code ec;
      std::filesystem::create_directories(path, ec);
      if (ec) return Status::IoError("cannot create directory: " + ec.message(), Location{path});
      std::string nodes, edges;
      ToCsv(in, options, nodes, edges);
      RETURN_IF_ERROR(WriteText((std::filesystem::path(path) / "nodes.csv").string(), nodes));
      return WriteText((std::filesystem::path(path) / "edges.csv").string(), edges);
    }
  }
  return Status::Internal("unhandled export format");
}

}  // namespace cordon::network
