// vPDQ: Meta's video hash (ThreatExchange vpdq/), the PDQ hash of sampled frames with their
// quality. This file is the part that needs no decoder: the frame list, the reference's
// comparison rule and its text forms. Decoding videos into frames is content/video.h.
// docs/formats/vpdq.md describes the forms and the rule.
//
// Thread safety: pure functions of their arguments. Ownership: results are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/content/pdq.h"
#include "cordon/util/status.h"

namespace cordon {

class JsonWriter;

// One hashed frame, as the reference writes it.
struct VpdqFrame {
  int64_t frame = 0;     // index among the decoded frames, from 0
  double timestamp = 0;  // seconds: frame / average frame rate, computed in float as the reference
  int quality = 0;       // PDQ quality 0..100
  PdqHash pdq;
  friend bool operator==(const VpdqFrame&, const VpdqFrame&) = default;
};

// The reference's rule: a frame matches when some frame of the other video is at PDQ distance
// strictly under `distance` (unlike PDQ images, where 31 itself matches); frames of quality
// under `quality` are left out of both sides; the videos match when at least `query_percent`
// of the query's kept frames and `target_percent` of the target's match. The reference's C++
// tool uses 80/80; its Python signal type 80/0.
struct VpdqMatchOptions {
  int distance = 31;
  int quality = 50;
  double query_percent = 80;
  double target_percent = 80;
};

struct VpdqComparison {
  bool match = false;
  double query_match_percent = 0;  // 0 when either side has no frame of enough quality
  double target_match_percent = 0;
};

// Brute force over frame pairs (what the reference does); the bank index is for many videos.
VpdqComparison CompareVpdq(const std::vector<VpdqFrame>& query,
                           const std::vector<VpdqFrame>& target,
                           const VpdqMatchOptions& options = {});

// The reference's hash file: one line per frame, "frame,quality,pdq hex,timestamp" with the
// timestamp to 3 decimals.
std::string FormatVpdqHashFile(const std::vector<VpdqFrame>& frames);
// Parses that form (blank lines skipped, CRLF accepted); a bad line is kCorrupt naming it.
StatusOr<std::vector<VpdqFrame>> ParseVpdqHashFile(std::string_view text, const std::string& name);

// ThreatExchange's vPDQ signal (python-threatexchange's `vpdq` signal type, the form HMA and
// ThreatExchange exchange): a JSON array of strings "pdq hex,quality,timestamp", one a frame,
// without frame numbers. Formatted canonically: hex lower-case, timestamp to 3 decimals, no
// spaces, frames in the order given (numbered from 0 when parsed back).
std::string FormatVpdqSignal(const std::vector<VpdqFrame>& frames);
// Parses that form (any float timestamp, e.g. Python's "1.23e+02"); at most `max_frames`
// frames. An empty array is an error (a video with no frame cannot match anything).
inline constexpr size_t kMaxVpdqSignalFrames = 100'000;
StatusOr<std::vector<VpdqFrame>> ParseVpdqSignal(std::string_view json,
                                                 size_t max_frames = kMaxVpdqSignalFrames);

// Writes the frames as the JSON array of `cordon hash --json`:
// [{"frame": N, "timestamp": S (3 decimals), "quality": Q, "pdq": "64 hex"}, ...].
void WriteVpdqJson(JsonWriter& w, const std::vector<VpdqFrame>& frames);

}  // namespace cordon
