// Typed field access over a simdjson DOM object, collecting the first error.
//
// Absent and null fields read as nullopt; a field of the wrong type, or a missing required
// field, records an error ("field 'time': expected an RFC 3339 string") and reads as empty, so
// an importer can read every field and then reject the record once. Not thread-safe.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cordon {

class Fields {
 public:
  explicit Fields(simdjson::dom::object o) : o_(o) {}

  std::optional<std::string_view> Str(std::string_view key);
  std::string_view ReqStr(std::string_view key);
  // Integers; also accepts integral doubles and decimal strings ("12" as Telegram writes).
  std::optional<int64_t> Int(std::string_view key);
  std::optional<bool> Bool(std::string_view key);
  // RFC 3339 string, as milliseconds since the Unix epoch (util/time.h).
  std::optional<int64_t> Time(std::string_view key);
  int64_t ReqTime(std::string_view key);
  std::optional<simdjson::dom::object> Obj(std::string_view key);
  std::optional<simdjson::dom::array> Arr(std::string_view key);
  std::optional<simdjson::dom::element> Any(std::string_view key);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  simdjson::dom::object o_;
  std::string error_;
};

// Integer value of an element as Fields::Int reads it.
std::optional<int64_t> ElementInt(simdjson::dom::element e);

// True when s is exactly n hex digits (either case).
bool IsHex(std::string_view s, size_t n);

}  // namespace cordon
