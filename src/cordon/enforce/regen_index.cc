#include "cordon/enforce/regen_index.h"

#include <algorithm>

namespace cordon::enforce {

void AvatarIndex::Insert(uint32_t id, const PdqHash& h) {
  const auto pos = static_cast<uint32_t>(entries_.size());
  entries_.emplace_back(id, h);
  for (int w = 0; w < 16; ++w) buckets_[Key(w, Word(h, w))].push_back(pos);
}

void AvatarIndex::Clear() {
  entries_.clear();
  buckets_.clear();
}

void AvatarIndex::Search(const PdqHash& q, int radius,
                         std::vector<std::pair<uint32_t, int>>& out) const {
  radius = std::min(radius, kRadius);
  if (radius < 0 || entries_.empty()) return;
  std::vector<uint32_t> seen;
  for (int w = 0; w < 16; ++w) {
    const uint16_t v = Word(q, w);
    for (int flip = -1; flip < 16; ++flip) {
      const uint16_t probe = flip < 0 ? v : static_cast<uint16_t>(v ^ (1u << flip));
      auto it = buckets_.find(Key(w, probe));
      if (it == buckets_.end()) continue;
      seen.insert(seen.end(), it->second.begin(), it->second.end());
    }
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  const size_t first = out.size();
  for (uint32_t pos : seen) {
    const int d = Distance(q, entries_[pos].second);
    if (d <= radius) out.emplace_back(entries_[pos].first, d);
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace cordon::enforce
