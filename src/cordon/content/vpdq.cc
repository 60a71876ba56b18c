#include "cordon/content/vpdq.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>

#include "cordon/util/json_writer.h"

namespace cordon {
namespace {

std::vector<const VpdqFrame*> KeepQuality(const std::vector<VpdqFrame>& frames, int quality) {
  std::vector<const VpdqFrame*> kept;
  kept.reserve(frames.size());
  for (const VpdqFrame& f : frames) {
    if (f.quality >= quality) kept.push_back(&f);
  }
  return kept;
}

// Frames of `a` with some frame of `b` under the distance.
size_t CountMatched(const std::vector<const VpdqFrame*>& a, const std::vector<const VpdqFrame*>& b,
                    int distance) {
  size_t n = 0;
  for (const VpdqFrame* x : a) {
    for (const VpdqFrame* y : b) {
      if (Distance(x->pdq, y->pdq) < distance) {
        ++n;
        break;
      }
    }
  }
  return n;
}

// Timestamps print as the reference's std::fixed with 3 digits.
std::string Seconds(double t) { return fmt::format("{:.3f}", t); }

}  // namespace

VpdqComparison CompareVpdq(const std::vector<VpdqFrame>& query,
                           const std::vector<VpdqFrame>& target, const VpdqMatchOptions& options) {
  VpdqComparison c;
  const auto q = KeepQuality(query, options.quality);
  const auto t = KeepQuality(target, options.quality);
  if (q.empty() || t.empty()) return c;
  c.query_match_percent = CountMatched(q, t, options.distance) * 100.0 / q.size();
  c.target_match_percent = CountMatched(t, q, options.distance) * 100.0 / t.size();
  c.match = c.query_match_percent >= options.query_percent &&
            c.target_match_percent >= options.target_percent;
  return c;
}

std::string FormatVpdqHashFile(const std::vector<VpdqFrame>& frames) {
  std::string out;
  for (const VpdqFrame& f : frames) {
    out += fmt::format("{},{},{},{}\n", f.frame, f.quality, f.pdq.Hex(), Seconds(f.timestamp));
  }
  return out;
}

StatusOr<std::vector<VpdqFrame>> ParseVpdqHashFile(std::string_view text, const std::string& name) {
  std::vector<VpdqFrame> frames;
  int64_t line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto bad = [&](const char* why) {
      return Status::Corrupt(std::string("vPDQ hash line: ") + why, Location{name, line_no});
    };
    std::string_view fields[4];
    for (int i = 0; i < 4; ++i) {
      const size_t comma = i < 3 ? line.find(',') : std::string_view::npos;
      if (i < 3 && comma == std::string_view::npos) return bad("expected 4 comma-separated fields");
      fields[i] = line.substr(0, comma);
      line = comma == std::string_view::npos ? std::string_view() : line.substr(comma + 1);
    }
    VpdqFrame f;
    auto whole = [](std::string_view s, auto& v) {
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      return r.ec == std::errc() && r.ptr == s.data() + s.size();
    };
    if (!whole(fields[0], f.frame) || f.frame < 0) return bad("frame is not a whole number");
    if (!whole(fields[1], f.quality) || f.quality < 0 || f.quality > 100) {
      return bad("quality is not 0..100");
    }
    auto hash = PdqHash::FromHex(fields[2]);
    if (!hash.ok()) return bad("PDQ hash is not 64 hex digits");
    f.pdq = *hash;
    if (!whole(fields[3], f.timestamp) || !std::isfinite(f.timestamp) || f.timestamp < 0) {
      return bad("timestamp is not a number of seconds");
    }
    frames.push_back(f);
  }
  return frames;
}

std::string FormatVpdqSignal(const std::vector<VpdqFrame>& frames) {
  std::string out = "[";
  for (const VpdqFrame& f : frames) {
    if (out.size() > 1) out += ',';
    out += fmt::format("\"{},{},{}\"", f.pdq.Hex(), f.quality, Seconds(f.timestamp));
  }
  out += ']';
  return out;
}

StatusOr<std::vector<VpdqFrame>> ParseVpdqSignal(std::string_view json, size_t max_frames) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array items;
  if (auto err = parser.parse(padded).get_array().get(items); err) {
    return Status::InvalidArgument(
        "vpdq signal must be a JSON array of \"pdq,quality,timestamp\" "
        "strings");
  }
  std::vector<VpdqFrame> frames;
  for (simdjson::dom::element item : items) {
    const std::string where = "vpdq frame " + std::to_string(frames.size() + 1) + ": ";
    if (frames.size() >= max_frames) {
      return Status::InvalidArgument("vpdq signal has more than " + std::to_string(max_frames) +
                                     " frames");
    }
    std::string_view s;
    if (item.get_string().get(s)) return Status::InvalidArgument(where + "not a string");
    const size_t c1 = s.find(',');
    const size_t c2 = c1 == std::string_view::npos ? c1 : s.find(',', c1 + 1);
    if (c2 == std::string_view::npos || s.find(',', c2 + 1) != std::string_view::npos) {
      return Status::InvalidArgument(where + "expected \"pdq,quality,timestamp\"");
    }
    VpdqFrame f;
    f.frame = static_cast<int64_t>(frames.size());
    auto hash = PdqHash::FromHex(s.substr(0, c1));
    if (!hash.ok()) return Status::InvalidArgument(where + "PDQ hash is not 64 hex digits");
    f.pdq = *hash;
    const std::string_view q = s.substr(c1 + 1, c2 - c1 - 1);
    auto rq = std::from_chars(q.data(), q.data() + q.size(), f.quality);
    if (rq.ec != std::errc() || rq.ptr != q.data() + q.size() || f.quality < 0 || f.quality > 100) {
      return Status::InvalidArgument(where + "quality is not 0..100");
    }
    const std::string_view t = s.substr(c2 + 1);
    auto rt = std::from_chars(t.data(), t.data() + t.size(), f.timestamp);
    if (rt.ec != std::errc() || rt.ptr != t.data() + t.size() || !std::isfinite(f.timestamp) ||
        f.timestamp < 0) {
      return Status::InvalidArgument(where + "timestamp is not a number of seconds");
    }
    frames.push_back(f);
  }
  if (frames.empty()) return Status::InvalidArgument("vpdq signal has no frames");
  return frames;
}

void WriteVpdqJson(JsonWriter& w, const std::vector<VpdqFrame>& frames) {
  w.BeginArray();
  for (const VpdqFrame& f : frames) {
    w.BeginObject()
        .Field("frame", f.frame)
        .Key("timestamp")
        .Raw(Seconds(f.timestamp))
        .Field("quality", f.quality)
        .Field("pdq", f.pdq.Hex())
        .EndObject();
  }
  w.EndArray();
}

}  // namespace cordon
