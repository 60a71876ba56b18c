#include "cordon/ingest/ndjson.h"

#include "cordon/ingest/weirds.h"
#include "cordon/util/line_reader.h"
#include "cordon/util/utf8.h"

namespace cordon {

Status ForEachJsonLine(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRecordFn& fn) {
  LineReader reader;
  RETURN_IF_ERROR(reader.Open(file.path, limits.max_record_bytes));
  simdjson::dom::parser parser;
  if (parser.allocate(1 << 16, limits.parser_depth()) != simdjson::SUCCESS) {
    return Status::Internal("cannot allocate the JSON parser");
  }
  std::string repaired;
  Line line;
  while (reader.Next(line)) {
    Location where{file.path, line.number, line.offset};
    if ((line.number & kProgressMask) == 0) sink.OnProgress(reader.consumed());
    if (line.too_long) {
      sink.OnReject(where, "record over " + std::to_string(limits.max_record_bytes) + " bytes");
      continue;
    }
    std::string_view text = line.text;
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    simdjson::dom::element root;
    // The reader leaves kReadPadding readable bytes after every line: parse in place.
    auto err = parser.parse(text.data(), text.size(), false).get(root);
    if (err == simdjson::UTF8_ERROR) {
      repaired = RepairUtf8(text);
      repaired.reserve(repaired.size() + simdjson::SIMDJSON_PADDING);
      err = parser.parse(repaired.data(), repaired.size(), true).get(root);
      if (err == simdjson::SUCCESS)
        sink.OnWeird(weird::kInvalidUtf8Repaired, "invalid UTF-8 repaired", where);
    }
    if (err != simdjson::SUCCESS) {
      sink.OnReject(where, std::string("not JSON: ") + simdjson::error_message(err));
      continue;
    }
    RecordResult r = fn(root, where);
    if (!r.fatal.ok()) return r.fatal;
    if (!r.reject.empty()) sink.OnReject(where, r.reject);
  }
  return reader.status();
}

Status ParseJsonDocument(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                         simdjson::dom::parser& parser, simdjson::dom::element& doc) {
  std::string data;
  RETURN_IF_ERROR(ReadWholeFile(file.path, limits.max_document_bytes, data));
  StripUtf8Bom(data);
  if (parser.allocate(data.size() + 1, limits.parser_depth()) != simdjson::SUCCESS) {
    return Status::ResourceExhausted("cannot allocate a parser for this document",
                                     Location{file.path});
  }
  auto err = parser.parse(data).get(doc);
  if (err == simdjson::UTF8_ERROR) {
    data = RepairUtf8(data);
    err = parser.parse(data).get(doc);
    if (err == simdjson::SUCCESS)
      sink.OnWeird(weird::kInvalidUtf8Repaired, "invalid UTF-8 repaired", Location{file.path});
  }
  if (err != simdjson::SUCCESS) {
    return Status::Corrupt(std::string("not a JSON document: ") + simdjson::error_message(err),
                           Location{file.path});
  }
  return Status::Ok();
}

}  // namespace cordon
