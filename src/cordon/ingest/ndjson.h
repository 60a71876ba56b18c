// The shared NDJSON loop: one JSON value per line, parsed in place with simdjson.
//
// Blank lines are skipped. Lines over the record limit, lines that do not parse and lines
// nested deeper than the limit are rejected with file:line; invalid UTF-8 is repaired (U+FFFD)
// and counted as a weird. The callback returns an empty string for a good record, or the reason
// to reject it; a non-OK Status from the sink stops the loop.
#pragma once

#include <simdjson.h>

#include <functional>
#include <string>

#include "cordon/ingest/importer.h"

namespace cordon {

// What a record callback answers: OK, a rejection reason, or a fatal sink status.
struct RecordResult {
  std::string reject;  // non-empty: reject the record with this reason
  Status fatal;        // non-OK: stop the import
  static RecordResult Ok() { return {}; }
  static RecordResult Reject(std::string why) { return {std::move(why), Status::Ok()}; }
  static RecordResult Fatal(Status s) { return {"", std::move(s)}; }
};

using JsonRecordFn = std::function<RecordResult(simdjson::dom::element, const Location&)>;

Status ForEachJsonLine(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRecordFn& fn);

// Parses a whole JSON document (file) with the same limits and UTF-8 repair.
// On success `doc` points into `parser`.
Status ParseJsonDocument(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                         simdjson::dom::parser& parser, simdjson::dom::element& doc);

}  // namespace cordon
