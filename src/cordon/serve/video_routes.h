// The video side of HMA's endpoints (docs/formats/api.md, "Videos"):
//
//   POST /h/hash with a multipart file in the field `video`: its vPDQ frames, as `cordon hash
//     --json` gives them, the same frames as ThreatExchange's vPDQ signal (the string /m/lookup
//     takes), md5 and sha256. Decoded with content/video.h and its limits (the body is already
//     capped by the server's --max-body); at most `max_hashing` videos are hashed at once, the
//     other requests wait.
//   GET /m/lookup?signal_type=vpdq&signal=..., or POST /m/lookup?signal_type=vpdq with the
//     signal as the body (a video's signal can be longer than a request line): the signal is
//     ThreatExchange's vPDQ signal (a JSON array of "pdq,quality,timestamp") or the reference's
//     hash file text ("frame,quality,pdq,timestamp" lines); per bank with matching enabled, the
//     videos that match under `match` (the Python signal type's rule by default, as the ingest
//     matcher): [{"bank_content_id", "distance": "round(100 - query %)", "query_match_percent",
//     "target_match_percent"}].
//
// The banks' vPDQ entries are indexed per bank (content/vpdq_index.h) beside the server's PDQ
// snapshot: a bank is re-read when its version in that snapshot moves.
//
// Thread safety: every method may be called from any worker thread.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include "cordon/content/video.h"
#include "cordon/content/vpdq.h"
#include "cordon/serve/lookup_index.h"

namespace cordon::serve {

struct VideoRouteOptions {
  std::string db;
  VideoHashOptions video;
  VpdqMatchOptions match{.distance = 31, .quality = 50, .query_percent = 80, .target_percent = 0};
  int max_hashing = 2;
};

class VideoRoutes {
 public:
  explicit VideoRoutes(VideoRouteOptions options);
  ~VideoRoutes();
  VideoRoutes(const VideoRoutes&) = delete;
  VideoRoutes& operator=(const VideoRoutes&) = delete;

  // POST /h/hash with a `video` file.
  void Hash(const httplib::Request& req, httplib::Response& res);
  // /m/lookup with signal_type vpdq and `signal` (the query parameter, or the body of a POST),
  // against the banks (and matching flags) of `snapshot`.
  void Lookup(const httplib::Request& req, httplib::Response& res, std::string_view signal,
              const LookupSnapshot& snapshot);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cordon::serve
