// An index over many videos' vPDQ frames (content/vpdq.h), so a query video is compared with a
// bank of 100k videos in milliseconds instead of frame pair by frame pair.
//
// Every kept frame (quality at least VpdqMatchOptions::quality) of every video goes into one
// PdqIndex (content/index.h), with a map from frame to video; identical hashes within a video
// are stored once with their count. A query searches each of its distinct kept frames at
// radius distance - 1 (the rule's "strictly under"); the videos whose frames it hits are the
// candidates, and for each the rule of CompareVpdq is applied from the hits alone: the query's
// share of kept frames with a hit in that video, and that video's share of kept frames hit by
// the query. The result equals CompareVpdq on each pair (tests/content/vpdq_index_test.cc).
//
// Thread safety: immutable once built; Query may run from many threads at once.
// Ownership: the index owns copies of what it was built from.
#pragma once

#include <cstdint>
#include <vector>

#include "cordon/content/index.h"
#include "cordon/content/vpdq.h"

namespace cordon {

struct VpdqHit {
  uint32_t video = 0;  // position in the videos the index was built from
  double query_match_percent = 0;
  double target_match_percent = 0;
  friend bool operator==(const VpdqHit&, const VpdqHit&) = default;
};

class VpdqIndex {
 public:
  VpdqIndex() = default;
  // `options.quality` chooses the frames kept; the other fields are used by Query.
  VpdqIndex(const std::vector<std::vector<VpdqFrame>>& videos, const VpdqMatchOptions& options,
            const PdqIndexOptions& index = {});

  size_t videos() const { return kept_.size(); }
  size_t frames() const { return pdq_.size(); }  // distinct kept frames, over all videos

  // Every video that matches `query` under `options` (its quality must be the one the index was
  // built with), ordered by video.
  std::vector<VpdqHit> Query(const std::vector<VpdqFrame>& query) const;

 private:
  VpdqMatchOptions options_;
  PdqIndex pdq_;
  std::vector<uint32_t> frame_video_;  // per indexed frame: its video
  std::vector<uint32_t> frame_count_;  // per indexed frame: how many kept frames share it
  std::vector<uint32_t> kept_;         // per video: kept frames
};

}  // namespace cordon
