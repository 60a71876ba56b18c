// The Matrix specification's own example events (../shared/data/matrix, read at run time): each
// file is JSON with "$ref" naming the envelope (core/*.json) whose fields complete the event.
#pragma once

#include <simdjson.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace cordon::testing {

inline std::filesystem::path MatrixExamplesDir() { return SharedDir() / "data" / "matrix"; }

// The example in `file` completed by its envelopes, as one line of JSON; fields in `overrides`
// (key -> JSON value) replace or add to it, keys in `drop` are left out. "" when unreadable.
inline std::string LoadMatrixExample(const std::filesystem::path& file,
                                     const std::map<std::string, std::string>& overrides = {},
                                     const std::vector<std::string>& drop = {}) {
  simdjson::dom::parser parser;
  std::map<std::string, std::string> fields;  // key -> minified JSON value
  std::vector<std::string> order;
  std::filesystem::path next = file;
  while (!next.empty()) {
    simdjson::dom::element doc;
    const std::string text = ReadFile(next);
    if (parser.parse(text).get(doc) != simdjson::SUCCESS) return {};
    std::filesystem::path ref;
    for (auto field : simdjson::dom::object(doc)) {
      std::string key(field.key);
      if (key == "$ref") {
        ref = next.parent_path() / std::string_view(field.value);
        if (!std::filesystem::exists(ref)) ref = file.parent_path() / "core" / ref.filename();
        continue;
      }
      if (fields.count(key) == 0) {  // the event's own fields win over the envelope's
        fields[key] = simdjson::minify(field.value);
        order.push_back(key);
      }
    }
    next = ref;
  }
  for (const auto& [key, value] : overrides) {
    if (fields.count(key) == 0) order.push_back(key);
    fields[key] = value;
  }
  std::string out = "{";
  for (const auto& k : order) {
    bool dropped = false;
    for (const auto& d : drop) dropped = dropped || d == k;
    if (dropped) continue;
    out += (out.size() > 1 ? ",\"" : "\"") + k + "\":" + fields[k];
  }
  return out + "}";
}

}  // namespace cordon::testing
