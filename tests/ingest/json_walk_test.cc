// The one JSON reading path of the importers (ingest/json_walk.h): lines, documents, records
// parsed alone, two-pass heads, and the limits that hold for all of them.
#include "cordon/ingest/json_walk.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture_sink.h"
#include "test_util.h"

namespace cordon {
namespace {

using testing::CaptureSink;

class JsonWalkTest : public ::testing::Test {
 protected:
  InputFile Write(const std::string& name, const std::string& text) {
    testing::WriteFile(tmp_.path() / name, text);
    return InputFile{tmp_.File(name)};
  }
  testing::TempDir tmp_;
};

TEST_F(JsonWalkTest, LinesAreRecordsABadOneIsRejectedWhereItIs) {
  InputFile f = Write("a.ndjson", "{\"n\": 1}\n\n  \nnot json\n{\"n\": \"bad \xff byte\"}\n[3]\n");
  CaptureSink sink;
  std::vector<int64_t> lines;
  std::vector<std::string> values;
  ASSERT_TRUE(ForEachJsonLine(f, {}, sink, [&](simdjson::dom::element e, const Location& where) {
                lines.push_back(where.line);
                values.push_back(simdjson::minify(e));
                return RecordResult::Ok();
              }).ok());
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 5, 6}));
  EXPECT_EQ(values[1], "{\"n\":\"bad \xEF\xBF\xBD byte\"}");
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].where.line, 4);
  EXPECT_EQ(sink.rejects[0].text.rfind("not JSON: ", 0), 0u);
  ASSERT_EQ(sink.weird_names, (std::vector<std::string>{"invalid_utf8_repaired"}));
  EXPECT_EQ(sink.weirds[0].where.line, 5);
}

TEST_F(JsonWalkTest, LineOverTheRecordLimitIsRejected) {
  InputFile f = Write("b.ndjson", "{\"n\": \"" + std::string(100, 'x') + "\"}\n{\"n\": 2}\n");
  ImportLimits limits;
  limits.max_record_bytes = 64;
  CaptureSink sink;
  int read = 0;
  ASSERT_TRUE(ForEachJsonLine(f, limits, sink, [&](simdjson::dom::element, const Location&) {
                ++read;
                return RecordResult::Ok();
              }).ok());
  EXPECT_EQ(read, 1);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].text, "record over 64 bytes");
}

TEST_F(JsonWalkTest, ShapeDecidesLinesOrDocument) {
  // The first line is no value on its own: kDetect reads one document, kLines each line.
  const std::string text = "{\"a\":\n1}\n";
  InputFile f = Write("c.json", text);
  for (auto [shape, roots] :
       {std::pair{JsonFileShape::kDetect, 1}, std::pair{JsonFileShape::kDocument, 1},
        std::pair{JsonFileShape::kLines, 2}}) {
    CaptureSink sink;
    int n = 0;
    bool whole = false;
    ASSERT_TRUE(ForEachJsonRoot(
                    f, {}, sink,
                    [&](const JsonRoot& root) {
                      ++n;
                      whole = root.whole_file;
                      return Status::Ok();
                    },
                    shape)
                    .ok());
    EXPECT_EQ(n, roots);
    EXPECT_EQ(whole, roots == 1);
  }
}

// Walks a document root with fn, as the importers do.
template <typename Fn>
Status WalkDocument(const InputFile& f, const ImportLimits& limits, CaptureSink& sink, Fn fn) {
  JsonWalker w(limits, sink);
  return ForEachJsonRoot(
      f, limits, sink,
      [&](const JsonRoot& root) -> Status {
        RETURN_IF_ERROR(w.Start(root));
        RETURN_IF_ERROR(fn(w));
        return w.Finish();
      },
      JsonFileShape::kDocument);
}

TEST_F(JsonWalkTest, TwoPassReadsTheHeadFirstWhereverItStands) {
  InputFile f = Write("d.json", R"({"items": [{"i": 0}, 7, {"i": 2}],
    "meta": {"deep": [1, 2]}, "name": "head last", "other": {"x": 1}})");
  CaptureSink sink;
  std::string head;
  std::vector<std::string> keys;
  std::vector<std::string> items;
  Status s = WalkDocument(f, {}, sink, [&](JsonWalker& w) {
    return w.TwoPass(
        nullptr, "root", {"name", "meta"}, {"items", "other"},
        [&](simdjson::dom::object h, const Location& where, bool&) {
          head = simdjson::minify(h);
          EXPECT_EQ(where.line, 1);
          return Status::Ok();
        },
        [&](std::string_view key, simdjson::ondemand::value& v) -> Status {
          keys.emplace_back(key);
          if (key != "items") return Status::Ok();
          return w.ForEachElement(v, "items", [&](size_t index, simdjson::ondemand::value& item) {
            items.push_back(std::to_string(index));
            return w.Record(item, [&](simdjson::dom::element e, const Location&) {
              items.back() += "=" + simdjson::minify(e);
              return RecordResult::Ok();
            });
          });
        });
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Stubs stand as [] and {}; the named fields are copied whole, in document order.
  EXPECT_EQ(head, R"({"items":[],"meta":{"deep":[1,2]},"name":"head last","other":{}})");
  EXPECT_EQ(keys, (std::vector<std::string>{"items", "meta", "name", "other"}));
  EXPECT_EQ(items, (std::vector<std::string>{"0={\"i\":0}", "1", "2={\"i\":2}"}));
  ASSERT_EQ(sink.rejects.size(), 1u);  // 7 is no object
  EXPECT_EQ(sink.rejects[0].text, "expected a JSON object");
}

TEST_F(JsonWalkTest, TwoPassSkipAndNonObjects) {
  InputFile f = Write("e.json", R"({"list": [{"keep": false, "rest": 1}, "x"]})");
  CaptureSink sink;
  int fields = 0;
  Status s = WalkDocument(f, {}, sink, [&](JsonWalker& w) {
    return w.ForEachRootField([&](std::string_view, simdjson::ondemand::value& list) {
      return w.ForEachElement(list, "list", [&](size_t, simdjson::ondemand::value& v) {
        return w.TwoPass(
            &v, "entry", {"keep"}, {},
            [&](simdjson::dom::object h, const Location&, bool& skip) {
              skip = !bool(h["keep"]);
              return Status::Ok();
            },
            [&](std::string_view, simdjson::ondemand::value&) {
              ++fields;
              return Status::Ok();
            });
      });
    });
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fields, 0);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].text, "entry: expected an object");
}

TEST_F(JsonWalkTest, ElementsOfANonArrayAreRejected) {
  InputFile f = Write("g.json", R"({"list": {"a": 1}})");
  CaptureSink sink;
  int n = 0;
  Status s = WalkDocument(f, {}, sink, [&](JsonWalker& w) {
    return w.ForEachRootField([&](std::string_view, simdjson::ondemand::value& v) {
      return w.ForEachElement(v, "list", [&](size_t, simdjson::ondemand::value&) {
        ++n;
        return Status::Ok();
      });
    });
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(n, 0);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].text, "field 'list': expected an array");
}

// A record parsed alone still counts its depth from the root of the document.
TEST_F(JsonWalkTest, DepthLimitCountsFromTheDocumentRoot) {
  ImportLimits limits;
  limits.max_depth = 8;
  // Root object (1), array (2), record (3): the field adds `inner` levels.
  auto doc = [](size_t inner) {
    return R"({"r": [{"x": )" + std::string(inner, '[') + "1" + std::string(inner, ']') + "}]}";
  };
  for (size_t inner : {5u, 6u}) {
    InputFile f = Write("h.json", doc(inner));
    CaptureSink sink;
    int read = 0;
    Status s = WalkDocument(f, limits, sink, [&](JsonWalker& w) {
      return w.ForEachRootField([&](std::string_view, simdjson::ondemand::value& v) {
        return w.ForEachRecord(v, [&](simdjson::dom::element, const Location&) {
          ++read;
          return RecordResult::Ok();
        });
      });
    });
    if (inner == 5u) {
      EXPECT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(read, 1);  // 8 levels
    } else {
      EXPECT_EQ(read, 0);  // 9 levels
      EXPECT_TRUE(!s.ok() || !sink.rejects.empty());
    }
  }
}

}  // namespace
}  // namespace cordon
