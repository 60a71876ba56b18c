// Reading a count field, which reports a bad value to the importer's sink; util/json_fields.h
// reads every other kind of field. Thread-compatible, as Fields and EventSink are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/json_fields.h"

namespace cordon {

// A count (views, subscribers): an integer as Fields::Int reads it, at least 0. A negative one
// does not cost the record: it reads as unknown (nullopt) and is reported to `sink` as a weird
// naming the field.
inline std::optional<int64_t> ReadCount(Fields& f, std::string_view key, EventSink& sink,
                                        const Location& where) {
  auto v = f.Int(key);
  if (v && *v < 0) {
    sink.OnWeird(weird::kNegativeCountIgnored,
                 "field '" + std::string(key) + "': negative count ignored", where);
    return std::nullopt;
  }
  return v;
}

}  // namespace cordon
