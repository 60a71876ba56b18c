// Files that hold either one JSON document (an API response, maybe pretty-printed) or one JSON
// value per line, with a location of its own for every record inside a document.
//
// ForEachJsonRoot decides per file: when the first non-blank line is a complete JSON value, the
// file is read line by line; otherwise it is one document, read whole. Each root value goes to
// the callback as text with its place in the file.
//
// JsonWalker walks one root with simdjson On-Demand (forward only, no tree), so a document of
// gigabytes costs little more than its own size in memory. The records an importer picks out of
// it (the elements of arrays) are parsed one at a time into a DOM and handed out with the line
// and byte offset where each starts: a bad record is rejected where it is, and the rest goes on.
//
// Thread safety: one JsonWalker per thread; the functions are reentrant.
#pragma once

#include <simdjson.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/ndjson.h"

namespace cordon {

struct JsonRoot {
  std::string_view text;    // readable for simdjson::SIMDJSON_PADDING bytes past its end
  Location where;           // file, line and byte offset where it starts
  bool whole_file = false;  // the file is one document, not one value per line
};

using JsonRootFn = std::function<Status(const JsonRoot&)>;

// Hands every root value of the file to fn (see above). Lines over the record limit are
// rejected; invalid UTF-8 is repaired (U+FFFD) and counted as weird. Returns the first non-OK
// status of fn, or an I/O error.
Status ForEachJsonRoot(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRootFn& fn);

class JsonWalker {
 public:
  JsonWalker(const ImportLimits& limits, EventSink& sink) : limits_(limits), sink_(sink) {}
  JsonWalker(const JsonWalker&) = delete;
  JsonWalker& operator=(const JsonWalker&) = delete;

  // Starts walking a root; Corrupt when it is not JSON.
  Status Start(const JsonRoot& root);
  simdjson::ondemand::document& doc() { return doc_; }
  // Where a pointer into the root's text lies. Fastest when called in increasing order.
  Location Where(const char* p);

  // Parses each element of `array` alone and calls fn on it with its location. Elements that
  // are not objects, and a value that is not an array, are rejected. Returns the first fatal
  // status of fn, or Corrupt where the document breaks off.
  Status ForEachRecord(simdjson::ondemand::value& array, const JsonRecordFn& fn);
  // The same for a root that is an array.
  Status ForEachRootRecord(const JsonRecordFn& fn);
  // One record: `value` parsed alone (rejected when it is not an object).
  Status Record(simdjson::ondemand::value& value, const JsonRecordFn& fn);

  using FieldFn = std::function<Status(std::string_view key, simdjson::ondemand::value& value)>;
  // Calls fn for each field of the root object, or of `object`; a value that is not an object
  // is rejected (`what` names it in the reason). Returns fn's first non-OK status, or Corrupt
  // where the document breaks off.
  Status ForEachRootField(const FieldFn& fn);
  Status ForEachField(simdjson::ondemand::value& object, std::string_view what, const FieldFn& fn);

  // Parses `raw` alone and calls fn. Text that does not parse, or is over the record limit, is
  // rejected at `where`. Returns fn's fatal status.
  Status ParseRecord(std::string_view raw, const Location& where, const JsonRecordFn& fn);

  // A Corrupt status for an On-Demand error met near `p` (a pointer into the root, or null).
  Status Broken(simdjson::error_code e, const char* p);
  // Call after a walk: Corrupt when the root was cut short (see CloseTruncated), else OK.
  Status Finish();

 private:
  const ImportLimits& limits_;
  EventSink& sink_;
  simdjson::ondemand::parser od_parser_;
  simdjson::ondemand::document doc_;
  simdjson::dom::parser dom_parser_;
  bool dom_ready_ = false;
  // On-Demand refuses a document whose brackets do not close (an interrupted download). Such a
  // root is walked as a copy closed with the brackets it lacks, so the records before the cut
  // are read; the walk then stops at the cut, or Finish() reports it.
  bool CloseTruncated();

  JsonRoot root_;
  size_t original_size_ = 0;  // of the root before CloseTruncated
  bool truncated_ = false;
  std::string closed_;
  const char* line_pos_ = nullptr;  // Where()'s cursor and the line it is on
  int64_t line_ = 0;
  int64_t records_ = 0;
};

}  // namespace cordon
