#include "cordon/network/dismantle_search.h"

#include <algorithm>

#include "cordon/util/progress.h"

namespace cordon::network {
namespace {

// splitmix64: small, fast and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

class Search {
 public:
  Search(const CsrGraph& g, std::span<const int32_t> removed, int64_t target_size, uint64_t seed)
      : g_(g), k_(target_size), rng_(seed) {
    const size_t n = static_cast<size_t>(g.num_nodes());
    removed_.assign(n, 0);
    spos_.assign(n, -1);
    for (int32_t v : removed) {
      if (removed_[v]) continue;
      removed_[v] = 1;
      spos_[v] = static_cast<int32_t>(slist_.size());
      slist_.push_back(v);
    }
    comp_.assign(n, -1);
    region_mark_.assign(n, 0);
    cand_mark_.assign(n, 0);
    piece_mark_.assign(n, 0);
    eval_mark_.assign(n, 0);
    Relabel();
  }

  bool Round(int32_t max_region) {
    ++work_;  // every round counts, so the budget always ends the search
    if (slist_.empty()) return false;
    const uint64_t round = ++round_;
    const int32_t center = slist_[rng_.Below(slist_.size())];
    const size_t want = 1 + rng_.Below(static_cast<uint64_t>(std::max(max_region, 1)));

    // 1. The region: present nodes nearest the centre, breadth first.
    region_.clear();
    queue_.clear();
    queue_.push_back(center);
    region_mark_[center] = round;
    for (size_t h = 0; h < queue_.size() && region_.size() < want; ++h) {
      for (int32_t w : g_.Neighbors(queue_[h])) {
        ++work_;
        if (region_mark_[w] == round) continue;
        region_mark_[w] = round;
        queue_.push_back(w);
        if (!removed_[w]) {
          region_.push_back(w);
          if (region_.size() == want) break;
        }
      }
    }
    if (region_.empty()) return false;
    const size_t atoms_before = parent_.size();

    // 2. Take the region out.
    for (int32_t r : region_) {
      SetRemoved(r, 1);
      SetComp(r, -1);
    }

    // 3. Split the components the region touched into pieces, and collect the candidates:
    // the region and every removed node next to the region or to a piece. Other removed nodes
    // see unchanged components and still cannot go back.
    cands_.clear();
    for (int32_t r : region_) AddCandidate(r, round);
    for (int32_t r : region_) {
      for (int32_t w : g_.Neighbors(r)) {
        ++work_;
        if (removed_[w]) {
          AddCandidate(w, round);
        } else if (piece_mark_[w] != round) {
          Piece(w, round);
        }
      }
    }

    // 4. Put candidates back greedily while every component stays within the target.
    heap_.clear();
    for (int32_t v : cands_) {
      // Ties: region nodes (not in the set before) first, then a random order, for variety.
      const int32_t tie =
          static_cast<int32_t>(rng_.Below(1 << 29)) + (spos_[v] < 0 ? (1 << 29) : 0);
      tie_[v] = tie;
      const Key key = Evaluate(v);
      if (key.size <= k_) heap_.push_back(key);
    }
    std::make_heap(heap_.begin(), heap_.end());
    int64_t back = 0;
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end());
      const Key top = heap_.back();
      heap_.pop_back();
      const Key now = Evaluate(top.v);
      if (now.size != top.size || now.parts != top.parts) {
        heap_.push_back(now);
        std::push_heap(heap_.begin(), heap_.end());
        continue;
      }
      if (now.size > k_) break;
      Insert(top.v);
      ++back;
    }

    // 5. Keep the round if the set did not grow.
    const int64_t delta = static_cast<int64_t>(region_.size()) - back;
    if (delta > 0) {
      Undo(atoms_before);
      return false;
    }
    for (int32_t v : cands_) {
      if (!removed_[v] && spos_[v] >= 0) DropFromSet(v);
    }
    for (int32_t r : region_) {
      if (removed_[r] && spos_[r] < 0) {
        spos_[r] = static_cast<int32_t>(slist_.size());
        slist_.push_back(r);
      }
    }
    ClearLogs();
    if (parent_.size() > 4 * static_cast<size_t>(g_.num_nodes()) + 1024) Relabel();
    last_improved_ = delta < 0;
    return true;
  }

  bool last_improved() const { return last_improved_; }
  int64_t work() const { return work_; }
  int64_t set_size() const { return static_cast<int64_t>(slist_.size()); }
  const std::vector<int32_t>& set() const { return slist_; }

 private:
  struct Key {
    int64_t size;
    int32_t parts;
    int32_t tie;
    int32_t v;
    bool operator<(const Key& o) const {  // "less" means "put back later"
      if (size != o.size) return size > o.size;
      if (parts != o.parts) return parts > o.parts;
      return tie < o.tie;
    }
  };

  int32_t Find(int32_t a) const {
    while (parent_[a] != a) a = parent_[a];
    return a;
  }

  int32_t NewAtom(int64_t size) {
    parent_.push_back(static_cast<int32_t>(parent_.size()));
    size_.push_back(size);
    if (eval_mark_.size() < parent_.size()) eval_mark_.resize(2 * parent_.size(), 0);
    return parent_.back();
  }

  void Union(int32_t a, int32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    atom_log_.push_back({b, parent_[b], size_[b]});
    atom_log_.push_back({a, parent_[a], size_[a]});
    parent_[b] = a;
    size_[a] += size_[b];
  }

  void SetRemoved(int32_t v, char value) {
    removed_log_.push_back(v);
    removed_[v] = value;
  }

  void SetComp(int32_t v, int32_t atom) {
    comp_log_.push_back({v, comp_[v]});
    comp_[v] = atom;
  }

  void AddCandidate(int32_t v, uint64_t round) {
    if (cand_mark_[v] == round) return;
    cand_mark_[v] = round;
    cands_.push_back(v);
  }

  // Labels the piece of present nodes around `start` as a new atom.
  void Piece(int32_t start, uint64_t round) {
    const int32_t atom = NewAtom(0);
    queue_.clear();
    queue_.push_back(start);
    piece_mark_[start] = round;
    for (size_t h = 0; h < queue_.size(); ++h) {
      const int32_t u = queue_[h];
      SetComp(u, atom);
      ++size_[atom];
      for (int32_t y : g_.Neighbors(u)) {
        ++work_;
        if (removed_[y]) {
          AddCandidate(y, round);
        } else if (piece_mark_[y] != round) {
          piece_mark_[y] = round;
          queue_.push_back(y);
        }
      }
    }
  }

  Key Evaluate(int32_t v) {
    Key k{1, 0, tie_[v], v};
    const uint64_t stamp = ++eval_stamp_;
    for (int32_t w : g_.Neighbors(v)) {
      ++work_;
      if (removed_[w]) continue;
      const int32_t r = Find(comp_[w]);
      if (eval_mark_[r] == stamp) continue;
      eval_mark_[r] = stamp;
      k.size += size_[r];
      ++k.parts;
      // Costs only grow during a round, so past the target the exact value no longer matters.
      if (k.size > k_) return Key{k_ + 1, 0, k.tie, v};
    }
    return k;
  }

  void Insert(int32_t v) {
    SetRemoved(v, 0);
    const int32_t atom = NewAtom(1);
    SetComp(v, atom);
    for (int32_t w : g_.Neighbors(v)) {
      ++work_;
      if (!removed_[w]) Union(atom, comp_[w]);
    }
  }

  void Undo(size_t atoms_before) {
    for (auto it = atom_log_.rbegin(); it != atom_log_.rend(); ++it) {
      parent_[it->atom] = it->parent;
      size_[it->atom] = it->size;
    }
    for (auto it = comp_log_.rbegin(); it != comp_log_.rend(); ++it) comp_[it->v] = it->atom;
    // Every change in a round flips a node, so undoing flips it back.
    for (auto it = removed_log_.rbegin(); it != removed_log_.rend(); ++it) {
      removed_[*it] = static_cast<char>(!removed_[*it]);
    }
    parent_.resize(atoms_before);
    size_.resize(atoms_before);
    ClearLogs();
  }

  void ClearLogs() {
    atom_log_.clear();
    comp_log_.clear();
    removed_log_.clear();
  }

  void DropFromSet(int32_t v) {
    const int32_t p = spos_[v];
    const int32_t last = slist_.back();
    slist_[p] = last;
    spos_[last] = p;
    slist_.pop_back();
    spos_[v] = -1;
  }

  // Fresh atoms: one per component of the present graph.
  void Relabel() {
    parent_.clear();
    size_.clear();
    std::fill(comp_.begin(), comp_.end(), -1);
    for (int32_t s = 0; s < g_.num_nodes(); ++s) {
      if (removed_[s] || comp_[s] >= 0) continue;
      const int32_t atom = NewAtom(0);
      queue_.clear();
      queue_.push_back(s);
      comp_[s] = atom;
      for (size_t h = 0; h < queue_.size(); ++h) {
        ++size_[atom];
        for (int32_t y : g_.Neighbors(queue_[h])) {
          ++work_;
          if (removed_[y] || comp_[y] >= 0) continue;
          comp_[y] = atom;
          queue_.push_back(y);
        }
      }
    }
    tie_.assign(static_cast<size_t>(g_.num_nodes()), 0);
  }

  struct AtomLog {
    int32_t atom;
    int32_t parent;
    int64_t size;
  };
  struct CompLog {
    int32_t v;
    int32_t atom;
  };

  const CsrGraph& g_;
  const int64_t k_;
  Random rng_;
  std::vector<char> removed_;
  std::vector<int32_t> slist_, spos_;  // the removed set, and each node's place in it
  std::vector<int32_t> comp_;          // atom of each present node
  std::vector<int32_t> parent_;        // atoms: union-find without path compression (undoable)
  std::vector<int64_t> size_;
  std::vector<int32_t> tie_;
  std::vector<uint64_t> region_mark_, cand_mark_, piece_mark_, eval_mark_;
  uint64_t round_ = 0, eval_stamp_ = 0;
  std::vector<int32_t> region_, queue_, cands_;
  std::vector<Key> heap_;
  std::vector<AtomLog> atom_log_;
  std::vector<CompLog> comp_log_;
  std::vector<int32_t> removed_log_;
  int64_t work_ = 0;
  bool last_improved_ = false;
};

}  // namespace

std::vector<int32_t> SearchRemovalSet(const CsrGraph& g, std::span<const int32_t> removed,
                                      int64_t target_size, const DismantleSearchOptions& options,
                                      DismantleSearchStats* stats) {
  Search search(g, removed, target_size, options.seed);
  DismantleSearchStats s;
  int64_t stale = 0;
  // Rounds are small; the patience rule may end the search well before the budget.
  ProgressStep step(options.progress, "dismantle: search", options.max_work, "work", 64);
  while (search.work() < options.max_work && (options.patience <= 0 || stale < options.patience)) {
    step.Set(search.work());
    ++s.rounds;
    if (search.Round(options.max_region)) {
      ++s.accepted;
      if (search.last_improved()) {
        ++s.improved;
        stale = 0;
        continue;
      }
    }
    ++stale;
  }
  s.work = search.work();
  if (stats != nullptr) *stats = s;
  return search.set();
}

}  // namespace cordon::network
