// The native importer's On-Demand fast path against its DOM path: on valid records and on
// thousands of broken ones, both must emit the same events, rejections (line and reason) and
// weirds. The fast path hands anything it does not fully accept to the DOM path, so any
// difference here is a record it accepted that the DOM would read otherwise.
#include <gtest/gtest.h>

#include "cordon/ingest/importer.h"
#include "cordon/model/event_json.h"
#include "test_util.h"

namespace cordon {
namespace {

class RecordingSink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location& where) override {
    log += "event " + std::to_string(where.line) + " " + std::to_string(where.offset) + " ";
    AppendEventJson(e, log);
    ++events;
    return Status::Ok();
  }
  void OnReject(const Location& where, std::string_view reason) override {
    log += "reject " + std::to_string(where.line) + " " + std::string(reason) + "\n";
    ++rejects;
  }
  void OnWeird(std::string_view kind, std::string_view what, const Location& where) override {
    log += "weird " + std::to_string(where.line) + " " + std::string(kind) + " " +
           std::string(what) + "\n";
  }
  std::string log;
  int64_t events = 0, rejects = 0;
};

const char* const kGood[] = {
    R"({"type":"message","key":"telegram:c1/9","chat":"telegram:c1","time":"2019-11-01T00:00:01Z","from":"telegram:u1","text":"hi \u00e9 \"q\"","links":["t.me/x","https://a.example/b"],"media":[{"kind":"photo","sha256":"ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789","md5":"0123456789abcdef0123456789abcdef","pdq":"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789","path":"p.jpg"}],"forward":{"chat":"telegram:c2","message":"telegram:c2/4","name":"N","time":"2019-10-31T00:00:00Z"},"views":12,"via_bot":"telegram:u3","reply_to":"telegram:c1/8","edited":"2019-11-02T00:00:00Z","reactions":3,"poll_voters":0,"thread":"telegram:c1/1"})",
    R"({"type":"message","key":"matrix:!r:s/$e","chat":"matrix:!r:s","time":"2020-01-01T10:00:00.5+02:00","text":"","views":null,"links":[],"media":[]})",
    R"({"type":"message","key":"telegram:c1/10","chat":"telegram:c1","time":"2019-11-01T00:00:01Z","views":-4,"reactions":"7","poll_voters":2.0})",
    R"({"type":"message","key":"telegram:c1/11","chat":"telegram:c1","time":"2019-11-01T00:00:01Z","text":"a","text":"b","unknown":{"deep":[1,2,null]}})",
    R"({"key":"telegram:c1/12","type":"message","chat":"telegram:c1","time":"2019-11-01T00:00:01Z","ke\u0079":"x"})",
    R"({"type":"entity","key":"telegram:c1","kind":"channel","time":"2019-11-01T00:00:00Z","subscribers":7})",
};

std::string Differences(const std::string& text) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "in.ndjson", text);
  RecordingSink fast, dom;
  Status a = MakeNativeImporter()->Import(InputFile{tmp.File("in.ndjson")}, {}, fast);
  Status b = MakeNativeDomImporter()->Import(InputFile{tmp.File("in.ndjson")}, {}, dom);
  EXPECT_EQ(a.ToString(), b.ToString());
  EXPECT_GT(fast.events + fast.rejects, 0);
  if (fast.log == dom.log) return "";
  size_t i = 0;
  while (i < fast.log.size() && i < dom.log.size() && fast.log[i] == dom.log[i]) ++i;
  size_t from = fast.log.rfind('\n', i);
  from = from == std::string::npos ? 0 : from + 1;
  return "fast: " + fast.log.substr(from, 300) + "\ndom:  " + dom.log.substr(from, 300);
}

TEST(NativeOnDemand, SameAsDomOnValidAndOddRecords) {
  std::string text;
  for (const char* line : kGood) text += std::string(line) + "\n";
  EXPECT_EQ(Differences(text), "");
}

TEST(NativeOnDemand, SameAsDomOnBrokenRecords) {
  // Every record cut at every byte, every byte deleted, and every byte replaced by characters
  // that break JSON in different ways: one line each.
  const std::string kSubs[] = {"\"", "}",    "]",    ",", ":", "\\", "x",   "0",    "-",
                               " ",  "\x01", "\xff", "n", "{", "[",  "1e3", "null", "\\u0000"};
  std::string text;
  int64_t lines = 0;
  for (const char* g : kGood) {
    const std::string line = g;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line.substr(0, i) + "\n";
      text += line.substr(0, i) + line.substr(i + 1) + "\n";
      for (const auto& s : kSubs) text += line.substr(0, i) + s + line.substr(i + 1) + "\n";
      text += line + " x\n";
      lines += 3 + static_cast<int64_t>(std::size(kSubs));
    }
  }
  ASSERT_GT(lines, 10000);
  EXPECT_EQ(Differences(text), "");
}

}  // namespace
}  // namespace cordon
