// Export: GEXF 1.3, GraphML and CSV carry every node and edge with roles, communities and
// evidence counts as weights; text is escaped.
#include <gtest/gtest.h>

#include "cordon/network/export.h"
#include "world_fixture.h"

namespace cordon::network {
namespace {

size_t Occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = testing::WorldNetwork();
    roles_ = AssignRoles(net_);
    auto c = Communities(net_);
    ASSERT_TRUE(c.ok());
    comm_ = *c;
    in_ = ExportInput{&net_, &roles_, &comm_};
    for (const Edge& e : net_.edges()) live_edges_ += e.from >= 0;
  }
  Network net_;
  Roles roles_;
  CommunityResult comm_;
  ExportInput in_;
  size_t live_edges_ = 0;
};

TEST_F(ExportTest, GexfHasNodesEdgesAttributesAndWeights) {
  const std::string x = ToGexf(in_);
  EXPECT_EQ(
      x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://gexf.net/1.3\"", 0),
      0u);
  EXPECT_NE(x.find("version=\"1.3\""), std::string::npos);
  EXPECT_EQ(Occurrences(x, "<edge id="), live_edges_);
  EXPECT_NE(x.find("<node id=\"telegram:channel100\" label=\"Alpha Press\">"), std::string::npos);
  EXPECT_NE(x.find("<attvalue for=\"role\" value=\"official\"/>"), std::string::npos);
  // The forward edge 100 -> 200 has ten messages behind it.
  EXPECT_NE(x.find("source=\"telegram:channel100\" target=\"telegram:channel200\" "
                   "kind=\"forward\" label=\"forward\" weight=\"10\""),
            std::string::npos);
  // Tags balance.
  EXPECT_EQ(Occurrences(x, "<node "), Occurrences(x, "</node>"));
  EXPECT_EQ(Occurrences(x, "<edge "), Occurrences(x, "</edge>"));
  EXPECT_TRUE(x.ends_with("</gexf>\n"));
}

TEST_F(ExportTest, GraphmlDeclaresKeysAndCarriesData) {
  const std::string x = ToGraphml(in_);
  EXPECT_NE(x.find("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\""), std::string::npos);
  EXPECT_NE(x.find("<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>"),
            std::string::npos);
  EXPECT_NE(x.find("<key id=\"community\" for=\"node\""), std::string::npos);
  EXPECT_EQ(Occurrences(x, "<edge id="), live_edges_);
  EXPECT_NE(x.find("<data key=\"role\">injector</data>"), std::string::npos);
  EXPECT_TRUE(x.ends_with("</graphml>\n"));
}

TEST_F(ExportTest, CsvForGephi) {
  std::string nodes, edges;
  ToCsv(in_, {}, nodes, edges);
  EXPECT_EQ(nodes.rfind("Id,Label,kind,role,confidence,community,subscribers,down\n", 0), 0u);
  EXPECT_EQ(edges.rfind("Source,Target,Type,Kind,Weight,First,Last,Evidence\n", 0), 0u);
  EXPECT_EQ(Occurrences(edges, "\n"), live_edges_ + 1);
  EXPECT_NE(nodes.find("telegram:channel200,Relay One,channel,mirror,"), std::string::npos);
  EXPECT_NE(nodes.find(",1000,true\n"), std::string::npos);  // channel200: taken down
}

TEST_F(ExportTest, FiltersByKindAndRole) {
  ExportOptions o;
  o.kinds = {EdgeKind::kForward};
  const std::string x = ToGraphml(in_, o);
  EXPECT_EQ(Occurrences(x, "<data key=\"type\">"), Occurrences(x, "<data key=\"type\">forward<"));
  EXPECT_EQ(x.find("telegram:channel600"), std::string::npos);  // no forwards there
  o.kinds.clear();
  o.roles_only = true;
  std::string nodes, edges;
  ToCsv(in_, o, nodes, edges);
  EXPECT_EQ(nodes.find("telegram:channel500"), std::string::npos);
  EXPECT_NE(nodes.find("telegram:user10"), std::string::npos);
}

TEST(Export, EscapesTextAndRepairsUtf8) {
  NetworkBuilder b;
  EntityEvent e;
  e.key = "telegram:channel1";
  e.kind = EntityKind::kChannel;
  e.time = 1;
  e.name = std::string("A & B <\"x\"> \x01 \xff");
  b.Add(e);
  MessageEvent m;
  m.key = "telegram:channel2/1";
  m.chat = "telegram:channel2";
  m.time = 2;
  m.forward = ForwardOrigin{};
  m.forward->chat = "telegram:channel1";
  b.Add(m);
  const Network& net = b.network();
  ExportInput in{&net, nullptr, nullptr};
  const std::string x = ToGexf(in);
  EXPECT_NE(x.find("label=\"A &amp; B &lt;&quot;x&quot;&gt;   \xEF\xBF\xBD\""), std::string::npos)
      << x;
  std::string nodes, edges;
  ToCsv(in, {}, nodes, edges);
  EXPECT_NE(nodes.find("\"A & B <\"\"x\"\"> \x01 \xEF\xBF\xBD\""), std::string::npos) << nodes;
  EXPECT_NE(nodes.find(",none,0,-1,-1,false"), std::string::npos) << nodes;
}

// Names and keys are written by adversaries: no cell of the CSV may start a formula.
TEST(Export, CsvNeutralisesFormulas) {
  NetworkBuilder b;
  EntityEvent e;
  e.key = "telegram:channel1";
  e.kind = EntityKind::kChannel;
  e.time = 1;
  e.name = "=HYPERLINK(\"http://evil.example\",\"x\")";
  b.Add(e);
  e.key = "telegram:channel2";
  e.name = "@SUM(1+1)";
  e.subscribers = 5;
  b.Add(e);
  MessageEvent m;
  m.key = "telegram:channel2/-1";
  m.chat = "telegram:channel2";
  m.time = 2;
  m.forward = ForwardOrigin{};
  m.forward->chat = "telegram:channel1";
  b.Add(m);
  const Network& net = b.network();
  ExportInput in{&net, nullptr, nullptr};
  std::string nodes, edges;
  ToCsv(in, {}, nodes, edges);
  EXPECT_NE(nodes.find(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","),
            std::string::npos)
      << nodes;
  EXPECT_NE(nodes.find(",'@SUM(1+1),"), std::string::npos) << nodes;
  EXPECT_NE(nodes.find(",none,0,-1,5,false"), std::string::npos) << nodes;  // numbers as numbers
  // No cell starts with a trigger: split naively on commas outside quotes.
  for (const std::string* text : {&nodes, &edges}) {
    bool quoted = false, cell_start = true;
    for (char c : *text) {
      if (cell_start && !quoted && c != '"') {
        EXPECT_TRUE(c != '=' && c != '+' && c != '@') << *text;
      }
      cell_start = false;
      if (c == '"') {
        quoted = !quoted;
        if (quoted) cell_start = true;  // the first character inside the quotes
      } else if (!quoted && (c == ',' || c == '\n')) {
        cell_start = true;
      }
    }
  }
}

TEST_F(ExportTest, WritesFilesAndDirectories) {
  cordon::testing::TempDir tmp;
  ASSERT_TRUE(WriteExport(in_, ExportFormat::kGexf, tmp.File("n.gexf")).ok());
  EXPECT_EQ(cordon::testing::ReadFile(tmp.File("n.gexf")), ToGexf(in_));
  ASSERT_TRUE(WriteExport(in_, ExportFormat::kCsv, tmp.File("csv")).ok());
  EXPECT_FALSE(cordon::testing::ReadFile(tmp.path() / "csv" / "edges.csv").empty());
  EXPECT_FALSE(WriteExport(in_, ExportFormat::kGraphml, tmp.File("missing/dir/n.graphml")).ok());
  EXPECT_EQ(*ParseExportFormat("graphml"), ExportFormat::kGraphml);
  EXPECT_FALSE(ParseExportFormat("dot").ok());
}

}  // namespace
}  // namespace cordon::network
