// Candidate indexes of the regeneration detector (regen.h): what it looks up instead of scanning
// every recent takedown.
//
// AvatarIndex: taken-down entities by avatar PDQ, for a radius search up to kRadius (PDQ's match
// distance, 31). Multi-index hashing over the hash's sixteen 16-bit words: two hashes within 31
// differ in at most one bit on at least one word (pigeonhole: sixteen words of two or more
// differing bits are 32 or more), so probing each word's value and its 16 one-bit neighbours (272
// probes) finds every entry within the radius; each is checked by its full distance. The result
// equals a scan's (tests/enforce/regen_index_test.cc).
//
// Thread safety: one thread at a time. Ownership: the index keeps copies of the hashes.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cordon/content/pdq.h"

namespace cordon::enforce {

class AvatarIndex {
 public:
  static constexpr int kRadius = kPdqMatchDistance;

  // Adds `id` with hash `h` (an id may be added once between clears).
  void Insert(uint32_t id, const PdqHash& h);
  void Clear();
  size_t size() const { return entries_.size(); }
  // (id, hash) in insertion order: inserting them in this order into an empty index rebuilds it.
  const std::vector<std::pair<uint32_t, PdqHash>>& entries() const { return entries_; }

  // Appends (id, distance) of every entry within `radius` (at most kRadius) of `q`, ordered by
  // id.
  void Search(const PdqHash& q, int radius, std::vector<std::pair<uint32_t, int>>& out) const;

 private:
  static uint16_t Word(const PdqHash& h, int w) {
    return static_cast<uint16_t>(h.bits[static_cast<size_t>(w >> 2)] >> ((w & 3) * 16));
  }
  static uint32_t Key(int w, uint16_t v) { return (static_cast<uint32_t>(w) << 16) | v; }

  std::vector<std::pair<uint32_t, PdqHash>> entries_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> buckets_;  // Key -> entry positions
};

}  // namespace cordon::enforce
