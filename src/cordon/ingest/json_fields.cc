#include "cordon/ingest/json_fields.h"

#include <charconv>
#include <cmath>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/time.h"

namespace cordon {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::optional<int64_t> ElementInt(element e) {
  switch (e.type()) {
    case element_type::INT64:
      return int64_t(e);
    case element_type::UINT64: {
      uint64_t u = uint64_t(e);
      if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
      return static_cast<int64_t>(u);
    }
    case element_type::DOUBLE: {
      double d = double(e);
      if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9e18) return std::nullopt;
      return static_cast<int64_t>(d);
    }
    case element_type::STRING: {
      std::string_view s = std::string_view(e);
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
      return v;
    }
    default:
      return std::nullopt;
  }
}

std::optional<element> Fields::Any(std::string_view key) {
  element e;
  if (o_.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

std::optional<std::string_view> Fields::Str(std::string_view key) {
  auto e = Any(key);
  if (!e) return std::nullopt;
  if (!e->is_string()) {
    Fail("field '" + std::string(key) + "': expected a string");
    return std::nullopt;
  }
  return std::string_view(*e);
}

std::string_view Fields::ReqStr(std::string_view key) {
  auto e = Any(key);
  if (!e) {
    Fail("missing field '" + std::string(key) + "'");
    return {};
  }
  if (!e->is_string()) {
    Fail("field '" + std::string(key) + "': expected a string");
    return {};
  }
  std::string_view s(*e);
  if (s.empty()) Fail("field '" + std::string(key) + "' is empty");
  return s;
}

std::optional<int64_t> Fields::Int(std::string_view key) {
  auto e = Any(key);
  if (!e) return std::nullopt;
  auto v = ElementInt(*e);
  if (!v) Fail("field '" + std::string(key) + "': expected an integer");
  return v;
}

std::optional<int64_t> Fields::Count(std::string_view key, EventSink& sink, const Location& where) {
  auto v = Int(key);
  if (v && *v < 0) {
    sink.OnWeird(weird::kNegativeCountIgnored,
                 "field '" + std::string(key) + "': negative count ignored", where);
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Fields::Bool(std::string_view key) {
  auto e = Any(key);
  if (!e) return std::nullopt;
  if (!e->is_bool()) {
    Fail("field '" + std::string(key) + "': expected true or false");
    return std::nullopt;
  }
  return bool(*e);
}

std::optional<TimeMs> Fields::Time(std::string_view key) {
  auto s = Str(key);
  if (!s) return std::nullopt;
  auto t = ParseRfc3339Ms(*s);
  if (!t) Fail("field '" + std::string(key) + "': expected an RFC 3339 time");
  return t;
}

TimeMs Fields::ReqTime(std::string_view key) {
  if (!Any(key)) {
    Fail("missing field '" + std::string(key) + "'");
    return 0;
  }
  return Time(key).value_or(0);
}

std::optional<simdjson::dom::object> Fields::Obj(std::string_view key) {
  auto e = Any(key);
  if (!e) return std::nullopt;
  if (!e->is_object()) {
    Fail("field '" + std::string(key) + "': expected an object");
    return std::nullopt;
  }
  return simdjson::dom::object(*e);
}

std::optional<simdjson::dom::array> Fields::Arr(std::string_view key) {
  auto e = Any(key);
  if (!e) return std::nullopt;
  if (!e->is_array()) {
    Fail("field '" + std::string(key) + "': expected an array");
    return std::nullopt;
  }
  return simdjson::dom::array(*e);
}

bool IsHex(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

}  // namespace cordon
