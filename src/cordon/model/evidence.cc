#include "cordon/model/evidence.h"

#include <simdjson.h>

#include "cordon/util/time.h"
#include "cordon/util/utf8.h"

namespace cordon {
namespace {

// Adversary-written text as a JSON string: escaped by the writer, invalid UTF-8 repaired first.
void Text(JsonWriter& w, std::string_view s) {
  if (IsValidUtf8(s)) {
    w.String(s);
  } else {
    w.String(RepairUtf8(s));
  }
}

Status Bad(std::string_view what) {
  return Status::InvalidArgument("evidence: " + std::string(what));
}

StatusOr<Evidence> FromElement(simdjson::dom::element el) {
  simdjson::dom::object o;
  if (el.get(o) != simdjson::SUCCESS) return Bad("expected an object");
  Evidence e;
  for (auto field : o) {
    const std::string_view key = field.key;
    const simdjson::dom::element v = field.value;
    if (v.is_null()) continue;
    std::string_view s;
    if (key == "signal" || key == "detail") {
      if (v.get(s) != simdjson::SUCCESS) return Bad("'" + std::string(key) + "' is no string");
      (key == "signal" ? e.signal : e.detail) = std::string(s);
    } else if (key == "refs") {
      simdjson::dom::array refs;
      if (v.get(refs) != simdjson::SUCCESS) return Bad("'refs' is no array");
      for (simdjson::dom::element r : refs) {
        if (r.get(s) != simdjson::SUCCESS) return Bad("a ref is no string");
        e.refs.emplace_back(s);
      }
    } else if (key == "value") {
      double d = 0;
      if (v.get(d) != simdjson::SUCCESS) return Bad("'value' is no number");
      e.value = d;
    } else if (key == "time") {
      std::optional<int64_t> t;
      if (v.get(s) == simdjson::SUCCESS) t = ParseRfc3339Ms(s);
      if (!t) return Bad("'time' is no RFC 3339 time");
      e.time = *t;
    }
  }
  return e;
}

StatusOr<simdjson::dom::element> ParseDocument(simdjson::dom::parser& parser,
                                               std::string_view json) {
  simdjson::dom::element el;
  if (parser.parse(simdjson::padded_string(json)).get(el) != simdjson::SUCCESS) {
    return Bad("not one JSON value");
  }
  return el;
}

}  // namespace

void WriteEvidenceJson(JsonWriter& w, const Evidence& e) {
  w.BeginObject().Key("signal");
  Text(w, e.signal);
  if (!e.refs.empty()) {
    w.Key("refs").BeginArray();
    for (const std::string& r : e.refs) Text(w, r);
    w.EndArray();
  }
  if (e.value) w.Field("value", *e.value);
  if (e.time) w.Field("time", std::string_view(FormatRfc3339Ms(*e.time)));
  if (!e.detail.empty()) {
    w.Key("detail");
    Text(w, e.detail);
  }
  w.EndObject();
}

void WriteEvidenceListJson(JsonWriter& w, const std::vector<Evidence>& list) {
  w.BeginArray();
  for (const Evidence& e : list) WriteEvidenceJson(w, e);
  w.EndArray();
}

std::string EvidenceListJson(const std::vector<Evidence>& list) {
  std::string out;
  JsonWriter w(out);
  WriteEvidenceListJson(w, list);
  return out;
}

StatusOr<Evidence> ParseEvidenceJson(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::element el, ParseDocument(parser, json));
  return FromElement(el);
}

StatusOr<std::vector<Evidence>> ParseEvidenceListJson(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::element el, ParseDocument(parser, json));
  simdjson::dom::array arr;
  if (el.get(arr) != simdjson::SUCCESS) return Bad("expected an array");
  std::vector<Evidence> out;
  for (simdjson::dom::element item : arr) {
    ASSIGN_OR_RETURN(Evidence e, FromElement(item));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace cordon
