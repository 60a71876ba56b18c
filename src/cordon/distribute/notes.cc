#include "cordon/distribute/notes.h"

#include <simdjson.h>

#include <algorithm>

#include "cordon/ingest/weirds.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/utf8.h"

namespace cordon::distribute {
namespace {

// A note is JSON, which carries only UTF-8: a path, reason or text with other bytes (a file
// name in another encoding, the hostile bytes a reject quotes) goes through RepairUtf8 (U+FFFD
// in their place), so that every note the publisher writes is one a worker can apply.
void WriteWhere(JsonWriter& w, const Location& where) {
  w.Field("file", RepairUtf8(where.file)).Field("line", where.line).Field("offset", where.offset);
}

}  // namespace

std::string RejectNote(const Location& where, std::string_view reason) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("note", "reject");
  WriteWhere(w, where);
  w.Field("reason", RepairUtf8(reason)).EndObject();
  return out;
}

std::string WeirdNote(const Location& where, std::string_view name, std::string_view what) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("note", "weird");
  WriteWhere(w, where);
  w.Field("name", RepairUtf8(name)).Field("what", RepairUtf8(what)).EndObject();
  return out;
}

std::string FileNote(const FileIdentity& file, std::string_view importer, int64_t events,
                     int64_t rejected) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Field("note", "file")
      .Field("path", RepairUtf8(file.path))
      .Field("size", file.size)
      .Field("mtime_ns", file.mtime_ns)
      .Field("head_sha256", file.head_sha256)
      .Field("importer", RepairUtf8(importer))
      .Field("events", events)
      .Field("rejected", rejected)
      .EndObject();
  return out;
}

Status ApplyNote(Store& store, std::string_view note) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(note.data(), note.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Status::Corrupt("stream note is not a JSON object");
  }
  auto text = [&](const char* key, std::string& out) {
    std::string_view v;
    if (doc[key].get_string().get(v) != simdjson::SUCCESS) return false;
    out.assign(v);
    return true;
  };
  auto number = [&](const char* key, int64_t& out) {
    return doc[key].get_int64().get(out) == simdjson::SUCCESS;
  };
  std::string kind;
  if (!text("note", kind)) return Status::Corrupt("stream note without a \"note\" kind");
  if (kind == "reject" || kind == "weird") {
    Location where;
    if (!text("file", where.file) || !number("line", where.line) ||
        !number("offset", where.offset)) {
      return Status::Corrupt("stream note without its location");
    }
    if (kind == "reject") {
      std::string reason;
      if (!text("reason", reason)) return Status::Corrupt("reject note without a reason");
      return store.AddReject(where, reason);
    }
    std::string name, what;
    if (!text("name", name) || !text("what", what)) {
      return Status::Corrupt("weird note without its name and text");
    }
    if (std::find(weird::kAllWeirds.begin(), weird::kAllWeirds.end(), name) ==
        weird::kAllWeirds.end()) {
      return Status::Corrupt("weird note with an unknown name");
    }
    return store.AddWeird(where, name, what);
  }
  if (kind == "file") {
    FileIdentity f;
    std::string importer;
    int64_t events = 0, rejected = 0;
    if (!text("path", f.path) || !number("size", f.size) || !number("mtime_ns", f.mtime_ns) ||
        !text("head_sha256", f.head_sha256) || !text("importer", importer) ||
        !number("events", events) || !number("rejected", rejected)) {
      return Status::Corrupt("file note without its identity and counts");
    }
    return store.MarkFileDone(f, importer, events, rejected);
  }
  return Status::Corrupt("unknown stream note '" + kind + "'");
}

}  // namespace cordon::distribute
