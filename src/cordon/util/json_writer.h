// A small JSON writer that appends to a string: escaping, commas and nesting handled.
// Used for cordon events v1 output and every --json answer. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cordon {

// Appends s as a JSON string literal (quotes included); control characters escaped.
void AppendJsonString(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view v);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A value that is JSON text already (not checked), e.g. stored canonical evidence.
  JsonWriter& Raw(std::string_view json);
  // Key and value in one call.
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, int v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, double v) { return Key(k).Double(v); }
  JsonWriter& Field(std::string_view k, bool v) { return Key(k).Bool(v); }

 private:
  void Sep();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace cordon
