// Importers report how far into a file they are while they read it, so the ingest bar moves
// smoothly: once per 1024 records, never the end of the file before its records are read.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cordon/ingest/importer.h"
#include "test_util.h"

namespace cordon {
namespace {

class ProgressSink final : public EventSink {
 public:
  Status OnEvent(Event&&, const Location&) override {
    ++events;
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view) override { ++rejects; }
  void OnWeird(std::string_view, std::string_view, const Location&) override {}
  void OnProgress(int64_t bytes) override { reports.push_back({bytes, events}); }

  struct Report {
    int64_t bytes;
    int64_t events_before;  // events handed over when it was made
  };
  int64_t events = 0, rejects = 0;
  std::vector<Report> reports;
};

// Reports move forward, stay inside the file and come while its records are read.
void ExpectSmooth(const ProgressSink& sink, size_t file_size, size_t at_least) {
  ASSERT_GE(sink.reports.size(), at_least);
  int64_t last = 0;
  for (const auto& r : sink.reports) {
    EXPECT_GT(r.bytes, last);
    EXPECT_LT(r.bytes, static_cast<int64_t>(file_size));
    EXPECT_LT(r.events_before, sink.events);
    last = r.bytes;
  }
  EXPECT_EQ(sink.rejects, 0);
}

constexpr int kRecords = 3000;

TEST(ImporterProgress, NdjsonReportsEvery1024Lines) {
  testing::TempDir tmp;
  std::string text;
  for (int i = 0; i < kRecords; ++i) {
    text += R"({"type":"message","key":"telegram:channel1/)" + std::to_string(i + 1) +
            R"(","chat":"telegram:channel1","time":"2019-11-20T10:05:00Z","text":"note"})"
            "\n";
  }
  testing::WriteFile(tmp.path() / "e.ndjson", text);
  ProgressSink sink;
  ASSERT_TRUE(FindImporter("cordon-events")->Import({tmp.File("e.ndjson")}, {}, sink).ok());
  EXPECT_EQ(sink.events, kRecords);
  ExpectSmooth(sink, text.size(), 2);
}

// A Telegram export is one JSON document; it used to report nothing until it was done.
TEST(ImporterProgress, TelegramExportReportsWhileReadingMessages) {
  testing::TempDir tmp;
  std::string text = R"({"name": "Lantern Bulletin", "type": "public_channel",
                         "id": 1500000001, "messages": [)";
  for (int i = 0; i < kRecords; ++i) {
    if (i > 0) text += ",\n";
    text += R"({"id": )" + std::to_string(i + 1) +
            R"(, "type": "message", "date_unixtime": "1574244300", "text": "hi",
               "text_entities": []})";
  }
  text += "]}";
  testing::WriteFile(tmp.path() / "result.json", text);
  ProgressSink sink;
  ASSERT_TRUE(FindImporter("telegram-export")->Import({tmp.File("result.json")}, {}, sink).ok());
  EXPECT_GE(sink.events, kRecords);
  ExpectSmooth(sink, text.size(), 2);
}

// Matrix's /messages answer is one document walked record by record; it used to report the
// whole file's size before the first record.
TEST(ImporterProgress, WholeJsonDocumentReportsRecordOffsetsOnly) {
  testing::TempDir tmp;
  std::string text = R"({"start": "t1", "end": "t0", "chunk": [)";
  for (int i = 0; i < kRecords; ++i) {
    if (i > 0) text += ",\n";
    text += R"({"type": "m.room.message", "event_id": "$e)" + std::to_string(i) +
            R"(", "room_id": "!harbor:harbor.example", "sender": "@editor:harbor.example",
               "origin_server_ts": 1574157600000, "content": {"msgtype": "m.text",
               "body": "note"}})";
  }
  text += "]}";
  testing::WriteFile(tmp.path() / "messages.json", text);
  ProgressSink sink;
  ASSERT_TRUE(FindImporter("matrix")->Import({tmp.File("messages.json")}, {}, sink).ok());
  EXPECT_GE(sink.events, kRecords);
  ExpectSmooth(sink, text.size(), 2);
}

}  // namespace
}  // namespace cordon
