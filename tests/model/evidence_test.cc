// The one evidence type: its JSON form written and read back, with adversary-written strings.
#include "cordon/model/evidence.h"

#include <gtest/gtest.h>

#include <simdjson.h>

#include "cordon/util/utf8.h"

namespace cordon {
namespace {

std::string Json(const Evidence& e) {
  std::string out;
  JsonWriter w(out);
  WriteEvidenceJson(w, e);
  return out;
}

bool ValidJson(const std::string& s) {
  simdjson::dom::parser parser;
  simdjson::dom::element el;
  return parser.parse(simdjson::padded_string(s)).get(el) == simdjson::SUCCESS;
}

Evidence Full() {
  Evidence e;
  e.signal = "avatar";
  e.refs = {"telegram:channel7/12", "telegram:channel3/9"};
  e.value = 0.9312;
  e.time = 1709287200123;  // 2024-03-01T10:00:00.123Z
  e.detail = "PDQ distance 8";
  return e;
}

TEST(EvidenceJson, WritesFieldsInOrderAndLeavesEmptyOnesOut) {
  EXPECT_EQ(Json(Full()),
            R"({"signal":"avatar","refs":["telegram:channel7/12","telegram:channel3/9"],)"
            R"("value":0.9312,"time":"2024-03-01T10:00:00.123Z","detail":"PDQ distance 8"})");
  Evidence small;
  small.signal = "timing";
  small.value = 0;  // a zero strength is still a strength
  EXPECT_EQ(Json(small), R"({"signal":"timing","value":0})");
  EXPECT_EQ(Json(Evidence{}), R"({"signal":""})");
}

TEST(EvidenceJson, RoundTrips) {
  const std::vector<Evidence> list = {Full(), Evidence{}, Evidence{.signal = "name", .value = 1}};
  const std::string json = EvidenceListJson(list);
  auto back = ParseEvidenceListJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, list);
  auto one = ParseEvidenceJson(Json(Full()));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(*one, Full());
  EXPECT_EQ(EvidenceListJson({}), "[]");
}

TEST(EvidenceJson, HostileStringsStayValidJsonAndRoundTrip) {
  Evidence e;
  e.signal = "name\"},{\"signal\":\"forged";
  e.refs = {"telegram:channel1/1\\", std::string("nul\0byte", 8), "\x01\x1f\x7f bell\a"};
  e.detail = "line\nbreak\r\ttab </script> \xF0\x9F\x98\x80 \u202Eevil";
  const std::string json = Json(e);
  EXPECT_TRUE(ValidJson(json)) << json;
  EXPECT_EQ(json.find('\n'), std::string::npos);
  auto back = ParseEvidenceJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
  auto list = ParseEvidenceListJson(EvidenceListJson({e}));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).signal, e.signal);  // no second object was injected
}

TEST(EvidenceJson, InvalidUtf8IsRepairedNotPassedOn) {
  Evidence e;
  e.signal = "na\xC3me";      // truncated sequence
  e.refs = {"\xFF\xFE key"};  // bytes that are never UTF-8
  e.detail = "\xED\xA0\x80";  // a surrogate
  const std::string json = Json(e);
  EXPECT_TRUE(ValidJson(json)) << json;
  auto back = ParseEvidenceJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->signal, RepairUtf8(e.signal));
  EXPECT_EQ(back->refs.at(0), RepairUtf8(e.refs[0]));
  EXPECT_EQ(back->detail, RepairUtf8(e.detail));
  EXPECT_TRUE(IsValidUtf8(back->signal));
}

TEST(EvidenceJson, ReaderIgnoresUnknownFieldsAndNulls) {
  auto e = ParseEvidenceJson(
      R"({"signal":"admins","strength_v2":{"x":1},"value":1,"time":null,"detail":"telegram:user4"})");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->signal, "admins");
  EXPECT_EQ(e->value, 1.0);
  EXPECT_FALSE(e->time.has_value());
  EXPECT_EQ(e->detail, "telegram:user4");
  // What the detection table held before the type existed reads the same.
  auto old = ParseEvidenceListJson(R"([{"signal":"timing","value":2.5,"detail":"hours after"}])");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->at(0).value, 2.5);
}

TEST(EvidenceJson, ReaderRefusesWhatItCannotRead) {
  for (const char* bad : {"", "{", "[]", "\"x\"", R"({"signal":1})", R"({"refs":"a"})",
                          R"({"refs":[1]})", R"({"value":"high"})", R"({"time":"yesterday"})",
                          R"({"time":1709287200000})", R"({"detail":[]})"}) {
    auto e = ParseEvidenceJson(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
  EXPECT_FALSE(ParseEvidenceListJson("{}").ok());
  EXPECT_FALSE(ParseEvidenceListJson(R"([{"signal":"a"},3])").ok());
}

}  // namespace
}  // namespace cordon
