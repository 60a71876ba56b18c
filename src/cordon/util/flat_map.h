// FlatMap64: a hash map from 64-bit keys to values in one array (open addressing, linear
// probing, deletion by backward shift, so no tombstones). For hot maps with many small entries
// where std::unordered_map's node per entry (an allocation, a pointer chase) dominates.
//
// Interface: the subset of std::unordered_map that cordon uses: find, try_emplace, erase (by
// key or iterator), size, empty, clear, reserve, and iteration over std::pair<uint64_t, V>
// (`first` the key, `second` the value); and the seed of its slots (seed, set_seed). Unlike
// std::unordered_map, inserting or erasing invalidates every iterator and reference, and the
// iteration order is unspecified (it depends on the seed, the capacity and the history of the
// table). V must be default-constructible and movable.
//
// StringIds: a map from strings to 32-bit ids for interning, insert-only: the keys' bytes in one
// arena, the slots (hash, id, where the key is) in one array, so a lookup is usually one slot
// and one comparison of the key's bytes. Iterates over {std::string_view first, uint32_t
// second} (views into the map, valid until the next insertion), in an unspecified order.
//
// Thread safety: none; one thread at a time.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <xxhash.h>

namespace cordon {

// A seed drawn once per process for the tables whose keys come from ingested input (a Matrix
// user id is any string; a text's fingerprint is whatever the text hashes to): whoever wrote
// that input cannot aim keys at one run of slots (hash flooding) without knowing it.
inline uint64_t ProcessHashSeed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return seed;
}

template <typename V>
class FlatMap64 {
 public:
  using key_type = uint64_t;
  using mapped_type = V;
  using value_type = std::pair<uint64_t, V>;

  template <bool Const>
  class Iter {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = FlatMap64::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const value_type*, value_type*>;
    using reference = std::conditional_t<Const, const value_type&, value_type&>;
    using Owner = std::conditional_t<Const, const FlatMap64*, FlatMap64*>;

    Iter() = default;
    Iter(Owner m, size_t i) : m_(m), i_(i) { Skip(); }
    // iterator -> const_iterator.
    template <bool C = Const, typename = std::enable_if_t<C>>
    Iter(const Iter<false>& o) : m_(o.m_), i_(o.i_) {}  // NOLINT(google-explicit-constructor)

    reference operator*() const { return m_->slots_[i_].kv; }
    pointer operator->() const { return &m_->slots_[i_].kv; }
    Iter& operator++() {
      ++i_;
      Skip();
      return *this;
    }
    Iter operator++(int) {
      Iter old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iter& a, const Iter& b) { return a.i_ == b.i_; }

   private:
    friend class FlatMap64;
    friend class Iter<!Const>;
    void Skip() {
      while (i_ < m_->slots_.size() && !m_->slots_[i_].full) ++i_;
    }
    Owner m_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  FlatMap64() = default;

  // The seed that keys are mixed with before their slot is chosen: ProcessHashSeed() unless
  // set. A map saved in its iteration order and read back by another process takes the saved
  // seed, so that the entries come back nearly in slot order (each insertion next to the last,
  // but for probe runs that wrapped around the end).
  uint64_t seed() const { return seed_; }
  void set_seed(uint64_t seed) {
    seed_ = seed;
    if (!slots_.empty()) Rehash(slots_.size());  // every entry placed again
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, slots_.size()); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, slots_.size()); }

  void clear() {
    slots_.clear();
    size_ = 0;
    shift_ = 64;
  }

  // Room for n entries without growing.
  void reserve(size_t n) {
    size_t cap = kMinCapacity;
    while (cap * kMaxLoadNum < n * kMaxLoadDen) cap *= 2;
    if (cap > slots_.size()) Rehash(cap);
  }

  iterator find(uint64_t key) {
    const size_t i = Find(key);
    return i == kNotFound ? end() : iterator(this, i);
  }
  const_iterator find(uint64_t key) const {
    const size_t i = Find(key);
    return i == kNotFound ? end() : const_iterator(this, i);
  }
  size_t count(uint64_t key) const { return Find(key) == kNotFound ? 0 : 1; }

  // As std::unordered_map::try_emplace: the entry of `key`, a new default value when there was
  // none (true).
  std::pair<iterator, bool> try_emplace(uint64_t key) {
    if ((size_ + 1) * kMaxLoadDen > slots_.size() * kMaxLoadNum) {
      Rehash(slots_.empty() ? kMinCapacity : slots_.size() * 2);
    }
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(key);; i = (i + 1) & mask) {
      if (!slots_[i].full) {
        slots_[i].full = true;
        slots_[i].kv.first = key;
        slots_[i].kv.second = V();
        ++size_;
        return {iterator(this, i), true};
      }
      if (slots_[i].kv.first == key) return {iterator(this, i), false};
    }
  }
  V& operator[](uint64_t key) { return try_emplace(key).first->second; }
  // Starts loading the slot where a look-up of `key` begins, and the `run` - 1 after it (to the
  // table's end) where a look-up of a key not there goes on: a hint, nothing changes.
  void Prefetch(uint64_t key, size_t run = 1) const {
    if (slots_.empty()) return;
    const size_t i = Home(key);
    const char* p = reinterpret_cast<const char*>(&slots_[i]);
    const char* end =
        reinterpret_cast<const char*>(slots_.data() + std::min(i + run, slots_.size()));
    for (; p < end; p += 64) __builtin_prefetch(p);
    __builtin_prefetch(end - 1);  // slots need not start on a line
  }

  size_t erase(uint64_t key) {
    const size_t i = Find(key);
    if (i == kNotFound) return 0;
    EraseAt(i);
    return 1;
  }
  void erase(const_iterator it) { EraseAt(it.i_); }
  void erase(iterator it) { EraseAt(it.i_); }

 private:
  static constexpr size_t kMinCapacity = 16;
  // Grows past 3/4 full: linear probing stays short with a good mix of the keys.
  static constexpr size_t kMaxLoadNum = 3, kMaxLoadDen = 4;
  static constexpr size_t kNotFound = ~size_t{0};

  // The top bits of the key xor the seed through MurmurHash3's 64-bit finaliser: keys that
  // differ in any bits spread (they need not be well mixed), and where a key lands depends on
  // the seed.
  size_t Home(uint64_t key) const {
    uint64_t h = key ^ seed_;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return static_cast<size_t>(h >> shift_);
  }

  size_t Find(uint64_t key) const {
    if (size_ == 0) return kNotFound;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(key);; i = (i + 1) & mask) {
      if (!slots_[i].full) return kNotFound;
      if (slots_[i].kv.first == key) return i;
    }
  }

  // Backward-shift deletion: later entries of the probe run move into the hole when their home
  // is not between the hole and them (cyclically).
  void EraseAt(size_t hole) {
    const size_t mask = slots_.size() - 1;
    size_t i = hole;
    for (;;) {
      i = (i + 1) & mask;
      if (!slots_[i].full) break;
      const size_t home = Home(slots_[i].kv.first);
      // Distance from home to i and from home to the hole, going forward.
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        slots_[hole] = std::move(slots_[i]);
        hole = i;
      }
    }
    slots_[hole].full = false;
    slots_[hole].kv.second = V();  // release what the value holds
    --size_;
  }

  void Rehash(size_t cap) {
    std::vector<Slot> old(cap);
    old.swap(slots_);
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(cap));
    const size_t mask = cap - 1;
    for (Slot& o : old) {
      if (!o.full) continue;
      size_t i = Home(o.kv.first);
      while (slots_[i].full) i = (i + 1) & mask;
      slots_[i] = std::move(o);
    }
  }

  // The flag in the slot: a probe reads one array. A slot of 32 or 64 bytes is aligned to its
  // size, so that none straddles two cache lines (a probe then loads one line, not two).
  struct PlainSlot {
    value_type kv;
    bool full = false;
  };
  static constexpr size_t kSlotAlign =
      sizeof(PlainSlot) >= 32 && sizeof(PlainSlot) <= 64 && std::has_single_bit(sizeof(PlainSlot))
          ? sizeof(PlainSlot)
          : alignof(PlainSlot);
  struct alignas(kSlotAlign) Slot {
    value_type kv;
    bool full = false;
  };
  static_assert(sizeof(Slot) == sizeof(PlainSlot));
  std::vector<Slot> slots_;
  size_t size_ = 0;
  unsigned shift_ = 64;
  uint64_t seed_ = ProcessHashSeed();
};

class StringIds {
 public:
  struct Entry {
    std::string_view first;
    uint32_t second = 0;
  };

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = const Entry*;
    using reference = Entry;

    const_iterator() = default;
    const_iterator(const StringIds* m, size_t i) : m_(m), i_(i) { Skip(); }
    Entry operator*() const { return m_->EntryAt(i_); }
    const_iterator& operator++() {
      ++i_;
      Skip();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.i_ == b.i_;
    }

   private:
    void Skip() {
      while (i_ < m_->slots_.size() && m_->slots_[i_].len1 == 0) ++i_;
    }
    const StringIds* m_ = nullptr;
    size_t i_ = 0;
  };

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, slots_.size()); }

  void clear() {
    slots_.clear();
    arena_.clear();
    size_ = 0;
  }

  // Room for n keys without growing the slots.
  void reserve(size_t n) {
    size_t cap = kMinCapacity;
    while (cap * 3 < n * 4) cap *= 2;
    if (cap > slots_.size()) Rehash(cap);
  }

  // The hash the map gives `key`: the look-ups below that take it skip computing it again.
  // XXH3, seeded once per process from the system's entropy: keys come from what cordon ingests
  // (a Matrix user id is any string its owner likes), and a seed they cannot know keeps crafted
  // keys from piling into one probe run. Nothing saves these hashes, and no result depends on
  // the slots' order.
  static uint64_t Hash(std::string_view key) {
    return XXH3_64bits_withSeed(key.data(), key.size(), ProcessHashSeed());
  }

  // The id of `key`, or null.
  const uint32_t* find(std::string_view key) const { return find(key, Hash(key)); }
  const uint32_t* find(std::string_view key, uint64_t hash) const {
    if (size_ == 0) return nullptr;
    const size_t i = Probe(key, hash);
    return slots_[i].len1 == 0 ? nullptr : &slots_[i].id;
  }
  size_t count(std::string_view key) const { return find(key) == nullptr ? 0 : 1; }

  // Starts loading the slot where a look-up of the key of this Hash begins (a hint).
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(hash)]);
  }

  // Starts loading the bytes of the key of this Hash, if one is there (a hint: reads the slots,
  // which Prefetch should have loaded before).
  void PrefetchKey(uint64_t hash) const {
    if (slots_.empty()) return;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(hash);; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.len1 == 0) return;
      if (s.hash == hash) {
        __builtin_prefetch(arena_.data() + s.off);
        return;
      }
    }
  }

  // Adds key -> id unless the key is there; true when added. Either way, the key's id.
  std::pair<uint32_t, bool> emplace(std::string_view key, uint32_t id) {
    return emplace(key, id, Hash(key));
  }
  std::pair<uint32_t, bool> emplace(std::string_view key, uint32_t id, uint64_t h) {
    if ((size_ + 1) * 4 > slots_.size() * 3) {
      Rehash(slots_.empty() ? kMinCapacity : slots_.size() * 2);
    }
    Slot& s = slots_[Probe(key, h)];
    if (s.len1 != 0) return {s.id, false};
    s.hash = h;
    s.id = id;
    s.off = arena_.size();
    s.len1 = static_cast<uint32_t>(key.size()) + 1;
    arena_.insert(arena_.end(), key.begin(), key.end());
    ++size_;
    return {id, true};
  }

 private:
  static constexpr size_t kMinCapacity = 16;
  struct Slot {
    uint64_t hash = 0;
    uint64_t off = 0;  // of the key in arena_
    uint32_t id = 0;
    uint32_t len1 = 0;  // the key's length + 1; 0: empty
  };

  std::string_view KeyAt(const Slot& s) const {
    return std::string_view(arena_.data() + s.off, s.len1 - 1);
  }
  Entry EntryAt(size_t i) const { return Entry{KeyAt(slots_[i]), slots_[i].id}; }

  // The slot holding `key`, else the empty slot where it would go (linear probing; the
  // multiplication spreads hashes whose low bits agree).
  size_t Probe(std::string_view key, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(h);; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.len1 == 0) return i;
      if (s.hash == h && KeyAt(s) == key) return i;
    }
  }
  size_t Home(uint64_t h) const {
    return static_cast<size_t>((h * 0x9E3779B97F4A7C15ull) >> (64 - shift_bits_));
  }

  void Rehash(size_t cap) {
    std::vector<Slot> old(cap);
    old.swap(slots_);
    shift_bits_ = static_cast<unsigned>(__builtin_ctzll(cap));
    const size_t mask = cap - 1;
    for (const Slot& s : old) {
      if (s.len1 == 0) continue;
      size_t i = Home(s.hash);
      while (slots_[i].len1 != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<char> arena_;
  size_t size_ = 0;
  unsigned shift_bits_ = 0;
};

}  // namespace cordon
