// The one way importers read JSON: files that hold one JSON value per line (NDJSON) or one JSON
// document (an API response or an export, maybe pretty-printed), with a location of its own for
// every record, inside a document too.
//
// ForEachJsonRoot hands each root value to the callback as text with its place in the file. A
// line format (kLines) is read line by line; a document format (kDocument) whole; kDetect
// decides per file: when the first non-blank line is a complete JSON value, the file is read
// line by line, otherwise it is one document. A line is one record: JsonWalker::ParseRecord
// parses it alone into a DOM.
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
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

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

// One record, parsed alone, with the place where it starts in the file.
using JsonRecordFn = std::function<RecordResult(simdjson::dom::element, const Location&)>;

enum class JsonFileShape {
  kDetect,    // one value per line when the first non-blank line is one, else a document
  kLines,     // one value per line (NDJSON): a bad line is rejected, the next one read
  kDocument,  // one document
};

struct JsonRoot {
  std::string_view text;    // readable for simdjson::SIMDJSON_PADDING bytes past its end
  Location where;           // file, line and byte offset where it starts
  bool whole_file = false;  // the file is one document, not one value per line
};

using JsonRootFn = std::function<Status(const JsonRoot&)>;

// Hands every root value of the file to fn (see above). Blank lines are skipped; lines over the
// record limit are rejected; invalid UTF-8 is repaired (U+FFFD) and counted as weird; a document
// over the document limit is an error. Returns the first non-OK status of fn, or an I/O error.
Status ForEachJsonRoot(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRootFn& fn, JsonFileShape shape = JsonFileShape::kDetect);

// A line format (NDJSON): every non-blank line parsed alone and handed to fn with its line and
// byte offset (ForEachJsonRoot with kLines, then JsonWalker::ParseRecord). A line that is not
// JSON is rejected and the next one read. Returns fn's fatal status, or an I/O error.
Status ForEachJsonLine(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRecordFn& fn);

class JsonWalker {
 public:
  JsonWalker(const ImportLimits& limits, EventSink& sink) : limits_(limits), sink_(sink) {}
  JsonWalker(const JsonWalker&) = delete;
  JsonWalker& operator=(const JsonWalker&) = delete;

  // Starts walking a root; Corrupt when it is not JSON.
  Status Start(const JsonRoot& root);
  simdjson::ondemand::document& doc() { return doc_; }
  EventSink& sink() { return sink_; }
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
  using ElementFn = std::function<Status(size_t index, simdjson::ondemand::value& value)>;
  // Calls fn for each field of the root object, or of `object`; a value that is not an object
  // is rejected (`what` names it in the reason). Returns fn's first non-OK status, or Corrupt
  // where the document breaks off.
  Status ForEachRootField(const FieldFn& fn);
  Status ForEachField(simdjson::ondemand::value& object, std::string_view what, const FieldFn& fn);

  // Calls fn for each element of `array` with its index; a value that is not an array is
  // rejected (`what` names it). Returns fn's first non-OK status, or Corrupt where the document
  // breaks off. Elements fn leaves alone are skipped.
  Status ForEachElement(simdjson::ondemand::value& array, std::string_view what,
                        const ElementFn& fn);

  // Reads an object too big to parse whole (a chat around its messages) in two passes. First
  // its head: the fields named in `head` parsed alone as one object, where a field named in
  // `stubs` stands as [] or {} when it is an array or object (so its presence and type are
  // known without its contents). head_fn gets it with the object's location and sets `skip` to
  // leave the rest; else every field goes to field_fn in document order. The head stays valid
  // until the next TwoPass. The object is `value`'s, or the root's when value is null; a value
  // that is not an object is rejected (`what` names it).
  using HeadFn =
      std::function<Status(simdjson::dom::object head, const Location& where, bool& skip)>;
  Status TwoPass(simdjson::ondemand::value* value, std::string_view what,
                 std::initializer_list<std::string_view> head,
                 std::initializer_list<std::string_view> stubs, const HeadFn& head_fn,
                 const FieldFn& field_fn);

  // Parses `raw` alone and calls fn. Text that does not parse, or is over the record limit, is
  // rejected at `where`; invalid UTF-8 is repaired (U+FFFD) and counted as weird. Returns fn's
  // fatal status.
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
  simdjson::dom::parser head_parser_;  // TwoPass heads, kept apart from the records' parser
  std::string head_;
  // On-Demand refuses a document whose brackets do not close (an interrupted download). Such a
  // root is walked as a copy closed with the brackets it lacks, so the records before the cut
  // are read; the walk then stops at the cut, or Finish() reports it.
  bool CloseTruncated();
  Status EnsureDomParser(const Location& where, size_t above);
  Status ParseRecordAt(std::string_view raw, const Location& where, size_t above,
                       const JsonRecordFn& fn);
  std::string repaired_;

  JsonRoot root_;
  size_t original_size_ = 0;  // of the root before CloseTruncated
  bool truncated_ = false;
  std::string closed_;
  const char* line_pos_ = nullptr;  // Where()'s cursor and the line it is on
  int64_t line_ = 0;
  int64_t records_ = 0;
};

}  // namespace cordon
