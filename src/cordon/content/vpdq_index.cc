#include "cordon/content/vpdq_index.h"

#include <algorithm>
#include <unordered_map>

namespace cordon {
namespace {

struct HashKey {
  size_t operator()(const PdqHash& h) const {
    return std::hash<uint64_t>{}(h.bits[0] ^ (h.bits[1] * 31) ^ (h.bits[2] * 131) ^ h.bits[3]);
  }
};

// The distinct kept hashes of one video, with their counts, in first-seen order.
void Distinct(const std::vector<VpdqFrame>& frames, int quality, std::vector<PdqHash>& hashes,
              std::vector<uint32_t>& counts) {
  std::unordered_map<PdqHash, size_t, HashKey> seen;
  hashes.clear();
  counts.clear();
  for (const VpdqFrame& f : frames) {
    if (f.quality < quality) continue;
    auto [it, inserted] = seen.try_emplace(f.pdq, hashes.size());
    if (inserted) {
      hashes.push_back(f.pdq);
      counts.push_back(1);
    } else {
      ++counts[it->second];
    }
  }
}

}  // namespace

VpdqIndex::VpdqIndex(const std::vector<std::vector<VpdqFrame>>& videos,
                     const VpdqMatchOptions& options, const PdqIndexOptions& index)
    : options_(options) {
  std::vector<PdqHash> all, hashes;
  std::vector<uint32_t> counts;
  kept_.reserve(videos.size());
  for (size_t v = 0; v < videos.size(); ++v) {
    Distinct(videos[v], options.quality, hashes, counts);
    uint32_t kept = 0;
    for (size_t i = 0; i < hashes.size(); ++i) {
      all.push_back(hashes[i]);
      frame_video_.push_back(static_cast<uint32_t>(v));
      frame_count_.push_back(counts[i]);
      kept += counts[i];
    }
    kept_.push_back(kept);
  }
  pdq_ = PdqIndex(std::move(all), index);
}

std::vector<VpdqHit> VpdqIndex::Query(const std::vector<VpdqFrame>& query) const {
  std::vector<VpdqHit> out;
  std::vector<PdqHash> hashes;
  std::vector<uint32_t> counts;
  Distinct(query, options_.quality, hashes, counts);
  if (hashes.empty() || options_.distance <= 0) return out;
  uint64_t query_kept = 0;
  for (uint32_t c : counts) query_kept += c;
  // (video, query frame, indexed frame) for every hit.
  struct Pair {
    uint32_t video, query, frame;
  };
  std::vector<Pair> pairs;
  std::vector<PdqHit> hits;
  for (size_t q = 0; q < hashes.size(); ++q) {
    hits.clear();
    pdq_.Search(hashes[q], options_.distance - 1, hits);
    for (const PdqHit& h : hits) {
      pairs.push_back({frame_video_[h.id], static_cast<uint32_t>(q), h.id});
    }
  }
  if (pairs.empty()) return out;
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    return a.video != b.video ? a.video < b.video : a.query < b.query;
  });
  std::vector<uint32_t> frames;
  for (size_t i = 0; i < pairs.size();) {
    const uint32_t video = pairs[i].video;
    uint64_t query_matched = 0, target_matched = 0;
    frames.clear();
    uint32_t last_query = UINT32_MAX;
    for (; i < pairs.size() && pairs[i].video == video; ++i) {
      if (pairs[i].query != last_query) {
        last_query = pairs[i].query;
        query_matched += counts[last_query];
      }
      frames.push_back(pairs[i].frame);
    }
    std::sort(frames.begin(), frames.end());
    frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
    for (uint32_t f : frames) target_matched += frame_count_[f];
    VpdqHit hit;
    hit.video = video;
    hit.query_match_percent = static_cast<double>(query_matched) * 100.0 / query_kept;
    hit.target_match_percent = static_cast<double>(target_matched) * 100.0 / kept_[video];
    if (hit.query_match_percent >= options_.query_percent &&
        hit.target_match_percent >= options_.target_percent) {
      out.push_back(hit);
    }
  }
  return out;
}

}  // namespace cordon
