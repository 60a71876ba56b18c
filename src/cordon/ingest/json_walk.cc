#include "cordon/ingest/json_walk.h"

#include <algorithm>

#include "cordon/ingest/weirds.h"
#include "cordon/util/line_reader.h"
#include "cordon/util/utf8.h"

namespace cordon {
namespace {

using simdjson::SIMDJSON_PADDING;

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

// Whether the first non-blank line of the file is a JSON value on its own.
StatusOr<bool> FirstLineIsValue(const InputFile& file, const ImportLimits& limits) {
  LineReader reader;
  RETURN_IF_ERROR(reader.Open(file.path, limits.max_record_bytes));
  Line line;
  while (reader.Next(line)) {
    if (line.too_long) return false;
    if (IsBlank(line.text)) continue;
    simdjson::dom::parser parser;
    if (parser.allocate(line.text.size() + 1, limits.parser_depth()) != simdjson::SUCCESS) {
      return false;
    }
    simdjson::dom::element root;
    auto err = parser.parse(line.text.data(), line.text.size(), false).get(root);
    if (err == simdjson::UTF8_ERROR) {
      std::string repaired = RepairUtf8(line.text);
      err = parser.parse(repaired).get(root);
    }
    return err == simdjson::SUCCESS;
  }
  RETURN_IF_ERROR(reader.status());
  return false;
}

}  // namespace

Status ForEachJsonRoot(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRootFn& fn, JsonFileShape shape) {
  bool lines = shape == JsonFileShape::kLines;
  if (shape == JsonFileShape::kDetect) {
    ASSIGN_OR_RETURN(lines, FirstLineIsValue(file, limits));
  }
  std::string repaired;
  if (!lines) {
    std::string data;
    RETURN_IF_ERROR(ReadWholeFile(file.path, limits.max_document_bytes, data));
    StripUtf8Bom(data);
    JsonRoot root{data, Location{file.path, 1, 0}, true};
    if (!IsValidUtf8(data)) {
      repaired = RepairUtf8(data);
      repaired.reserve(repaired.size() + SIMDJSON_PADDING);
      root.text = repaired;
      sink.OnWeird(weird::kInvalidUtf8Repaired, "invalid UTF-8 repaired", Location{file.path});
    }
    // Progress comes from the walker, record by record (JsonWalker::Record).
    return fn(root);
  }
  LineReader reader;
  RETURN_IF_ERROR(reader.Open(file.path, limits.max_record_bytes));
  Line line;
  while (reader.Next(line)) {
    Location where{file.path, line.number, line.offset};
    if ((line.number & kProgressMask) == 0) sink.OnProgress(reader.consumed());
    if (line.too_long) {
      sink.OnReject(where, "record over " + std::to_string(limits.max_record_bytes) + " bytes");
      continue;
    }
    if (IsBlank(line.text)) continue;
    JsonRoot root{line.text, where, false};
    // A line format's lines are validated once, by the parse (JsonWalker::ParseRecord).
    if (shape != JsonFileShape::kLines && !IsValidUtf8(line.text)) {
      repaired = RepairUtf8(line.text);
      repaired.reserve(repaired.size() + SIMDJSON_PADDING);
      root.text = repaired;
      sink.OnWeird(weird::kInvalidUtf8Repaired, "invalid UTF-8 repaired", where);
    }
    RETURN_IF_ERROR(fn(root));
  }
  return reader.status();
}

Status ForEachJsonLine(const InputFile& file, const ImportLimits& limits, EventSink& sink,
                       const JsonRecordFn& fn) {
  JsonWalker walker(limits, sink);
  return ForEachJsonRoot(
      file, limits, sink,
      [&](const JsonRoot& root) { return walker.ParseRecord(root.text, root.where, fn); },
      JsonFileShape::kLines);
}

Status JsonWalker::Start(const JsonRoot& root) {
  root_ = root;
  original_size_ = root.text.size();
  truncated_ = false;
  line_pos_ = root.text.data();
  line_ = root.where.line;
  const size_t need = std::max<size_t>(root.text.size(), 64);
  if (od_parser_.capacity() < need || od_parser_.max_depth() != limits_.parser_depth()) {
    size_t cap = std::max(need, std::min<size_t>(2 * od_parser_.capacity(), 1u << 26));
    if (od_parser_.allocate(cap, limits_.parser_depth()) != simdjson::SUCCESS) {
      return Status::ResourceExhausted("cannot allocate a JSON parser", root.where);
    }
  }
  auto err =
      od_parser_.iterate(root.text.data(), root.text.size(), root.text.size() + SIMDJSON_PADDING)
          .get(doc_);
  if (err == simdjson::UNCLOSED_STRING && CloseTruncated()) return Status::Ok();
  if (err != simdjson::SUCCESS) return Broken(err, nullptr);
  return Status::Ok();
}

bool JsonWalker::CloseTruncated() {
  if (truncated_) return false;
  std::string closers;
  bool in_string = false, escape = false;
  for (char c : root_.text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      closers.push_back(c == '{' ? '}' : ']');
      if (closers.size() > limits_.max_depth) return false;
    } else if (c == '}' || c == ']') {
      if (closers.empty() || closers.back() != c) return false;  // broken otherwise
      closers.pop_back();
    }
  }
  if (closers.empty()) return false;
  closed_.reserve(root_.text.size() + closers.size() + 2 + SIMDJSON_PADDING);
  closed_.assign(root_.text);
  if (escape) closed_.pop_back();
  if (in_string) closed_ += '"';
  closed_.append(closers.rbegin(), closers.rend());
  root_.text = closed_;
  line_pos_ = root_.text.data();
  line_ = root_.where.line;
  truncated_ = true;
  auto err = od_parser_.iterate(closed_.data(), closed_.size(), closed_.capacity()).get(doc_);
  return err == simdjson::SUCCESS;
}

Status JsonWalker::Finish() {
  if (!truncated_) return Status::Ok();
  return Status::Corrupt("the document ends early; the records before the end were read",
                         Where(root_.text.data() + std::min(original_size_, root_.text.size())));
}

Location JsonWalker::Where(const char* p) {
  const char* begin = root_.text.data();
  const char* end = begin + root_.text.size();
  if (p == nullptr || p < begin || p > end) return root_.where;
  if (p < line_pos_) {
    line_pos_ = begin;
    line_ = root_.where.line;
  }
  line_ += std::count(line_pos_, p, '\n');
  line_pos_ = p;
  return Location{root_.where.file, line_, root_.where.offset + (p - begin)};
}

Status JsonWalker::Broken(simdjson::error_code e, const char* p) {
  return Status::Corrupt(std::string("JSON breaks off: ") + simdjson::error_message(e) +
                             "; the rest of the document is skipped",
                         Where(p));
}

Status JsonWalker::EnsureDomParser(const Location& where, size_t above) {
  // The depth limit counts from the root of the document: a record `above` levels down may
  // nest that much less (records of one walk nearly always share a level: rarely reallocated).
  const size_t depth = limits_.parser_depth() > above ? limits_.parser_depth() - above : 1;
  if (!dom_ready_ || dom_parser_.max_depth() != depth) {
    if (dom_parser_.allocate(std::max<size_t>(dom_parser_.capacity(), 1 << 16), depth) !=
            simdjson::SUCCESS ||
        (!dom_ready_ &&
         head_parser_.allocate(1 << 12, limits_.parser_depth()) != simdjson::SUCCESS)) {
      return Status::ResourceExhausted("cannot allocate a JSON parser", where);
    }
    dom_ready_ = true;
  }
  return Status::Ok();
}

Status JsonWalker::ParseRecord(std::string_view raw, const Location& where,
                               const JsonRecordFn& fn) {
  return ParseRecordAt(raw, where, 0, fn);
}

Status JsonWalker::ParseRecordAt(std::string_view raw, const Location& where, size_t above,
                                 const JsonRecordFn& fn) {
  if (raw.size() > limits_.max_record_bytes) {
    sink_.OnReject(where, "record over " + std::to_string(limits_.max_record_bytes) + " bytes");
    return Status::Ok();
  }
  RETURN_IF_ERROR(EnsureDomParser(where, above));
  simdjson::dom::element elem;
  // `raw` lies inside a root that has the padding simdjson reads past its end.
  auto err = dom_parser_.parse(raw.data(), raw.size(), false).get(elem);
  if (err == simdjson::UTF8_ERROR) {
    // Lines of a line format come unchecked (one validation, not two): repaired here.
    repaired_ = RepairUtf8(raw);
    repaired_.reserve(repaired_.size() + simdjson::SIMDJSON_PADDING);
    err = dom_parser_.parse(repaired_.data(), repaired_.size(), false).get(elem);
    if (err == simdjson::SUCCESS) {
      sink_.OnWeird(weird::kInvalidUtf8Repaired, "invalid UTF-8 repaired", where);
    }
  }
  if (err != simdjson::SUCCESS) {
    sink_.OnReject(where, std::string("not JSON: ") + simdjson::error_message(err));
    return Status::Ok();
  }
  RecordResult r = fn(elem, where);
  if (!r.fatal.ok()) return r.fatal;
  if (!r.reject.empty()) sink_.OnReject(where, r.reject);
  return Status::Ok();
}

namespace {

template <typename Object>
Status FieldsOf(JsonWalker& w, Object& obj, const char* at, const JsonWalker::FieldFn& fn) {
  simdjson::error_code err = simdjson::SUCCESS;
  for (auto field : obj) {
    simdjson::ondemand::field f;
    std::string_view key;
    if ((err = std::move(field).get(f)) != simdjson::SUCCESS ||
        (err = f.unescaped_key().get(key)) != simdjson::SUCCESS) {
      return w.Broken(err, at);
    }
    // The key's bytes live in the parser's string buffer until the next Start().
    RETURN_IF_ERROR(fn(key, f.value()));
  }
  return Status::Ok();
}

}  // namespace

Status JsonWalker::ForEachRootField(const FieldFn& fn) {
  simdjson::ondemand::object obj;
  auto err = doc_.get_object().get(obj);
  if (err == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && CloseTruncated()) {
    err = doc_.get_object().get(obj);
  }
  if (err == simdjson::INCORRECT_TYPE) {
    sink_.OnReject(root_.where, "expected a JSON object");
    return Status::Ok();
  }
  if (err != simdjson::SUCCESS) return Broken(err, nullptr);
  return FieldsOf(*this, obj, nullptr, fn);
}

Status JsonWalker::ForEachField(simdjson::ondemand::value& value, std::string_view what,
                                const FieldFn& fn) {
  const char* at = value.raw_json_token().data();
  simdjson::ondemand::object obj;
  auto err = value.get_object().get(obj);
  if (err == simdjson::INCORRECT_TYPE) {
    sink_.OnReject(Where(at), "field '" + std::string(what) + "': expected an object");
    return Status::Ok();
  }
  if (err != simdjson::SUCCESS) return Broken(err, at);
  return FieldsOf(*this, obj, at, fn);
}

Status JsonWalker::Record(simdjson::ondemand::value& item, const JsonRecordFn& fn) {
  const char* at = item.raw_json_token().data();
  const int32_t level = doc_.current_depth();  // the record's, 1 for the root
  Location where = Where(at);
  if ((++records_ & kProgressMask) == 0) sink_.OnProgress(where.offset);
  simdjson::ondemand::json_type type;
  auto err = item.type().get(type);
  if (err != simdjson::SUCCESS) return Broken(err, at);
  if (type != simdjson::ondemand::json_type::object) {
    sink_.OnReject(where, "expected a JSON object");
    return Status::Ok();
  }
  simdjson::ondemand::object obj;
  std::string_view raw;
  if ((err = item.get_object().get(obj)) != simdjson::SUCCESS ||
      (err = obj.raw_json().get(raw)) != simdjson::SUCCESS) {
    return Broken(err, at);
  }
  if (truncated_ && raw.data() + raw.size() > root_.text.data() + original_size_) {
    sink_.OnReject(where, "record cut off by the end of the document");
    return Status::Ok();
  }

  return ParseRecordAt(raw, where, static_cast<size_t>(std::max(level, 1)) - 1, fn);
}

namespace {

Status RecordsOf(JsonWalker& w, simdjson::ondemand::array& array, const char* at,
                 const JsonRecordFn& fn) {
  for (auto element : array) {
    simdjson::ondemand::value item;
    auto err = std::move(element).get(item);
    if (err != simdjson::SUCCESS) return w.Broken(err, at);
    at = item.raw_json_token().data();
    RETURN_IF_ERROR(w.Record(item, fn));
  }
  return Status::Ok();
}

}  // namespace

Status JsonWalker::ForEachRecord(simdjson::ondemand::value& value, const JsonRecordFn& fn) {
  const char* at = value.raw_json_token().data();
  simdjson::ondemand::array array;
  auto err = value.get_array().get(array);
  if (err == simdjson::INCORRECT_TYPE) {
    sink_.OnReject(Where(at), "expected an array of records");
    return Status::Ok();
  }
  if (err != simdjson::SUCCESS) return Broken(err, at);
  return RecordsOf(*this, array, at, fn);
}

Status JsonWalker::ForEachRootRecord(const JsonRecordFn& fn) {
  simdjson::ondemand::array array;
  auto err = doc_.get_array().get(array);
  if (err == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && CloseTruncated()) {
    err = doc_.get_array().get(array);
  }
  if (err == simdjson::INCORRECT_TYPE) {
    sink_.OnReject(root_.where, "expected an array of records");
    return Status::Ok();
  }
  if (err != simdjson::SUCCESS) return Broken(err, nullptr);
  return RecordsOf(*this, array, nullptr, fn);
}

Status JsonWalker::ForEachElement(simdjson::ondemand::value& value, std::string_view what,
                                  const ElementFn& fn) {
  const char* at = value.raw_json_token().data();
  simdjson::ondemand::array array;
  auto err = value.get_array().get(array);
  if (err == simdjson::INCORRECT_TYPE) {
    sink_.OnReject(Where(at), "field '" + std::string(what) + "': expected an array");
    return Status::Ok();
  }
  if (err != simdjson::SUCCESS) return Broken(err, at);
  size_t index = 0;
  for (auto element : array) {
    simdjson::ondemand::value item;
    if ((err = std::move(element).get(item)) != simdjson::SUCCESS) return Broken(err, at);
    at = item.raw_json_token().data();
    RETURN_IF_ERROR(fn(index++, item));
  }
  return Status::Ok();
}

namespace {

bool Named(std::initializer_list<std::string_view> names, std::string_view key) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

}  // namespace

Status JsonWalker::TwoPass(simdjson::ondemand::value* value, std::string_view what,
                           std::initializer_list<std::string_view> head,
                           std::initializer_list<std::string_view> stubs, const HeadFn& head_fn,
                           const FieldFn& field_fn) {
  const char* at = value != nullptr ? value->raw_json_token().data() : nullptr;
  simdjson::ondemand::object obj;
  auto err = value != nullptr ? value->get_object().get(obj) : doc_.get_object().get(obj);
  if (value == nullptr && err == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && CloseTruncated()) {
    err = doc_.get_object().get(obj);
  }
  if (err == simdjson::INCORRECT_TYPE) {
    sink_.OnReject(Where(at), std::string(what) + ": expected an object");
    return Status::Ok();
  }
  if (err != simdjson::SUCCESS) return Broken(err, at);
  const Location where = Where(at);
  if (!dom_ready_) RETURN_IF_ERROR(EnsureDomParser(where, 0));  // allocates head_parser_
  // Pass 1: the head's fields, copied as written (keys are plain names: no escaping needed).
  head_.assign("{");
  RETURN_IF_ERROR(
      FieldsOf(*this, obj, at, [&](std::string_view key, simdjson::ondemand::value& v) -> Status {
        const bool stub = Named(stubs, key);
        if (!stub && !Named(head, key)) return Status::Ok();
        simdjson::ondemand::json_type type;
        auto e = v.type().get(type);
        if (e != simdjson::SUCCESS) return Broken(e, at);
        std::string_view raw;
        if (type == simdjson::ondemand::json_type::array) {
          raw = "[]";
          simdjson::ondemand::array a;
          if (!stub && ((e = v.get_array().get(a)) != simdjson::SUCCESS ||
                        (e = a.raw_json().get(raw)) != simdjson::SUCCESS)) {
            return Broken(e, at);
          }
        } else if (type == simdjson::ondemand::json_type::object) {
          raw = "{}";
          simdjson::ondemand::object o;
          if (!stub && ((e = v.get_object().get(o)) != simdjson::SUCCESS ||
                        (e = o.raw_json().get(raw)) != simdjson::SUCCESS)) {
            return Broken(e, at);
          }
        } else {
          raw = v.raw_json_token();
        }
        if (head_.size() > 1) head_ += ',';
        head_.append("\"").append(key).append("\":").append(raw);
        if (head_.size() > limits_.max_record_bytes) {
          return Status::ResourceExhausted("head of " + std::string(what) + " over " +
                                               std::to_string(limits_.max_record_bytes) + " bytes",
                                           where);
        }
        return Status::Ok();
      }));
  head_ += '}';
  simdjson::dom::element elem;
  if ((err = head_parser_.parse(head_).get(elem)) != simdjson::SUCCESS) return Broken(err, at);
  bool skip = false;
  RETURN_IF_ERROR(head_fn(simdjson::dom::object(elem), where, skip));
  if (skip) return Status::Ok();
  // Pass 2: every field, from the start of the object again.
  if ((err = obj.reset().error()) != simdjson::SUCCESS) return Broken(err, at);
  return FieldsOf(*this, obj, at, field_fn);
}

}  // namespace cordon
