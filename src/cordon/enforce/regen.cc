#include "cordon/enforce/regen.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cordon/content/pdq.h"
#include "cordon/enforce/names.h"
#include "cordon/enforce/regen_index.h"
#include "cordon/enforce/regen_weights.h"
#include "cordon/model/links.h"
#include "cordon/store/store.h"
#include "cordon/util/byte_codec.h"
#include "cordon/util/flat_map.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::enforce {

const std::array<const char*, kRegenFeatures> kRegenFeatureNames = {
    "name_dice",      "name_edit",      "name_loose",    "avatar",        "admins",
    "content",        "content_cover",  "content_best",  "members",       "members_jaccard",
    "members_best",   "advert_related", "advertised",    "claimed",       "delay_log_hours",
    "same_kind",      "name_exact",     "name_best",     "members_cover", "recent_best",
    "is_user",        "is_bot",         "recent_margin", "jaccard_best",  "members_share",
    "admins_content",
};

namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr TimeMs kMinTime = std::numeric_limits<TimeMs>::min();

// Caps on per-entity lists: generous, so that the order of events inside one millisecond only
// matters for entities far beyond anything seen in practice.
constexpr size_t kMaxAdmins = 256;
constexpr size_t kMaxAdministers = 8192;
constexpr size_t kMaxMembers = 200000;
constexpr size_t kMaxJoined = 1024;
constexpr size_t kMaxNeighbours = 256;
constexpr size_t kMaxAdvertisers = 128;
constexpr size_t kMaxPosted = 256;
constexpr size_t kMaxPosters = 512;
constexpr size_t kMaxLineage = 32;
constexpr size_t kMaxMemberScan = 400;
// Retrieval: postings longer than this carry no information about one name.
constexpr size_t kMaxPostings = 20000;
constexpr size_t kNameCandidates = 24;
// A retrieval counts a list as a bitmap when it holds this many postings a word of slots (64) in
// the window or more: a bitmap word costs a few operations a plane, a posting a dependent load.
constexpr size_t kDenseWords = 3;
// Candidates an admin (or creator) shared with the entity brings alone: the most recently taken
// down. An admin who ran hundreds of bots or chats gives each a weak tie (its nats, ln(N / k),
// fall as k grows), and the delay's prior favours the latest; the others still come in through
// any other signal (name, avatar, content, advert, members).
constexpr size_t kAdminCandidates = 32;
// An avatar within this distance of the parent's is listed in the evidence.
constexpr int kAvatarRadius = 48;
// A near-copy of an avatar for the strong-evidence rule: PDQ's usual match threshold.
constexpr int kNearCopy = kPdqMatchDistance;
constexpr double kAvatarCapNats = 13.815510557964274;  // ln 1e6
constexpr size_t kMinTextFingerprint = 16;
constexpr size_t kMaxLinkCache = 1 << 16;
// Audience evidence (docs/enforcement.md, "Audience evidence (accounts)"): an uninformed
// probability, as likely as not, that a taken-down account comes back at all. The chance that its
// new account rejoins each of its old groups is learnt from the accounts detected without this
// evidence (Laplace's rule: 1/2 before any). Delays are scale-free from an hour (the resolution of
// "at once") to the window.
constexpr double kAudienceComesBack = 0.5;
constexpr double kAudienceDelayFloorHours = 1.0;
// The delay's density is also learnt from the accounts detected without the audience evidence:
// a histogram of log(floor + delay) over this many equal bins, with one pseudo-count each (so
// scale-free before any).
constexpr size_t kDelayBins = 8;
// Posting-rate continuity: a candidate's rate has the Jeffreys prior's shape (1/2) and one hour
// of prior exposure, so that an account seen for no time predicts nothing.
constexpr double kRateShape = 0.5;
constexpr double kRateExposureHours = 1.0;

enum class Class : uint8_t { kUnknown, kChat, kUser, kBot };

Class ClassOf(EntityKind k) {
  switch (k) {
    case EntityKind::kChannel:
    case EntityKind::kGroup:
      return Class::kChat;
    case EntityKind::kUser:
      return Class::kUser;
    case EntityKind::kBot:
      return Class::kBot;
    case EntityKind::kUnknown:
      return Class::kUnknown;
  }
  return Class::kUnknown;
}

// A content fingerprint's key: XXH3 (64 bits) of the text or digest, seeded by what it is (a
// text and a digest of the same bytes hash apart). XXH3's output is fixed by its specification:
// the saved state keeps these keys. (FNV-1a, before, took a multiply per byte: a fifth of the
// detector's time on an ingest.)
enum class FingerprintOf : uint64_t { kText = 0x74, kSha256 = 0x73, kMd5 = 0x6d };
uint64_t ContentHash(FingerprintOf what, std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), static_cast<uint64_t>(what));
}

// Whether x is among p[0, n): for the lists scanned on every message (a chat's neighbours, an
// account's chats), which run to hundreds; 16 ids compared at a time where SSE2 is.
bool FindId(const uint32_t* p, size_t n, uint32_t x) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi32(static_cast<int>(x));
  for (; i + 16 <= n; i += 16) {
    const auto* q = reinterpret_cast<const __m128i*>(p + i);
    const __m128i a = _mm_cmpeq_epi32(_mm_loadu_si128(q), needle);
    const __m128i b = _mm_cmpeq_epi32(_mm_loadu_si128(q + 1), needle);
    const __m128i c = _mm_cmpeq_epi32(_mm_loadu_si128(q + 2), needle);
    const __m128i d = _mm_cmpeq_epi32(_mm_loadu_si128(q + 3), needle);
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0) return true;
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == x) return true;
  }
  return false;
}

// The last element first: the usual hit when one entity acts again on the same other (a chat's
// member posting again, the same chat reposting).
template <typename List, typename V>
bool Contains(const List& v, V x) {
  if (v.empty()) return false;
  if (v.back() == x) return true;
  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*v.begin())>, uint32_t>) {
    return FindId(&*v.begin(), v.size() - 1, x);
  } else {
    return std::find(v.begin(), v.end() - 1, x) != v.end() - 1;
  }
}

template <typename V>
bool AddUnique(std::vector<V>& v, V x, size_t cap) {
  if (v.size() >= cap || Contains(v, x)) return false;
  v.push_back(x);
  return true;
}

// The name without its version markers: tokens that hold a digit and at most two other
// letters ("v2", "No3", "2", "x10") number successive accounts, and NameKey keeps their
// letters. Tokens are split at spaces, underscores, hyphens and dots. Empty when nothing was
// dropped or nothing would remain.
std::string WithoutVersionTokens(std::string_view raw) {
  std::string out;
  bool dropped = false, kept = false;
  size_t i = 0;
  auto sep = [](char c) { return c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t'; };
  while (i < raw.size()) {
    while (i < raw.size() && sep(raw[i])) ++i;
    size_t j = i;
    while (j < raw.size() && !sep(raw[j])) ++j;
    if (j == i) break;
    const std::string_view tok = raw.substr(i, j - i);
    int digits = 0, letters = 0;
    for (char c : tok) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u >= '0' && u <= '9') {
        ++digits;
      } else if (std::isalpha(u) || u >= 0x80) {
        ++letters;
      }
    }
    if (digits > 0 && letters <= 2) {
      dropped = true;
    } else {
      if (!out.empty()) out += ' ';
      out += tok;
      kept = true;
    }
    i = j;
  }
  return dropped && kept ? out : std::string();
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// f(n + offset) of a count n, each value computed once (by the library, at run time) for the
// small n and kept: the features and the audience evidence take std::log1p and std::lgamma of
// counts for every pair scored. The very same doubles as calling f each time.
class CountMemo {
 public:
  CountMemo(double (*f)(double), double offset) : f_(f), offset_(offset) {}
  double operator()(uint64_t n) {
    if (n < values_.size() && !std::isnan(values_[n])) return values_[n];
    return Compute(n);
  }

 private:
  [[gnu::noinline]] double Compute(uint64_t n) {
    const double v = f_(static_cast<double>(n) + offset_);
    if (n >= kSize) return v;
    if (values_.empty()) values_.assign(kSize, std::numeric_limits<double>::quiet_NaN());
    values_[n] = v;
    return v;
  }

  static constexpr size_t kSize = 1024;
  double (*f_)(double);
  double offset_;
  std::vector<double> values_;
};

// ln P(distance <= d) for two independent uniform 256-bit hashes: how unlikely a near-copy of
// an avatar is by chance (d = 31 is about exp(-110)).
double LogChanceWithin(int d) {
  static const std::array<double, 257> table = [] {
    std::array<double, 257> t{};
    double acc = -std::numeric_limits<double>::infinity();
    for (int k = 0; k <= 256; ++k) {
      const double lc = std::lgamma(257.0) - std::lgamma(k + 1.0) - std::lgamma(257.0 - k);
      const double hi = std::max(acc, lc);
      acc = hi + std::log(std::exp(acc - hi) + std::exp(lc - hi));
      t[static_cast<size_t>(k)] = acc - 256.0 * std::log(2.0);
    }
    return t;
  }();
  return table[static_cast<size_t>(std::clamp(d, 0, 256))];
}

// Nats of "one in `n` of `population`": ln(population / n), at least 0.
double NatsOneIn(double n, double population) {
  return std::max(0.0, std::log(std::max(1.0, population) / std::max(1.0, n)));
}

std::string NatsText(double nats) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f nats", nats);
  return buf;
}

double Round4(double v) { return std::round(v * 10000.0) / 10000.0; }

// One signal of a detection (RegenDetection::evidence).
Evidence SignalEvidence(std::string_view signal, double value, std::string detail) {
  Evidence e;
  e.signal = signal;
  e.value = value;
  e.detail = std::move(detail);
  return e;
}

struct NameForm {
  std::string key, loose;
  std::vector<uint32_t> grams, loose_grams;
  // The key's letters a-z, counted (capped at 255): for a lower bound of the edit distance.
  // Zeros after them, to two vectors of 16.
  std::array<uint8_t, 32> letters{};
};

// A lower bound of Levenshtein(a, b) from the keys' lengths and letter counts (of a-z; other
// bytes match nothing here): max(|a|, |b|) minus the letters they have in common (the bag
// distance). `a`'s counts are at most 64 (an EditPattern's keys), so the cap changes nothing.
size_t EditLowerBound(const NameForm& a, const NameForm& b) {
  size_t common = 0;
#if defined(__SSE2__)
  // The 32 minima at once, summed by the sum of absolute differences from zero.
  const auto* pa = reinterpret_cast<const __m128i*>(a.letters.data());
  const auto* pb = reinterpret_cast<const __m128i*>(b.letters.data());
  const __m128i zero = _mm_setzero_si128();
  const __m128i sums = _mm_add_epi64(
      _mm_sad_epu8(_mm_min_epu8(_mm_loadu_si128(pa), _mm_loadu_si128(pb)), zero),
      _mm_sad_epu8(_mm_min_epu8(_mm_loadu_si128(pa + 1), _mm_loadu_si128(pb + 1)), zero));
  common = static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
           static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
#else
  for (size_t c = 0; c < 26; ++c) common += std::min(a.letters[c], b.letters[c]);
#endif
  return std::max(a.key.size(), b.key.size()) - common;
}

// The name features of an (entity, candidate) pair: the best over their forms.
struct NameMatch {
  uint32_t candidate_forms = 0;  // the candidate's forms_version they were computed for
  double dice = 0, edit = 0, loose = 0, exact = 0;
  double best = -1;        // the best dice + edit + loose, -1 when either has no form
  int form = -1, cf = -1;  // the forms giving `best` (entity's, candidate's)
};

// A set of 3-grams (NGrams(key, 3): three 5-bit codes, so below 2^15) as a bitmap: the size of
// its intersection with another set in one pass over the other, without a merge.
class GramBits {
 public:
  static constexpr uint32_t kGrams = 1u << 15;
  void Assign(const std::vector<uint32_t>& grams) {
    Clear();
    for (uint32_t g : grams) {
      if (g >= kGrams) {
        exact_ = false;  // not a 3-gram set: Common is unusable
        continue;
      }
      uint64_t& w = words_[g >> 6];
      if (w == 0) touched_.push_back(g >> 6);
      w |= uint64_t{1} << (g & 63);
    }
  }
  void Clear() {
    for (uint32_t k : touched_) words_[k] = 0;
    touched_.clear();
    exact_ = true;
  }
  bool exact() const { return exact_; }
  // |A ∩ B| for the assigned set A and a sorted, deduplicated B.
  size_t Common(const std::vector<uint32_t>& b) const {
    size_t n = 0;
    for (uint32_t g : b) n += g < kGrams ? (words_[g >> 6] >> (g & 63)) & 1 : 0;
    return n;
  }

 private:
  std::vector<uint64_t> words_ = std::vector<uint64_t>(kGrams / 64, 0);
  std::vector<uint32_t> touched_;
  bool exact_ = true;
};

// Dice(a, b) (names.h) with a given as bits: the same value.
double DiceBits(const GramBits& bits, const std::vector<uint32_t>& a,
                const std::vector<uint32_t>& b) {
  if (!bits.exact()) return Dice(a, b);
  if (a.empty() && b.empty()) return 0;
  return 2.0 * static_cast<double>(bits.Common(b)) / static_cast<double>(a.size() + b.size());
}

// The taken-down entities' name 3-grams (NGrams(key, 3): three 5-bit codes, so below 2^15):
// for each gram, the postings (the entities' slots in the index, Impl::downs: sorted, each
// once) of each Class apart, and the total over the classes. Looked up by array index, no hashing;
// a name's retrieval walks only the classes that can be its candidates (ValidCandidate), each
// entity counted from its own class's lists exactly as from one list of all.
class GramIndex {
 public:
  static constexpr uint32_t kGrams = 1u << 15;
  static constexpr size_t kClasses = 4;
  static const std::vector<uint32_t>& Empty() {
    static const std::vector<uint32_t> empty;
    return empty;
  }
  const std::vector<uint32_t>& List(uint32_t g, size_t c) const {
    return g < kGrams && !lists_.empty() ? lists_[g * kClasses + c] : Empty();
  }
  // The postings of g over every class.
  uint32_t Total(uint32_t g) const { return g < kGrams && !total_.empty() ? total_[g] : 0; }
  // Adds `id` (a slot, of class c) to g's postings; false when g is no 3-gram.
  bool Post(uint32_t g, size_t c, uint32_t id) {
    if (g >= kGrams) return false;
    if (lists_.empty()) {
      lists_.resize(size_t{kGrams} * kClasses);
      total_.assign(kGrams, 0);
    }
    std::vector<uint32_t>& p = lists_[g * kClasses + c];
    if (p.empty() || p.back() < id) {  // the usual case: slots are given in increasing order
      p.push_back(id);
      if (total_[g]++ == 0) used_.push_back(g);
      return true;
    }
    auto at = std::lower_bound(p.begin(), p.end(), id);
    if (at != p.end() && *at == id) return true;
    p.insert(at, id);
    bits_.erase(g * kClasses + c);  // its bitmap holds an appended prefix of the list
    if (total_[g]++ == 0) used_.push_back(g);
    return true;
  }
  // Moves `id` from class `from`'s postings to class `to`'s, for every gram.
  void Move(uint32_t id, size_t from, size_t to) {
    for (uint32_t g : used_) {
      std::vector<uint32_t>& p = lists_[g * kClasses + from];
      auto at = std::lower_bound(p.begin(), p.end(), id);
      if (at == p.end() || *at != id) continue;
      p.erase(at);
      std::vector<uint32_t>& q = lists_[g * kClasses + to];
      q.insert(std::lower_bound(q.begin(), q.end(), id), id);
      bits_.erase(g * kClasses + from);
      bits_.erase(g * kClasses + to);
    }
  }
  void Clear() {
    for (uint32_t g : used_) {
      for (size_t c = 0; c < kClasses; ++c) lists_[g * kClasses + c].clear();
      total_[g] = 0;
    }
    used_.clear();
    bits_.clear();
  }
  // The postings of (g, c) as a bitmap by slot (bit s of word s / 64), built when first asked
  // for and extended with the postings appended since: a cache for the lists a retrieval finds
  // dense, where adding bitmaps word by word costs less than counting posting by posting.
  const std::vector<uint64_t>& Bits(uint32_t g, size_t c) const {
    const std::vector<uint32_t>& p = List(g, c);
    // Held by pointer: the addresses given out stay valid while the table grows.
    std::unique_ptr<Bitmap>& slot = bits_.try_emplace(g * kClasses + c).first->second;
    if (!slot) slot = std::make_unique<Bitmap>();
    Bitmap& b = *slot;
    if (!p.empty()) b.words.resize((p.back() >> 6) + 1, 0);
    for (; b.built < p.size(); ++b.built) {
      b.words[p[b.built] >> 6] |= uint64_t{1} << (p[b.built] & 63);
    }
    return b.words;
  }
  // The grams with postings, ascending.
  std::vector<uint32_t> Grams() const {
    std::vector<uint32_t> out;
    for (uint32_t g : used_) {
      if (total_[g] > 0) out.push_back(g);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // g's postings over every class, class after class (each class's sorted, not the whole).
  std::vector<uint32_t> Merged(uint32_t g) const {
    std::vector<uint32_t> out;
    for (size_t c = 0; c < kClasses; ++c) {
      const std::vector<uint32_t>& p = List(g, c);
      out.insert(out.end(), p.begin(), p.end());
    }
    return out;
  }

 private:
  struct Bitmap {
    std::vector<uint64_t> words;
    size_t built = 0;  // the postings set in `words`: the list's first `built`
  };
  mutable FlatMap64<std::unique_ptr<Bitmap>>
      bits_;                                  // by list (g * kClasses + c): a cache, see Bits
  std::vector<std::vector<uint32_t>> lists_;  // [gram * kClasses + class], once used
  std::vector<uint32_t> total_;               // [gram]
  std::vector<uint32_t> used_;                // the grams posted to since the last Clear
};

// Aligned to a cache line, with what every candidate's scoring and ValidCandidate read first
// in its first three lines (PrefetchCandidates loads them ahead); the rest after.
struct alignas(64) Ent {
  EntityKind kind = EntityKind::kUnknown;
  bool named = false;
  bool has_avatar = false;
  bool indexed = false;
  bool detected = false;
  bool dirty = false;
  bool name_cands_ready = false;
  uint32_t forms_version = 0;  // bumped when `forms` change
  uint32_t parent = kNone;
  int children = 0;  // detected regenerations of it
  // Activity (accounts): messages sent, and since when it was seen in a chat (its first
  // membership or message), for the posting-rate continuity of the audience evidence.
  uint32_t sent = 0;
  TimeMs active_from = kMinTime;
  std::optional<TimeMs> down;
  TimeMs birth = 0;
  std::vector<NameForm> forms;  // of the non-empty keys
  std::vector<uint32_t> admins;
  std::vector<uint32_t> members;
  std::vector<uint32_t> joined;
  PdqHash avatar;
  // Past the first three lines.
  std::string key;
  std::string name_key, user_key;    // current strict keys
  std::string name_core, user_core;  // strict keys without version markers, when they differ
  std::optional<TimeMs> created;
  TimeMs watch_until = kMinTime;
  uint32_t creator = kNone;
  std::vector<uint32_t> administers;
  std::vector<uint32_t> down_members;
  std::vector<uint32_t> neighbours;
  std::vector<uint32_t> advertisers;
  std::vector<uint64_t> posted;
  std::vector<uint32_t> name_cands;
  uint32_t down_slot = kNone;  // its place in Impl::downs while indexed
  // Raw name and username whose keys are name_key/name_core and user_key/user_core: a sighting
  // with the same raw strings needs no normalisation.
  std::string raw_name, raw_user;
  // The name features against each candidate scored while watched (they depend only on the two
  // entities' forms), released with the other lists when the watch ends.
  FlatMap64<NameMatch> name_matches;  // by candidate id
};
static_assert(offsetof(Ent, avatar) + sizeof(PdqHash) <= 192, "the hot fields fit in 3 lines");

// A fingerprint of content: how many chats posted it, when it was last posted, and the chats
// that posted it, in the order they first did. That is nearly always one chat, held in the
// fingerprint itself; a second moves them all to a list of PosterLists. So a fingerprint is 16
// bytes and its slot in the table, with the key, 32: two to a cache line, in the table the
// detector's content look-ups wait on.
constexpr uint32_t kNoPosters = kNone;
constexpr uint32_t kPosterList = uint32_t{1} << 31;  // set: the rest is a PosterLists index
struct Fingerprint {
  uint32_t count = 0;
  uint32_t posters = kNoPosters;  // the one chat's id, or kPosterList | its list
  TimeMs last = 0;
};
static_assert(sizeof(Fingerprint) == 16);

// The lists of chats of the fingerprints posted by more than one (Fingerprint::posters), with
// the indexes of released lists reused.
class PosterLists {
 public:
  // Views into the fingerprint or into a list: valid until either changes.
  std::span<const uint32_t> Of(const uint32_t& posters) const {
    if (posters == kNoPosters) return {};
    if ((posters & kPosterList) == 0) return {&posters, 1};
    return lists_[posters & ~kPosterList];
  }
  // Ids from kPosterList up cannot be told from a list; entity ids never get there (each entity
  // takes hundreds of bytes), so one would be dropped rather than misread.
  void Add(uint32_t& posters, uint32_t id) {
    if (id >= kPosterList) return;
    if (posters == kNoPosters) {
      posters = id;
      return;
    }
    if ((posters & kPosterList) == 0) {
      uint32_t i;
      if (free_.empty()) {
        i = static_cast<uint32_t>(lists_.size());
        lists_.emplace_back();
      } else {
        i = free_.back();
        free_.pop_back();
      }
      lists_[i].reserve(4);
      lists_[i].push_back(posters);
      posters = kPosterList | i;
    }
    lists_[posters & ~kPosterList].push_back(id);
  }
  void Release(uint32_t& posters) {
    if (posters != kNoPosters && (posters & kPosterList) != 0) {
      const uint32_t i = posters & ~kPosterList;
      std::vector<uint32_t>().swap(lists_[i]);  // memory follows the live fingerprints
      free_.push_back(i);
    }
    posters = kNoPosters;
  }

 private:
  std::vector<std::vector<uint32_t>> lists_;
  std::vector<uint32_t> free_;
};

}  // namespace

struct RegenDetector::Impl {
  RegenOptions opt;
  std::unique_ptr<NameNormalizer> norm;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  StringIds ids;                      // entity key -> id (index in ents)
  std::vector<uint32_t> watched;      // entities whose watch began, for releasing their lists
  std::vector<uint32_t> hit_count;    // scratch for name retrieval, by slot (downs)
  std::vector<uint32_t> hit_touched;  // the same: the slots with a count, first n_touched of it
  std::vector<double> score_of;       // scratch for name retrieval, by slot
  std::vector<uint32_t> scored;
  std::vector<std::span<const uint32_t>> lists;     // scratch for name retrieval: sparse lists
  std::vector<const std::vector<uint64_t>*> dense;  // and dense ones' bitmaps
  std::vector<uint64_t> planes;                     // and the bit-sliced counts
  std::vector<std::pair<double, uint32_t>> ranked_scratch;
  std::vector<double> rank_scores;  // the same
  std::vector<uint32_t> cand_mark;  // scratch for Candidates: the stamp of the last evaluation
  uint32_t cand_stamp = 0;          // that listed the entity
  std::vector<uint32_t> cands_scratch, x_roots_scratch, x_member_roots_scratch;  // for Evaluate
  std::vector<uint32_t> admin_cands_scratch;                                     // for Candidates
  struct RootsMemo {
    uint64_t epoch = ~uint64_t{0};
    bool used = false;  // listed in memo_touched
    bool chat = false;
    size_t n = 0;
    std::vector<uint32_t> roots;
    // The same for AdminRoots (admins only grow too).
    uint64_t admin_epoch = ~uint64_t{0};
    size_t admin_n = 0;
    std::vector<uint32_t> admin_roots;
  };
  std::vector<RootsMemo> member_roots_memo;  // by entity id; memo_touched lists the used ones
  std::vector<uint32_t> memo_touched;
  uint64_t lineage_epoch = 0;  // detections so far: lineages change only with them
  // The last entities detected, in order: those of the epochs [lineage_epoch - size,
  // lineage_epoch) (RootsStill; emptied by Sweep, with the memos).
  std::vector<uint32_t> detected_log;
  // By entity id, a bit: detected (by this detector since it was created or restored).
  std::vector<uint64_t> detected_bits;
  struct ContentAcc {
    int matches = 0;
    double s = 0;
    double rarest = 0;  // the nats of the rarest item matched (Strength)
  };
  std::vector<uint32_t> admin_ancestors;  // for Score, set in Evaluate
  std::vector<int> sharing_scratch;       // for members_share in Evaluate, by entity id
  std::vector<uint32_t> sharing_touched;
  std::vector<uint64_t> message_fps;                    // scratch for OnMessage
  std::vector<std::vector<uint32_t>> advertiser_roots;  // the same
  std::vector<ContentAcc> content_acc;                  // scratch for PrepareContent, by entity id
  std::vector<uint32_t> content_touched;
  // For Names: the gram bitmaps of one entity's forms (strict, loose for each form).
  std::vector<GramBits> form_bits;
  std::vector<EditPattern> form_patterns;  // and the edit-distance masks of their keys
  uint32_t bits_owner = kNone, bits_forms = 0;
  std::vector<Ent> ents;
  // ents[id].parent for every id, dense: Root and Lineage walk it for hundreds of members an
  // evaluation, where each Ent is lines of its own.
  std::vector<uint32_t> parent_of;
  FlatMap64<Fingerprint> fps;
  PosterLists poster_lists;  // of fps' fingerprints with more than one poster
  // (last, fingerprint) each time a fingerprint's `last` was set, earliest first: Sweep pops
  // what fell behind the horizon instead of visiting every fingerprint. The events' times
  // (after the late ones are moved to the current batch) never decrease, so appending keeps
  // the order: a queue, not a heap.
  std::deque<std::pair<TimeMs, uint64_t>> fp_expiry;
  std::unordered_map<std::string, uint32_t> links;  // normalised link -> chat
  // Scratch for NormalizedLink: URL as posted -> normalised link, if it is one.
  std::unordered_map<std::string, std::optional<std::string>, KeyHash, std::equal_to<>> link_cache;
  // Indexed taken-down entities, in the order they were indexed: an entity's place here is its
  // slot, what the gram index lists (dense and small, so the retrieval's counters by slot stay
  // in cache; given in increasing order, so postings are appended).
  std::vector<uint32_t> downs;
  // By slot: the latest takedown time among the slots up to it (raised when an indexed entity is
  // taken down again). Every slot before the first whose reach is t or later went down before t,
  // so a name retrieval starts each list there (a binary search) and never walks the slots too
  // old to be candidates, which are most of a list's head.
  std::vector<TimeMs> down_reach;
  GramIndex gram_index, loose_index;
  AvatarIndex avatars;                                // taken-down entities by avatar
  std::vector<std::pair<uint32_t, int>> avatar_hits;  // scratch
  std::array<double, 4> population{};                 // named entities seen, by Class
  // Births (first names and renames) by Class, sorted by time, back to the sweep horizon: the
  // rate at which new entities appear (audience evidence's prior).
  std::array<std::vector<TimeMs>, 4> births;
  // The takedown times of the entities of each Class, sorted: each entity's under the class it had
  // when taken down and under each it had later (a superset of those down now, which is all
  // MayHaveParent needs). Not saved: rebuilt from the entities on restore.
  std::array<std::vector<TimeMs>, 4> down_times;
  // For the audience evidence of the account evaluated: (root of one of its groups, the nats
  // that sharing it adds, from the most members any group of that lineage had), sorted by root.
  std::vector<std::pair<uint32_t, double>> audience_groups;
  // The nats of a candidate's group that the account evaluated is not in, by group, computed
  // once an evaluation: valid where missing_stamp[g] == audience_stamp.
  std::vector<uint32_t> missing_stamp;
  std::vector<double> missing_nats;
  uint32_t audience_stamp = 0;
  // Accounts detected without the audience evidence, until their watch ends: then how many of
  // their parent's groups still up they had joined counts into rejoined / rejoinable.
  std::vector<uint32_t> rejoin_pending;
  double rejoined = 0, rejoinable = 0;
  std::array<double, kDelayBins> delay_counts{};  // their delays, by DelayBin
  bool has_batch = false;
  bool sealed = false;  // Flush closed `batch`: an event of that millisecond now comes late
  TimeMs batch = kMinTime;
  TimeMs last_sweep = kMinTime;
  std::vector<uint32_t> dirty;
  RegenStats stats;
  std::function<void(const RegenScoredPair&)> sink;

  // ------------------------------------------------------------------ state
  uint32_t Intern(std::string_view key) { return Intern(key, StringIds::Hash(key)); }
  uint32_t Intern(std::string_view key, uint64_t hash) {
    const auto [id, fresh] = ids.emplace(key, static_cast<uint32_t>(ents.size()), hash);
    if (!fresh) return id;
    Ent& e = ents.emplace_back();
    parent_of.push_back(kNone);
    e.key = std::string(key);
    e.kind = KindFromKey(key);
    ++stats.entities;
    return id;
  }

  bool Watched(const Ent& e, TimeMs t) const {
    return e.named && (!e.detected || opt.score_detected) && !e.down && t <= e.watch_until;
  }

  void Dirty(uint32_t id) {
    Ent& e = ents[id];
    if (e.dirty || !Watched(e, batch)) return;
    e.dirty = true;
    dirty.push_back(id);
  }

  // The entity and its detected ancestors, nearest first (at most kMaxLineage, stopping at a
  // repeat), in place: no allocation.
  struct Line {
    std::array<uint32_t, kMaxLineage> v;
    size_t n = 0;
    const uint32_t* begin() const { return v.data(); }
    const uint32_t* end() const { return v.data() + n; }
    size_t size() const { return n; }
    uint32_t operator[](size_t k) const { return v[k]; }
  };
  Line Lineage(uint32_t id) const {
    Line out;
    while (id != kNone && out.n < kMaxLineage &&
           std::find(out.begin(), out.end(), id) == out.end()) {
      out.v[out.n++] = id;
      id = parent_of[id];
    }
    return out;
  }

  uint32_t Root(uint32_t id) const {
    if (parent_of[id] == kNone) return id;  // most entities: no detected ancestor
    const Line l = Lineage(id);
    return l[l.size() - 1];
  }

  std::vector<uint32_t> AdminRoots(const Ent& e) const {
    std::vector<uint32_t> out;
    AdminRoots(e, out);
    return out;
  }
  void AdminRoots(const Ent& e, std::vector<uint32_t>& out) const {
    out.clear();
    for (uint32_t a : e.admins) AddUnique(out, Root(a), kMaxAdmins);
    std::sort(out.begin(), out.end());
  }

  NameForm Form(std::string key) const {
    NameForm f;
    f.loose = LooseKey(key);
    f.grams = NGrams(key, 3);
    f.loose_grams = NGrams(f.loose, 3);
    for (char ch : key) {
      const auto u = static_cast<unsigned char>(ch - 'a');
      if (u < 26 && f.letters[u] < 255) ++f.letters[u];
    }
    f.key = std::move(key);
    return f;
  }

  void IndexDown(uint32_t id) {
    Ent& e = ents[id];
    const TimeMs down = e.down ? *e.down : kMinTime;
    if (e.indexed) {  // taken down again: its slot and those after reach its new time
      for (size_t s = e.down_slot; s < down_reach.size() && down_reach[s] < down; ++s) {
        down_reach[s] = down;
      }
      return;
    }
    e.indexed = true;
    const auto slot = static_cast<uint32_t>(downs.size());
    e.down_slot = slot;
    downs.push_back(id);
    down_reach.push_back(down_reach.empty() ? down : std::max(down_reach.back(), down));
    // Postings are sorted by slot, each slot once (the window cut searches them, and a bitmap
    // extends over the ones appended); every gram of NGrams(key, 3) is below GramIndex::kGrams.
    const size_t c = static_cast<size_t>(ClassOf(e.kind));
    for (const NameForm& f : e.forms) {
      for (uint32_t g : f.grams) gram_index.Post(g, c, slot);
      for (uint32_t g : f.loose_grams) loose_index.Post(g, c, slot);
    }
    if (e.has_avatar) avatars.Insert(id, e.avatar);
  }

  // Drops what no longer matters: content and takedowns older than both windows, the lists of
  // entities whose watch ended. The takedown indexes are rebuilt when a quarter is stale.
  void Sweep(TimeMs now) {
    last_sweep = now;
    const TimeMs horizon = now - opt.parent_window - opt.watch;
    // Every fingerprint with last < horizon has the entry pushed when its last was set, still
    // queued (had it been popped, the fingerprint would have been erased then): the same set as
    // erasing every fingerprint older than the horizon.
    constexpr size_t kExpiryAhead = 8;  // the table's slots are far apart: loaded ahead
    while (!fp_expiry.empty() && fp_expiry.front().first < horizon) {
      if (fp_expiry.size() > kExpiryAhead) fps.Prefetch(fp_expiry[kExpiryAhead].second);
      auto it = fps.find(fp_expiry.front().second);
      if (it != fps.end() && it->second.last < horizon) {
        poster_lists.Release(it->second.posters);
        fps.erase(it);
      }
      fp_expiry.pop_front();
    }
    size_t stale = 0;
    for (uint32_t id : downs) {
      const Ent& e = ents[id];
      if (!e.down || *e.down < horizon) ++stale;
    }
    if (stale * 4 > downs.size()) {
      std::vector<uint32_t> keep;
      for (uint32_t id : downs) {
        Ent& e = ents[id];
        e.indexed = false;
        e.down_slot = kNone;
        if (e.down && *e.down >= horizon) keep.push_back(id);
      }
      downs.clear();
      down_reach.clear();
      gram_index.Clear();
      loose_index.Clear();
      avatars.Clear();
      // Slots in takedown order (ties by id), the same after every sweep, so that the
      // retrieval's window cut (down_reach) skips the most.
      std::sort(keep.begin(), keep.end(), [&](uint32_t a, uint32_t b) {
        return *ents[a].down != *ents[b].down ? *ents[a].down < *ents[b].down : a < b;
      });
      for (uint32_t id : keep) IndexDown(id);
    }
    std::erase_if(rejoin_pending, [&](uint32_t id) {
      const Ent& e = ents[id];
      if (now <= e.watch_until) return false;
      CountRejoins(e);
      return true;
    });
    std::erase_if(watched, [&](uint32_t id) {
      Ent& e = ents[id];
      if (Watched(e, now)) return false;
      e.posted.clear();
      e.posted.shrink_to_fit();
      e.name_matches = FlatMap64<NameMatch>();
      return true;
    });
    for (std::vector<TimeMs>& b : births) {
      b.erase(b.begin(), std::lower_bound(b.begin(), b.end(), horizon));
    }
    for (uint32_t id : memo_touched) member_roots_memo[id] = RootsMemo();
    memo_touched.clear();
    detected_log.clear();  // no memo is older than now
    stats.down_indexed = static_cast<int64_t>(downs.size());
  }

  // The delay's log-scale bin, of kDelayBins over [0, ln((window + floor) / floor)].
  // ln((window + floor) / floor), of the options alone: computed once (Create).
  double delay_span = 0;
  // std::log1p(n), std::lgamma(n + 0.5) and std::lgamma(n + 1) of counts.
  CountMemo log1p_count{[](double v) { return std::log1p(v); }, 0.0};
  CountMemo lgamma_half{[](double v) { return std::lgamma(v); }, 0.5};
  CountMemo lgamma_one{[](double v) { return std::lgamma(v); }, 1.0};
  static double DelaySpan(const RegenOptions& o) {
    const double window_hours = static_cast<double>(o.parent_window) / kHourMs;
    return std::log((window_hours + kAudienceDelayFloorHours) / kAudienceDelayFloorHours);
  }
  size_t DelayBin(double hours) const {
    const double u = std::log((hours + kAudienceDelayFloorHours) / kAudienceDelayFloorHours);
    const double b = std::floor(u / delay_span * static_cast<double>(kDelayBins));
    return static_cast<size_t>(std::clamp(b, 0.0, static_cast<double>(kDelayBins - 1)));
  }
  // The density (per hour) of a comeback's delay: uniform in log(floor + delay) within each bin,
  // the bins weighted by the delays learnt (plus one each).
  double DelayDensity(double hours) const {
    double total = 0;
    for (double c : delay_counts) total += c + 1;
    const double share = (delay_counts[DelayBin(hours)] + 1) / total;
    const double per_log = share / (delay_span / static_cast<double>(kDelayBins));
    return per_log / (hours + kAudienceDelayFloorHours);
  }

  // An account detected without the audience evidence, at the end of its watch: its parent's
  // groups still up, and how many of them it joined (as lineage roots).
  void CountRejoins(const Ent& x) {
    if (x.parent == kNone) return;
    std::vector<uint32_t> xr, pr;
    MemberRoots(x, xr);
    MemberRoots(ents[x.parent], pr);
    for (uint32_t g : pr) {
      const Ent& ge = ents[g];
      if (ge.down && ge.children == 0) continue;  // gone: nothing to rejoin
      rejoinable += 1;
      if (std::binary_search(xr.begin(), xr.end(), g)) rejoined += 1;
    }
  }

  // ------------------------------------------------------------------ events
  void OnEntity(const EntityEvent& ev, TimeMs t) {
    if (!ev.name && !ev.username) return;  // what the store keeps of entities: named sightings
    const uint32_t id = Intern(ev.key);
    if (ev.kind != EntityKind::kUnknown) {
      const Class before = ClassOf(ents[id].kind), after = ClassOf(ev.kind);
      ents[id].kind = ev.kind;
      if (ents[id].down && before != after) AddDownTime(after, *ents[id].down);
      if (ents[id].indexed && before != after) {
        // Its postings follow its class (rare: a kind learnt after the takedown).
        const uint32_t slot = ents[id].down_slot;
        gram_index.Move(slot, static_cast<size_t>(before), static_cast<size_t>(after));
        loose_index.Move(slot, static_cast<size_t>(before), static_cast<size_t>(after));
      }
    }
    if (!ents[id].created && ev.created) ents[id].created = ev.created;
    if (ev.creator && !ev.creator->empty() && ents[id].creator == kNone &&
        ev.creator->front() != '@') {
      const uint32_t c = Intern(*ev.creator);
      Ent& e = ents[id];
      e.creator = c;
      AddUnique(e.admins, c, kMaxAdmins);
      AddUnique(ents[c].administers, id, kMaxAdministers);
      Dirty(c);
    }
    if (ev.avatar_pdq) {
      auto h = PdqHash::FromHex(*ev.avatar_pdq);
      if (h.ok()) {
        ents[id].avatar = *h;
        ents[id].has_avatar = true;
      }
    }
    Ent& e = ents[id];
    auto core = [&](const std::string& raw) {
      const std::string stripped = WithoutVersionTokens(raw);
      return stripped.empty() ? std::string() : norm->Key(stripped);
    };
    // The keys of the raw strings last stored are known (the keys of "" are "").
    const bool new_name = ev.name && *ev.name != e.raw_name;
    const bool new_user = ev.username && *ev.username != e.raw_user;
    std::string name_key = new_name ? norm->Key(*ev.name) : e.name_key;
    std::string user_key = new_user ? norm->Key(*ev.username) : e.user_key;
    std::string name_core = new_name ? core(*ev.name) : e.name_core;
    std::string user_core = new_user ? core(*ev.username) : e.user_core;
    if (ev.username && !ev.username->empty() && PlatformOfKey(ev.key) == Platform::kTelegram) {
      std::string u = "t.me/";
      for (char c : *ev.username)
        u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      links[u] = id;
    }
    const bool changed = !e.named || name_key != e.name_key || user_key != e.user_key;
    if (!changed) return;
    if (!e.named) {
      e.birth = e.created ? std::min(*e.created, t) : t;
    } else {
      e.birth = t;  // a rename: compared with what was down before it
    }
    if (!Watched(e, t)) watched.push_back(id);
    if (!e.named) population[static_cast<size_t>(ClassOf(e.kind))] += 1;
    {
      std::vector<TimeMs>& b = births[static_cast<size_t>(ClassOf(e.kind))];
      b.insert(std::upper_bound(b.begin(), b.end(), e.birth), e.birth);
    }
    e.named = true;
    e.watch_until = t + opt.watch;
    e.name_key = std::move(name_key);
    e.user_key = std::move(user_key);
    if (new_name) e.raw_name = *ev.name;
    if (new_user) e.raw_user = *ev.username;
    ++e.forms_version;
    e.name_matches.clear();
    e.forms.clear();
    if (!e.name_key.empty()) e.forms.push_back(Form(e.name_key));
    if (!e.user_key.empty() && e.user_key != e.name_key) e.forms.push_back(Form(e.user_key));
    e.name_core = std::move(name_core);
    e.user_core = std::move(user_core);
    for (const std::string* k : {&e.name_core, &e.user_core}) {
      if (k->size() < 4) continue;
      bool dup = false;
      for (const NameForm& f : e.forms) dup |= f.key == *k;
      if (!dup) e.forms.push_back(Form(*k));
    }
    e.name_cands_ready = false;
    Dirty(id);
  }

  void OnMember(const MemberEvent& m) {
    if (m.chat.empty() || m.user.empty() || m.user.front() == '@') return;
    const uint32_t c = Intern(m.chat);
    const uint32_t u = Intern(m.user);
    switch (m.action) {
      case MemberAction::kCreator:
      case MemberAction::kAdmin:
        if (m.action == MemberAction::kCreator && ents[c].creator == kNone) ents[c].creator = u;
        AddUnique(ents[c].admins, u, kMaxAdmins);
        AddUnique(ents[u].administers, c, kMaxAdministers);
        Dirty(c);
        Dirty(u);
        break;
      case MemberAction::kJoin:
        Join(c, u);
        break;
      case MemberAction::kLeave:
      case MemberAction::kBan:
        break;
    }
  }

  void Join(uint32_t c, uint32_t u) {
    if (ents[u].active_from == kMinTime) ents[u].active_from = batch;
    if (!AddUnique(ents[u].joined, c, kMaxJoined)) return;
    // A pair gets past the line above once (`joined` only grows), and only here does a chat
    // gain a member, or a down member before the member's takedown lists its `joined`: so u is
    // in neither list of c yet, and the scans of AddUnique (up to kMaxMembers) are not needed.
    if (ents[c].members.size() < kMaxMembers) ents[c].members.push_back(u);
    if (ents[u].down && ents[c].down_members.size() < kMaxMembers) {
      ents[c].down_members.push_back(u);
    }
    Dirty(u);
    Dirty(c);
  }

  void OnInvite(const InviteEvent& i) {
    if (i.chat.empty()) return;
    auto l = NormalizeLink(i.link);
    const std::string key = l ? l->normalized : i.link;
    if (links.count(key) == 0) links[key] = Intern(i.chat);
  }

  // NormalizeLink(url)->normalized, or null when it is no link: the same links are posted again
  // and again, so the answers are kept (a scratch cache, emptied when it grows large).
  const std::string* NormalizedLink(const std::string& url) {
    auto it = link_cache.find(std::string_view(url));
    if (it == link_cache.end()) {
      if (link_cache.size() >= kMaxLinkCache) link_cache.clear();
      auto l = NormalizeLink(url);
      it =
          link_cache
              .emplace(url, l ? std::optional<std::string>(std::move(l->normalized)) : std::nullopt)
              .first;
    }
    return it->second ? &*it->second : nullptr;
  }

  // The content fingerprints of a message: of its trimmed text (when long enough), then of each
  // medium's hash.
  static void Fingerprints(const MessageEvent& m, std::vector<uint64_t>& fs) {
    fs.clear();
    std::string_view text = m.text;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
      text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
      text.remove_suffix(1);
    if (text.size() >= kMinTextFingerprint) fs.push_back(ContentHash(FingerprintOf::kText, text));
    for (const Media& md : m.media) {
      if (!md.sha256.empty()) {
        fs.push_back(ContentHash(FingerprintOf::kSha256, md.sha256));
      } else if (!md.md5.empty()) {
        fs.push_back(ContentHash(FingerprintOf::kMd5, md.md5));
      }
    }
  }
  // ------------------------------------------------------------------ look-ahead
  // OnEvents applies event i while it loads what events i + 2 to i + 5 will touch: a
  // message's cost in a large stream is mostly cache misses (the fingerprint's slot, the
  // entities, their lists), each waiting on the one before. Hints only: nothing read here
  // changes what is computed.
  static constexpr size_t kAhead = 6;  // > the look-ahead distance: a ring, by event index
  // What the look-ahead learnt of one message, kept for the next steps and for OnMessage (valid
  // within one OnEvents call): the hashes of its keys (chat, sender, forward's chat), their ids.
  struct Ahead {
    const MessageEvent* message = nullptr;  // whose hashes and fingerprints these are
    const MessageEvent* found = nullptr;    // whose ids these are
    std::array<uint64_t, 3> hash{};
    std::array<uint32_t, 3> id{};  // kNone: not there
    std::vector<uint64_t> fps;
  };
  std::array<Ahead, kAhead> ahead;

  static std::array<std::string_view, 3> KeysOf(const MessageEvent& m) {
    return {m.chat, m.from, m.forward ? std::string_view(m.forward->chat) : std::string_view()};
  }
  static void PrefetchLine(const void* p) { __builtin_prefetch(p); }
  template <typename V>
  static void PrefetchBack(const std::vector<V>& v) {
    if (!v.empty()) PrefetchLine(&v.back());
  }
  // Five events ahead: the slots of the keys' ids and of the fingerprints (both computed once,
  // here).
  void PrefetchFar(const MessageEvent& m, size_t i) {
    Ahead& a = ahead[i % kAhead];
    const auto keys = KeysOf(m);
    for (size_t k = 0; k < keys.size(); ++k) {
      a.hash[k] = StringIds::Hash(keys[k]);
      if (!keys[k].empty()) ids.Prefetch(a.hash[k]);
    }
    Fingerprints(m, a.fps);
    a.message = &m;
    // Most fingerprints are new: their insertion probes past the home slot to a free one.
    for (uint64_t f : a.fps) fps.Prefetch(f, 2);
  }
  // Four ahead: the keys' bytes, which the look-up compares (the slots are loaded by now).
  void PrefetchKeys(const MessageEvent& m, size_t i) const {
    const Ahead& a = ahead[i % kAhead];
    if (a.message != &m) return;
    const auto keys = KeysOf(m);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (!keys[k].empty()) ids.PrefetchKey(a.hash[k]);
    }
  }
  // Three ahead: the entities (their first lines and the headers of the lists the message reads).
  void PrefetchNear(const MessageEvent& m, size_t i) {
    Ahead& a = ahead[i % kAhead];
    if (a.message != &m) return;  // the first events of a call
    const auto keys = KeysOf(m);
    for (size_t k = 0; k < keys.size(); ++k) {
      const uint32_t* id = keys[k].empty() ? nullptr : ids.find(keys[k], a.hash[k]);
      a.id[k] = id == nullptr ? kNone : *id;
      if (id != nullptr) PrefetchLine(&ents[*id]);
    }
    a.found = &m;
    if (a.id[0] != kNone) {
      PrefetchLine(&ents[a.id[0]].members);
      if (m.forward) PrefetchLine(&ents[a.id[0]].neighbours);
    }
    if (a.id[1] != kNone) PrefetchLine(&ents[a.id[1]].joined);
    if (a.id[2] != kNone) PrefetchLine(&ents[a.id[2]].neighbours);
  }
  // Two ahead: the ends of the lists the message appends to or scans first.
  void PrefetchLists(const MessageEvent& m, size_t i) const {
    const Ahead& a = ahead[i % kAhead];
    if (a.found != &m) return;
    if (a.id[0] != kNone) {
      PrefetchBack(ents[a.id[0]].members);
      if (m.forward) PrefetchBack(ents[a.id[0]].neighbours);
    }
    if (a.id[1] != kNone) PrefetchBack(ents[a.id[1]].joined);
    if (a.id[2] != kNone) PrefetchBack(ents[a.id[2]].neighbours);
  }
  // The look-ahead's record of this message, or null.
  const Ahead* AheadOf(const MessageEvent& m) const {
    for (const Ahead& a : ahead) {
      if (a.message == &m) return &a;
    }
    return nullptr;
  }

  void OnMessage(const MessageEvent& m, TimeMs t) {
    if (m.chat.empty()) return;
    const Ahead* a = AheadOf(m);
    // The look-ahead found most keys already (ids are never taken back): else interned here.
    const auto intern = [&](size_t k, std::string_view key) {
      if (a == nullptr) return Intern(key);
      if (a->found == &m && a->id[k] != kNone) return a->id[k];
      return Intern(key, a->hash[k]);
    };
    const uint32_t c = intern(0, m.chat);
    if (!m.from.empty() && m.from.front() != '@' && m.from != m.chat) {
      const uint32_t u = intern(1, m.from);
      if (ClassOf(ents[u].kind) != Class::kChat) {
        Join(c, u);
        ++ents[u].sent;
        // Its posting rate is audience evidence, read again each time its count of messages
        // doubles (1, 2, 4, 8, ...): an account that posts all day is evaluated a logarithmic
        // number of times, and what the rate decides comes by the time the count has doubled.
        if (opt.audience && !opt.name_only && std::has_single_bit(ents[u].sent)) Dirty(u);
      }
    }
    if (a == nullptr) Fingerprints(m, message_fps);
    const std::vector<uint64_t>& fs = a != nullptr ? a->fps : message_fps;
    const bool watched = Watched(ents[c], t);
    for (uint64_t f : fs) {
      auto [fit, fresh] = fps.try_emplace(f);
      Fingerprint& fp = fit->second;
      if (const auto posters = poster_lists.Of(fp.posters); !Contains(posters, c)) {
        ++fp.count;
        if (posters.size() < kMaxPosters) poster_lists.Add(fp.posters, c);
      }
      const TimeMs last = std::max(fp.last, t);
      if (fresh || last != fp.last) fp_expiry.emplace_back(last, f);
      fp.last = last;
      if (watched && AddUnique(ents[c].posted, f, kMaxPosted)) {
        for (uint32_t p : poster_lists.Of(fp.posters)) {
          if (p != c && ents[p].down) {
            Dirty(c);
            break;
          }
        }
      }
    }
    // Without a known link (a stream of messages alone) no URL names a chat: none normalised.
    if (!links.empty()) {
      for (const std::string& url : m.links) {
        const std::string* normalized = NormalizedLink(url);
        if (normalized == nullptr) continue;
        auto it = links.find(*normalized);
        if (it == links.end() || it->second == c) continue;
        const uint32_t target = it->second;
        AddUnique(ents[c].neighbours, target, kMaxNeighbours);
        AddUnique(ents[target].neighbours, c, kMaxNeighbours);
        if (AddUnique(ents[target].advertisers, c, kMaxAdvertisers)) Dirty(target);
      }
    }
    if (m.forward && !m.forward->chat.empty() && m.forward->chat != m.chat) {
      const uint32_t f = intern(2, m.forward->chat);
      AddUnique(ents[c].neighbours, f, kMaxNeighbours);
      AddUnique(ents[f].neighbours, c, kMaxNeighbours);
    }
  }

  void OnTakedown(const TakedownEvent& t) {
    if (t.entity.empty()) return;
    const uint32_t id = Intern(t.entity);
    Ent& e = ents[id];
    if (e.down) return;
    e.down = t.time;
    AddDownTime(ClassOf(e.kind), t.time);
    IndexDown(id);
    for (uint32_t c : e.joined) AddUnique(ents[c].down_members, id, kMaxMembers);
    stats.down_indexed = static_cast<int64_t>(downs.size());
  }

  void OnReinstate(const ReinstateEvent& r) {
    if (r.entity.empty()) return;
    const uint32_t id = Intern(r.entity);
    ents[id].down.reset();
  }

  void Apply(const Event& ev, TimeMs t) {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, EntityEvent>) {
            OnEntity(e, t);
          } else if constexpr (std::is_same_v<T, MessageEvent>) {
            OnMessage(e, t);
          } else if constexpr (std::is_same_v<T, MemberEvent>) {
            OnMember(e);
          } else if constexpr (std::is_same_v<T, InviteEvent>) {
            OnInvite(e);
          } else if constexpr (std::is_same_v<T, TakedownEvent>) {
            OnTakedown(e);
          } else if constexpr (std::is_same_v<T, ReinstateEvent>) {
            OnReinstate(e);
          }
        },
        ev);
  }

  // ------------------------------------------------------------------ evaluation
  void AddDownTime(Class c, TimeMs t) {
    std::vector<TimeMs>& v = down_times[static_cast<size_t>(c)];
    v.insert(std::upper_bound(v.begin(), v.end(), t), t);
  }
  // False when no entity taken down could be a ValidCandidate for x (none of a class it admits
  // went down within parent_window before x's birth): then no source has a candidate.
  bool MayHaveParent(const Ent& x) const {
    const Class cx = ClassOf(x.kind);
    // The earliest takedown that can be a parent (a restored birth may be the earliest time).
    const TimeMs from =
        x.birth < kMinTime + opt.parent_window ? kMinTime : x.birth - opt.parent_window;
    for (size_t c = 0; c < down_times.size(); ++c) {
      if (cx != Class::kUnknown && c != static_cast<size_t>(cx) &&
          c != static_cast<size_t>(Class::kUnknown)) {
        continue;
      }
      const std::vector<TimeMs>& v = down_times[c];
      const auto it = std::lower_bound(v.begin(), v.end(), from);
      if (it != v.end() && *it <= x.birth) return true;
    }
    return false;
  }

  bool ValidCandidate(const Ent& x, uint32_t xid, uint32_t pid) const {
    if (pid == xid) return false;
    const Ent& p = ents[pid];
    if (!p.down || *p.down > x.birth || x.birth - *p.down > opt.parent_window) return false;
    const Class cx = ClassOf(x.kind), cp = ClassOf(p.kind);
    return cx == cp || cx == Class::kUnknown || cp == Class::kUnknown;
  }

  void NameCandidates(uint32_t xid) {
    Ent& x = ents[xid];
    x.name_cands.clear();
    x.name_cands_ready = true;
    // The postings hold slots (downs): score_of[slot] > 0 for the slots in `scored`, the best
    // share of grams found.
    if (hit_count.size() < downs.size()) hit_count.resize(downs.size(), 0);
    // Distinct slots: never more than downs (one more place for the unconditional store).
    if (hit_touched.size() < downs.size() + 1) hit_touched.resize(downs.size() + 1);
    if (score_of.size() < downs.size()) score_of.resize(downs.size(), 0.0);
    scored.clear();
    // The slots before `first` went down more than parent_window before x's birth: no
    // candidates (ValidCandidate), so no list is walked or searched there.
    const TimeMs oldest =
        x.birth < kMinTime + opt.parent_window ? kMinTime : x.birth - opt.parent_window;
    const auto first = static_cast<uint32_t>(
        std::lower_bound(down_reach.begin(), down_reach.end(), oldest) - down_reach.begin());
    // Over the postings of class c only: the candidates of that class (an entity is in the
    // lists of its own class alone, so its count is the same as over all the lists).
    auto retrieve = [&](const std::vector<uint32_t>& grams, const GramIndex& index, size_t c) {
      if (grams.empty()) return;
      // An entity's hits are the postings (of at most kMaxPostings) that list it; it is kept
      // with `need` or more. Each list is counted from `first` on, one of two ways, both
      // exact: a sparse one posting by posting into hit_count, a dense one (kDenseWords
      // postings or more a word of slots) as a bitmap added into bit-sliced counters (`planes`:
      // bit p of a slot's count in planes[p], a word of 64 slots at a time), with no
      // dependence between one posting and the next.
      const double need = std::max(2.0, 0.34 * static_cast<double>(grams.size()));
      const auto k = static_cast<size_t>(std::ceil(need));
      const size_t w0 = first >> 6;
      const size_t words = (downs.size() + 63) / 64 - w0;
      lists.clear();
      dense.clear();
      for (uint32_t g : grams) {
        const std::vector<uint32_t>& p = index.List(g, c);
        if (p.empty() || index.Total(g) > kMaxPostings) continue;  // the cap is over all classes
        const uint32_t* begin = p.data();
        const uint32_t* const end = begin + p.size();
        if (first > 0) begin = std::lower_bound(begin, end, first);
        if (begin == end) continue;
        if (static_cast<size_t>(end - begin) >= kDenseWords * words) {
          dense.push_back(&index.Bits(g, c));
        } else {
          lists.emplace_back(begin, end);
        }
      }
      if (lists.size() + dense.size() < k) return;  // nobody reaches `need`
      const size_t np = static_cast<size_t>(std::bit_width(dense.size()));
      planes.assign(np * words, 0);
      const uint64_t first_mask = ~uint64_t{0} << (first & 63);  // slots before `first` drop
      for (const std::vector<uint64_t>* bits : dense) {
        const size_t n = std::min(words, bits->size() > w0 ? bits->size() - w0 : 0);
        const uint64_t* b = bits->data() + w0;
        for (size_t w = 0; w < n; ++w) {
          uint64_t carry = w == 0 ? b[w] & first_mask : b[w];
          for (size_t q = 0; q < np && carry != 0; ++q) {
            uint64_t& plane = planes[q * words + w];
            const uint64_t next = plane & carry;
            plane ^= carry;
            carry = next;
          }
        }
      }
      auto plane_count = [&](uint32_t id) {
        const size_t w = (id >> 6) - w0, bit = id & 63;
        size_t n = 0;
        for (size_t q = 0; q < np; ++q) n |= ((planes[q * words + w] >> bit) & 1) << q;
        return n;
      };
      const double size = static_cast<double>(grams.size());
      auto keep = [&](uint32_t id, size_t count) {
        const double n = static_cast<double>(count);
        if (n >= need) {
          if (score_of[id] == 0.0) scored.push_back(id);
          score_of[id] = std::max(score_of[id], n / size);
        }
      };
      // Branch-free: the id is stored in the next place, which is kept when it is new.
      uint32_t* const count = hit_count.data();
      uint32_t* const touched = hit_touched.data();
      size_t n_touched = 0;
      for (const std::span<const uint32_t> list : lists) {
        size_t n = n_touched;
        for (uint32_t id : list) {
          touched[n] = id;
          n += count[id]++ == 0 ? 1 : 0;
        }
        n_touched = n;
      }
      // The slots counted in the bitmaps alone that reach k (a bit-sliced comparison with k),
      // then those with sparse hits, with their bitmaps' counts added.
      if (dense.size() >= k) {
        for (size_t w = 0; w < words; ++w) {
          uint64_t above = 0, equal = ~uint64_t{0};
          for (size_t q = np; q-- > 0;) {
            const uint64_t plane = planes[q * words + w];
            const uint64_t kq = ((k >> q) & 1) != 0 ? ~uint64_t{0} : 0;
            above |= equal & plane & ~kq;
            equal &= ~(plane ^ kq);
          }
          for (uint64_t m = above | equal; m != 0; m &= m - 1) {
            const auto id = static_cast<uint32_t>(((w0 + w) << 6) + std::countr_zero(m));
            if (count[id] == 0) keep(id, plane_count(id));
          }
        }
      }
      for (size_t t = 0; t < n_touched; ++t) {
        const uint32_t id = touched[t];
        const size_t sparse = count[id];
        count[id] = 0;
        // Short of `need` even were it in every bitmap: its planes are not read.
        if (sparse + dense.size() < k) continue;
        keep(id, sparse + (np > 0 ? plane_count(id) : 0));
      }
    };
    // The classes ValidCandidate admits: x's and the unknown one, or all for an unknown x.
    const Class cx = ClassOf(x.kind);
    for (size_t c = 0; c < GramIndex::kClasses; ++c) {
      if (cx != Class::kUnknown && c != static_cast<size_t>(cx) &&
          c != static_cast<size_t>(Class::kUnknown)) {
        continue;
      }
      for (const NameForm& f : x.forms) {
        retrieve(f.grams, gram_index, c);
        retrieve(f.loose_grams, loose_index, c);
      }
    }
    std::vector<std::pair<double, uint32_t>>& ranked = ranked_scratch;
    ranked.clear();
    // (The entities' takedown times and kinds are far apart: loaded some ahead.)
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < scored.size(); ++i) {
      if (i + kAhead < scored.size()) {
        const Ent& ahead = ents[downs[scored[i + kAhead]]];
        __builtin_prefetch(&ahead.down);
        __builtin_prefetch(&ahead.kind);
      }
      const uint32_t slot = scored[i];
      const uint32_t id = downs[slot];
      if (ValidCandidate(x, xid, id)) ranked.emplace_back(score_of[slot], id);
      score_of[slot] = 0.0;
    }
    scored.clear();
    // The order is total (keys are unique), so the first kNameCandidates are those of a full
    // sort.
    const size_t keep = std::min(ranked.size(), kNameCandidates);
    auto before = [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return ents[a.second].key < ents[b.second].key;
    };
    if (ranked.size() > keep && keep > 0) {
      // Only the keep-th best score (`cut`) and those above it can be kept; all above it are,
      // and among the ties at it the smallest keys fill the rest. So the string compares of
      // the keys are spent only on the ties at the cut, and once each (a selection, not a
      // sort), before the few kept are sorted.
      std::vector<double>& s = rank_scores;
      s.clear();
      for (const auto& r : ranked) s.push_back(r.first);
      std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(keep - 1), s.end(),
                       std::greater<>());
      const double cut = s[keep - 1];
      std::erase_if(ranked, [cut](const auto& r) { return r.first < cut; });
      const auto ties = std::partition(ranked.begin(), ranked.end(),
                                       [cut](const auto& r) { return r.first > cut; });
      const auto above = static_cast<size_t>(ties - ranked.begin());  // < keep: cut is keep-th
      const auto fill = ties + static_cast<std::ptrdiff_t>(keep - above);
      std::nth_element(ties, fill - 1, ranked.end(), [&](const auto& a, const auto& b) {
        return ents[a.second].key < ents[b.second].key;
      });
      ranked.resize(keep);
    }
    std::sort(ranked.begin(), ranked.end(), before);
    ranked.resize(keep);
    for (const auto& r : ranked) x.name_cands.push_back(r.second);
  }

  // Into `out` (cleared first).
  void Candidates(uint32_t xid, std::vector<uint32_t>& out) {
    Ent& x = ents[xid];
    if (!x.name_cands_ready) NameCandidates(xid);
    if (cand_mark.size() < ents.size()) cand_mark.resize(ents.size(), 0);
    if (++cand_stamp == 0) {  // wrapped: forget every stamp
      std::fill(cand_mark.begin(), cand_mark.end(), 0);
      cand_stamp = 1;
    }
    out.clear();
    auto insert = [&](uint32_t p) {
      if (cand_mark[p] == cand_stamp) return;
      cand_mark[p] = cand_stamp;
      out.push_back(p);
    };
    // The name candidates are kept while x's forms stay; one may since have been reinstated
    // (or taken down again after x's birth): only those still valid are scored, as from every
    // other source. (Scoring a reinstated one read the takedown time it no longer has.)
    for (uint32_t p : x.name_cands) {
      if (ValidCandidate(x, xid, p)) insert(p);
    }
    auto add = [&](uint32_t p) {
      if (cand_mark[p] != cand_stamp && ValidCandidate(x, xid, p)) insert(p);
    };
    if (!opt.name_only) {
      if (x.has_avatar) {
        avatar_hits.clear();
        avatars.Search(x.avatar, kNearCopy, avatar_hits);
        for (const auto& [p, d] : avatar_hits) add(p);
      }
      // Chats and bots made or run by the same people (or their regenerations): the
      // kAdminCandidates latest taken down (ties: by id); the rest are unmarked, free to come
      // in through the other signals below.
      {
        std::vector<uint32_t>& by_admin = admin_cands_scratch;
        by_admin.clear();
        for (uint32_t a : x.admins) {
          for (uint32_t a2 : Lineage(a)) {
            for (uint32_t y : ents[a2].administers) {
              if (cand_mark[y] != cand_stamp && ValidCandidate(x, xid, y)) {
                cand_mark[y] = cand_stamp;
                by_admin.push_back(y);
              }
            }
          }
        }
        if (by_admin.size() > kAdminCandidates) {
          const auto later = [&](uint32_t a, uint32_t b) {
            if (*ents[a].down != *ents[b].down) return *ents[a].down > *ents[b].down;
            return a < b;
          };
          std::nth_element(by_admin.begin(),
                           by_admin.begin() + static_cast<std::ptrdiff_t>(kAdminCandidates),
                           by_admin.end(), later);
          for (size_t k = kAdminCandidates; k < by_admin.size(); ++k) cand_mark[by_admin[k]] = 0;
          by_admin.resize(kAdminCandidates);
        }
        out.insert(out.end(), by_admin.begin(), by_admin.end());
      }
      // Accounts that ran the parents of the chats this account runs.
      for (uint32_t y : x.administers) {
        const auto line = Lineage(y);
        for (size_t k = 1; k < line.size(); ++k) {
          for (uint32_t a : ents[line[k]].admins) add(a);
        }
      }
      for (uint64_t f : x.posted) {
        auto it = fps.find(f);
        if (it == fps.end()) continue;
        for (uint32_t p : poster_lists.Of(it->second.posters)) add(p);
      }
      // Chats tied to a chat that advertised the entity (forwards, links, shared admins).
      for (uint32_t s2 : x.advertisers) {
        for (uint32_t y : ents[s2].neighbours) add(y);
        for (uint32_t a : AdminRoots(ents[s2])) {
          for (uint32_t y : ents[a].administers) add(y);
        }
      }
      // Members: an account's old groups, a group's members' old groups.
      for (uint32_t y : x.joined) {
        for (uint32_t y2 : Lineage(y)) {
          for (uint32_t u : ents[y2].down_members) add(u);
        }
      }
      size_t budget = 400;
      for (uint32_t m : x.members) {
        if (budget-- == 0) break;
        for (uint32_t m2 : Lineage(m)) {
          for (uint32_t y : ents[m2].joined) add(y);
        }
      }
    }
    // By id: nothing in Evaluate depends on the candidates' order (every choice among them is
    // by value, ties broken by key), so no string comparisons here.
    std::sort(out.begin(), out.end());
  }

  // A pair's values, all scalars (reset by assignment, no allocation); Pair adds its buffer.
  struct PairValues {
    uint32_t parent = kNone;
    RegenFeatures x{};
    double score = 0;
    // Evidence details.
    int name_form = -1, name_cform = -1;  // the best-matching forms (entity's, candidate's)
    int avatar_distance = -1;
    uint32_t shared_admin = kNone;
    int content_matches = 0;
    int shared_members = 0;
    uint32_t related_advertiser = kNone;
    double name_sum = 0;
    TimeMs down = 0;
    // Strong evidence: each non-name signal's nats, how many reach kStrongNats, their sum.
    double avatar_nats = 0, admins_nats = 0, content_nats = 0, advert_nats = 0;
    int strong = 0;   // signals of kStrongNats or more
    int present = 0;  // signals of one nat or more
    double nats = 0;
    // Audience (accounts): the log-likelihood ratio of the entity's groups under "it is this
    // candidate's new account" against "an unrelated account", the prior log-odds of the pair,
    // the candidate's groups not found again, and the posterior over the open candidates.
    double audience_nats = 0, audience_prior = 0, audience = 0;
    int audience_missing = 0;
    double rate_nats = 0;   // posting-rate continuity, relative to the other candidates
    double rate_log_p = 0;  // ln P(x's messages | x posts at the candidate's rate)
    double plain = 0;       // the score without the audience evidence
  };
  struct Pair : PairValues {
    std::vector<uint32_t> shared;  // shared member (group) roots, sorted
  };
  static_assert(std::is_trivially_copyable_v<PairValues>);
  std::vector<Pair> pairs_scratch;  // for Evaluate
  std::vector<uint8_t> name_fresh;  // the same (PrefetchCandidates)

  // Named entities of a class seen so far (all of them for an unknown class).
  double Population(Class c) const {
    if (c == Class::kUnknown) return population[0] + population[1] + population[2] + population[3];
    return population[static_cast<size_t>(c)];
  }

  // Strength's count for a shared admin (of the entity evaluated: reset by Evaluate).
  uint32_t strength_admin = kNone;
  double strength_runs = 0;
  // The strong-evidence rule's inputs: how unlikely each signal is for an unrelated pair.
  void Strength(Pair& r, uint32_t xid, uint32_t pid) {
    const Ent& x = ents[xid];
    // Every named entity seen could have been the unrelated partner of the pair.
    const double pop = Population(Class::kUnknown);
    if (r.avatar_distance >= 0 && r.avatar_distance <= kNearCopy) {
      // A uniform hash is this close with probability exp(LogChanceWithin); images are not
      // uniform (stock pictures, templates), so a near-copy counts at most one in a million.
      r.avatar_nats = std::min(-LogChanceWithin(r.avatar_distance), kAvatarCapNats);
    }
    if (r.shared_admin != kNone) {
      // One in (what the shared admin runs) of the population shares it by chance; for an
      // account, one in (the admins of the chat it ran).
      // The entity itself is not counted: what the admin runs besides it.
      const Ent& a = ents[r.shared_admin];
      double runs = static_cast<double>(a.administers.size());
      if (ClassOf(x.kind) == Class::kUser && Contains(a.admins, pid)) {
        runs = static_cast<double>(a.admins.size());
      } else if (strength_admin == r.shared_admin) {
        runs = strength_runs;  // the same admin for another candidate of this evaluation
      } else {
        for (uint32_t xa : x.admins) {
          if (Root(xa) == r.shared_admin) {
            runs = std::max(runs, static_cast<double>(ents[xa].administers.size()));
          }
        }
        runs -= Contains(a.administers, xid) ? 1 : 0;
        strength_admin = r.shared_admin;
        strength_runs = runs;
      }
      r.admins_nats = NatsOneIn(runs, pop);
    }
    if (r.content_matches > 0) {
      // The rarest reposted item: one in (its other posters) of the chats; more items add the
      // log of their number (a backlog is reposted at once, so they are not independent).
      // (Of the chats, the population: PrepareContent found the rarest.)
      const double rarest = content_acc[pid].rarest;
      r.content_nats = rarest + std::log(static_cast<double>(r.content_matches));
    }
    if (r.related_advertiser != kNone) {
      // The advertising chat is tied to one in (its neighbours and its admins' chats) of the
      // population.
      const Ent& s = ents[r.related_advertiser];
      double ties = static_cast<double>(s.neighbours.size());
      for (uint32_t a : s.admins) ties += static_cast<double>(ents[a].administers.size());
      r.advert_nats = NatsOneIn(ties, pop);
    }
    for (double n : {r.avatar_nats, r.admins_nats, r.content_nats, r.advert_nats}) {
      if (n >= kStrongNats) ++r.strong;
      if (n >= 1.0) ++r.present;
      r.nats += n;
    }
  }

  // `s_roots`: AdminRoots(ents[s]).
  bool Related(uint32_t s, uint32_t p, const std::vector<uint32_t>& s_roots,
               const std::vector<uint32_t>& p_roots) const {
    const Ent& se = ents[s];
    const Ent& pe = ents[p];
    if (Contains(se.neighbours, p) || Contains(pe.neighbours, s)) return true;
    for (uint32_t a : s_roots) {
      if (std::binary_search(p_roots.begin(), p_roots.end(), a)) return true;
    }
    return false;
  }

  // Lineage roots of an entity's groups (accounts) or members (chats).
  std::vector<uint32_t> MemberRoots(const Ent& e) const {
    std::vector<uint32_t> out;
    MemberRoots(e, out);
    return out;
  }
  void MemberRoots(const Ent& e, std::vector<uint32_t>& out) const {
    const bool chat = ClassOf(e.kind) == Class::kChat;
    const std::vector<uint32_t>& v = chat ? e.members : e.joined;
    out.clear();
    const size_t n = std::min<size_t>(v.size(), kMaxMemberScan);
    out.reserve(n);
    for (size_t k = 0; k < n; ++k) out.push_back(Root(v[k]));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  // Whether `roots` (sorted), the lineage roots of some entities at `epoch`, are still theirs.
  // A detection of x changes Root(v) only for the v whose root was x (x had no parent before
  // it; past kMaxLineage the root stays), so the roots stand unless one of the entities
  // detected since is among them. When few came since, each is searched for in the roots;
  // otherwise each root is looked up in detected_bits: a root is undetected when it becomes
  // one (it has no parent) and the roots are checked at every epoch they are kept to, so a
  // detected root was detected since (save past kMaxLineage, where false only costs a
  // recomputation: a memo is a cache).
  bool RootsStill(uint64_t epoch, const std::vector<uint32_t>& roots) const {
    if (epoch == lineage_epoch) return true;
    const uint64_t logged_from = lineage_epoch - detected_log.size();
    if (epoch > lineage_epoch || epoch < logged_from) return false;  // never computed, or older
    const uint64_t since = lineage_epoch - epoch;
    if (since * 8 * static_cast<uint64_t>(std::bit_width(roots.size())) <= roots.size()) {
      for (size_t i = static_cast<size_t>(epoch - logged_from); i < detected_log.size(); ++i) {
        if (std::binary_search(roots.begin(), roots.end(), detected_log[i])) return false;
      }
      return true;
    }
    const size_t words = detected_bits.size();
    for (uint32_t r : roots) {
      if (r / 64 < words && ((detected_bits[r / 64] >> (r % 64)) & 1) != 0) return false;
    }
    return true;
  }

  RootsMemo& Memo(uint32_t pid) {
    if (member_roots_memo.size() < ents.size()) member_roots_memo.resize(ents.size());
    RootsMemo& m = member_roots_memo[pid];
    if (!m.used) {
      m.used = true;
      memo_touched.push_back(pid);
    }
    return m;
  }
  // MemberRoots of a candidate, kept until its list grows (the lists only grow; the class
  // decides which list) or a detection changes one of the roots (RootsStill). Cleared at each
  // Sweep.
  const std::vector<uint32_t>& CandidateMemberRoots(uint32_t pid) {
    const Ent& p = ents[pid];
    const bool chat = ClassOf(p.kind) == Class::kChat;
    const size_t n = (chat ? p.members : p.joined).size();
    RootsMemo& m = Memo(pid);
    if (m.chat != chat || m.n != n || !RootsStill(m.epoch, m.roots)) {
      MemberRoots(p, m.roots);
      m.chat = chat;
      m.n = n;
    }
    m.epoch = lineage_epoch;  // computed or checked up to now
    return m.roots;
  }
  // AdminRoots of a candidate, kept in the same way.
  const std::vector<uint32_t>& CandidateAdminRoots(uint32_t pid) {
    const Ent& p = ents[pid];
    RootsMemo& m = Memo(pid);
    if (m.admin_n != p.admins.size() || !RootsStill(m.admin_epoch, m.admin_roots)) {
      AdminRoots(p, m.admin_roots);
      m.admin_n = p.admins.size();
    }
    m.admin_epoch = lineage_epoch;
    return m.admin_roots;
  }

  // What Score needs of x's reposts, for every poster at once: for each fingerprint x posted (in
  // order), each of its posters gets a match and 1 / (other posters). The same sums as looking
  // every fingerprint up for every candidate.
  // Also, for Strength, the nats of the rarest of them each poster had posted.
  void PrepareContent(const Ent& x) {
    if (content_acc.size() < ents.size()) content_acc.resize(ents.size());
    const double chats = Population(Class::kUnknown);
    for (uint64_t f : x.posted) {
      auto it = fps.find(f);
      if (it == fps.end()) continue;
      const double w = 1.0 / std::max<uint32_t>(1, it->second.count - 1);
      const double nats = NatsOneIn(static_cast<double>(it->second.count) - 1, chats);
      for (uint32_t p : poster_lists.Of(it->second.posters)) {
        ContentAcc& a = content_acc[p];
        if (a.matches == 0) content_touched.push_back(p);
        ++a.matches;
        a.s += w;
        a.rarest = std::max(a.rarest, nats);
      }
    }
  }
  void ClearContent() {
    for (uint32_t p : content_touched) content_acc[p] = ContentAcc();
    content_touched.clear();
  }

  // The name features of (x, p), computed once while x is watched and its and p's forms stay.
  const NameMatch& Names(uint32_t xid, uint32_t pid) {
    Ent& x = ents[xid];
    const Ent& p = ents[pid];
    auto [it, fresh] = x.name_matches.try_emplace(pid);
    NameMatch& m = it->second;
    if (!fresh && m.candidate_forms == p.forms_version) return m;
    m = NameMatch();
    m.candidate_forms = p.forms_version;
    // x's gram sets as bitmaps, kept while the same forms are scored against many candidates.
    if (bits_owner != xid || bits_forms != x.forms_version) {
      bits_owner = xid;
      bits_forms = x.forms_version;
      if (form_bits.size() < 2 * x.forms.size()) form_bits.resize(2 * x.forms.size());
      form_patterns.clear();
      for (size_t i = 0; i < x.forms.size(); ++i) {
        form_patterns.emplace_back(x.forms[i].key);
        form_bits[2 * i].Assign(x.forms[i].grams);
        form_bits[2 * i + 1].Assign(x.forms[i].loose_grams);
      }
    }
    for (size_t i = 0; i < x.forms.size(); ++i) {
      const NameForm& a = x.forms[i];
      for (size_t j = 0; j < p.forms.size(); ++j) {
        const NameForm& b = p.forms[j];
        const double dice = DiceBits(form_bits[2 * i], a.grams, b.grams);
        const double loose = DiceBits(form_bits[2 * i + 1], a.loose_grams, b.loose_grams);
        // EditSimilarity(a.key, b.key), with a's masks built once. Not computed when even its
        // upper bound (from EditLowerBound) could change neither the best edit so far nor the
        // best sum (which only a strictly greater one replaces): the same NameMatch, since
        // 1 - d / n and the sums are monotone in d in floating point too.
        double edit = 0.0;
        if (!form_patterns[i].usable()) {
          edit = EditSimilarity(a.key, b.key);
        } else if (!a.key.empty() && !b.key.empty()) {
          const auto n = static_cast<double>(std::max(a.key.size(), b.key.size()));
          const double upper = 1.0 - static_cast<double>(EditLowerBound(a, b)) / n;
          if (upper <= m.edit && dice + upper + loose <= m.best) {
            edit = upper;  // stands for the edit similarity: no maximum below can change
          } else {
            edit = 1.0 - static_cast<double>(form_patterns[i].Distance(b.key)) / n;
          }
        }
        if (dice + edit + loose > m.best) {
          m.best = dice + edit + loose;
          m.form = static_cast<int>(i);
          m.cf = static_cast<int>(j);
        }
        if (a.key == b.key && a.key.size() >= 4) m.exact = 1.0;
        m.dice = std::max(m.dice, dice);
        m.edit = std::max(m.edit, edit);
        m.loose = std::max(m.loose, loose);
      }
    }
    return m;
  }

  // Scoring a candidate mostly waits for memory: its entity, its forms and their grams, each
  // behind the one before. Before scoring cands[k], the loads of the candidates a few places
  // ahead are started, one level deeper the nearer they are, so that they overlap.
  void PrefetchCandidates(const Ent& x, const std::vector<uint32_t>& cands, size_t k) {
    // GCC deems a function of prefetches alone free of effects and drops its calls: this
    // empty statement, which it may not drop, keeps them.
    asm volatile("");
    constexpr size_t kEntAhead = 6, kFormsAhead = 3, kGramsAhead = 1;
    if (k + kEntAhead < cands.size()) {
      const uint32_t pid = cands[k + kEntAhead];
      const char* p = reinterpret_cast<const char*>(&ents[pid]);  // address only: nothing is read
      __builtin_prefetch(p);                                      // the first three lines (Ent)
      __builtin_prefetch(p + 64);
      __builtin_prefetch(p + 128);
      x.name_matches.Prefetch(pid);  // the slot where Names looks first
      if (!opt.name_only) {
        __builtin_prefetch(&content_acc[pid]);
        if (pid < member_roots_memo.size()) __builtin_prefetch(&member_roots_memo[pid]);
      }
    }
    if (k + kFormsAhead < cands.size()) {
      const uint32_t pid = cands[k + kFormsAhead];
      const Ent& p = ents[pid];
      // The forms are read only when the pair's name features are not kept (Names): most
      // are when x is evaluated again.
      auto it = x.name_matches.find(pid);
      const bool fresh =
          it == x.name_matches.end() || it->second.candidate_forms != p.forms_version;
      name_fresh[k + kFormsAhead] = fresh;
      if (fresh) {
        const char* f = reinterpret_cast<const char*>(p.forms.data());
        const size_t bytes = p.forms.size() * sizeof(NameForm);
        for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(f + off);
      }
      if (!p.admins.empty()) __builtin_prefetch(p.admins.data());
      if (!opt.name_only && pid < member_roots_memo.size()) {
        // The memo's roots, read by RootsStill and the intersections.
        const RootsMemo& m = member_roots_memo[pid];
        if (!m.roots.empty()) {
          __builtin_prefetch(m.roots.data());
          __builtin_prefetch(reinterpret_cast<const char*>(m.roots.data()) + 64);
        }
        if (!m.admin_roots.empty()) __builtin_prefetch(m.admin_roots.data());
      }
    }
    if (k + kGramsAhead < cands.size() && name_fresh[k + kGramsAhead]) {
      const Ent& p = ents[cands[k + kGramsAhead]];
      for (const NameForm& f : p.forms) {
        __builtin_prefetch(f.grams.data());
        __builtin_prefetch(f.loose_grams.data());
        __builtin_prefetch(f.key.data());
      }
    }
  }

  // ------------------------------------------------------------------ audience
  // Whether the audience evidence applies to x (an account, with the model's other signals on),
  // and its inputs for this evaluation: the accounts seen, the rate at which new ones of x's
  // class appear (per hour, over the window), and x's groups (audience_groups).
  bool audience_on = false;
  // New entities of the evaluated entity's class per hour, over the window (the audience
  // evidence's prior and StrongPrior's).
  double class_rate = 1;
  double audience_accounts = 0;
  int audience_split = 0;         // open candidates with audience evidence, for the detail
  double audience_x_hours = 0;    // x's time in chats so far
  double audience_rejoins = 0.5;  // the learnt chance of rejoining a group, this evaluation
  // The rate at which entities of class c were born over the window before now, per hour (at
  // least one: the entity evaluated).
  double NewPerHour(Class c, TimeMs now) const {
    const std::vector<TimeMs>& b = births[static_cast<size_t>(c)];
    const double recent = static_cast<double>(
        b.end() - std::lower_bound(b.begin(), b.end(), now - opt.parent_window));
    return std::max(1.0, recent) / (static_cast<double>(opt.parent_window) / kHourMs);
  }
  void PrepareAudience(const Ent& x, TimeMs now) {
    const Class c = ClassOf(x.kind);
    audience_x_hours = x.active_from == kMinTime
                           ? 0.0
                           : std::max(0.0, static_cast<double>(now - x.active_from) / kHourMs);
    audience_on = opt.audience && !opt.name_only && (c == Class::kUser || c == Class::kBot);
    audience_groups.clear();
    if (!audience_on) return;
    audience_rejoins = (rejoined + 1) / (rejoinable + 2);
    audience_accounts = std::max(1.0, population[static_cast<size_t>(Class::kUser)] +
                                          population[static_cast<size_t>(Class::kBot)]);
    const size_t n = std::min<size_t>(x.joined.size(), kMaxMemberScan);
    for (size_t k = 0; k < n; ++k) {
      const Line line = Lineage(x.joined[k]);
      double m = 0;
      for (uint32_t y : line) m = std::max(m, static_cast<double>(ents[y].members.size()));
      audience_groups.emplace_back(line[line.size() - 1], m);
    }
    std::sort(audience_groups.begin(), audience_groups.end());
    // One entry per root, with the most members.
    size_t out = 0;
    for (size_t k = 0; k < audience_groups.size(); ++k) {
      if (out > 0 && audience_groups[out - 1].first == audience_groups[k].first) {
        audience_groups[out - 1].second =
            std::max(audience_groups[out - 1].second, audience_groups[k].second);
      } else {
        audience_groups[out++] = audience_groups[k];
      }
    }
    audience_groups.resize(out);
    for (auto& [root, m] : audience_groups) m = std::log(audience_rejoins / GroupChance(m));
    if (missing_stamp.size() < ents.size()) {
      missing_stamp.resize(ents.size(), 0);
      missing_nats.resize(ents.size());
    }
    if (++audience_stamp == 0) {  // wrapped: forget every stamp
      std::fill(missing_stamp.begin(), missing_stamp.end(), 0);
      audience_stamp = 1;
    }
  }

  // The share of the accounts that a group of `members` members holds: the chance that an
  // unrelated account is in it.
  double GroupChance(double members) const {
    return std::clamp(members / audience_accounts, 1.0 / audience_accounts,
                      1.0 - 1.0 / audience_accounts);
  }

  // The audience evidence of the pair (x an account, r.shared its groups shared with p, as
  // lineage roots). Under "x is p's new account", x rejoins each of p's groups with probability
  // audience_rejoins; under "x is unrelated", it is in a group of m members with probability
  // m / accounts. So each shared group adds ln(rejoins / chance) and each of p's groups still
  // up that x is not in adds ln((1 - rejoins) / (1 - chance)). The prior odds that x is p's new
  // account: p comes back (kAudienceComesBack) after a delay of density f(delay)
  // (DelayDensity), against new accounts appearing at class_rate: comes_back * f(delay) /
  // rate. And what x's messages say of the two (rate_log_p, made relative in
  // AudiencePosterior).
  void Audience(Pair& r, const Ent& x, const Ent& p, const std::vector<uint32_t>& p_roots) {
    double nats = 0;
    for (uint32_t g : r.shared) {
      auto it = std::lower_bound(audience_groups.begin(), audience_groups.end(), g,
                                 [](const auto& e, uint32_t root) { return e.first < root; });
      nats += it != audience_groups.end() && it->first == g
                  ? it->second
                  : std::log(audience_rejoins / GroupChance(1.0));
    }
    for (uint32_t g : p_roots) {
      if (std::binary_search(r.shared.begin(), r.shared.end(), g)) continue;
      const Ent& ge = ents[g];
      if (ge.down && ge.children == 0) continue;  // gone: nothing to rejoin
      ++r.audience_missing;
      if (missing_stamp[g] != audience_stamp) {
        missing_stamp[g] = audience_stamp;
        missing_nats[g] = std::log((1.0 - audience_rejoins) /
                                   (1.0 - GroupChance(static_cast<double>(ge.members.size()))));
      }
      nats += missing_nats[g];
    }
    r.audience_nats = nats;
    const double hours =
        std::max(0.0, static_cast<double>(x.birth - *p.down) / static_cast<double>(kHourMs));
    r.audience_prior = std::log(kAudienceComesBack * DelayDensity(hours) / class_rate);
    {
      // x's messages over its time in chats, if x posts at p's rate: p's rate is known from its
      // messages over its own time (Gamma posterior), so the count is negative binomial.
      const double ep = p.active_from == kMinTime
                            ? 0.0
                            : std::max(0.0, static_cast<double>(*p.down - p.active_from) / kHourMs);
      static_assert(kRateShape == 0.5, "lgamma_half");
      const double shape = p.sent + kRateShape;
      const double q = audience_x_hours / (ep + kRateExposureHours + audience_x_hours);
      const double k = x.sent;
      // lgamma(k + shape) - lgamma(shape) - lgamma(k + 1), of counts (k + shape is exact).
      r.rate_log_p = lgamma_half(uint64_t{x.sent} + p.sent) - lgamma_half(p.sent) -
                     lgamma_one(x.sent) + (k > 0 ? k * std::log(q) : 0.0) + shape * std::log1p(-q);
    }
  }

  // The pair's log posterior odds against "none": the prior, the groups and the posting rate
  // (the other signals go through the model and the strong-evidence rule).
  static double AudienceLogOdds(const Pair& p) {
    return p.audience_prior + p.audience_nats + p.rate_nats;
  }
  // The posterior of each open candidate with audience evidence, normalised over all of them
  // and "x is none of theirs" (prior weight 1): P(p) = e^(log-odds_p) / (1 + sum_q
  // e^(log-odds_q)). Evidence that several recently removed accounts share is split.
  template <typename Open>
  void AudiencePosterior(std::span<Pair> pairs, Open open) {
    audience_split = 0;
    double rate_hi = -std::numeric_limits<double>::infinity();
    for (const Pair& p : pairs) {
      if (!open(p) || p.shared.empty()) continue;
      ++audience_split;
      rate_hi = std::max(rate_hi, p.rate_log_p);
    }
    if (audience_split == 0) return;
    {
      // Against "x posts like one of these candidates, whichever": the mean of their
      // predictions. What x's rate says is relative: it shifts the posterior among them.
      double mean = 0;
      for (const Pair& p : pairs) {
        if (open(p) && !p.shared.empty()) mean += std::exp(p.rate_log_p - rate_hi);
      }
      const double log_mean = rate_hi + std::log(mean / audience_split);
      for (Pair& p : pairs) {
        if (open(p) && !p.shared.empty()) p.rate_nats = p.rate_log_p - log_mean;
      }
    }
    double hi = 0;  // the "none" hypothesis: log-odds 0
    for (const Pair& p : pairs) {
      if (open(p) && !p.shared.empty()) hi = std::max(hi, AudienceLogOdds(p));
    }
    double z = std::exp(-hi);
    for (const Pair& p : pairs) {
      if (open(p) && !p.shared.empty()) z += std::exp(AudienceLogOdds(p) - hi);
    }
    for (Pair& p : pairs) {
      if (open(p) && !p.shared.empty()) {
        p.audience = std::exp(AudienceLogOdds(p) - hi) / z;
      }
    }
  }

  // The pair's own features; the ones relative to other candidates come in Evaluate.
  // Into `r`, reset first (its `shared` keeps its buffer).
  void Score(Pair& r, uint32_t xid, uint32_t pid, const std::vector<uint32_t>& x_roots,
             const std::vector<uint32_t>& x_member_roots) {
    const Ent& x = ents[xid];
    const Ent& p = ents[pid];
    static const PairValues kFresh{};
    static_cast<PairValues&>(r) = kFresh;  // a copy of the defaults, not a construction
    r.shared.clear();                      // keeps its buffer
    r.parent = pid;
    RegenFeatures& f = r.x;
    const NameMatch& nm = Names(xid, pid);
    const double best_name = nm.best;
    r.name_form = nm.form;
    r.name_cform = nm.cf;
    f[kFeatNameExact] = nm.exact;
    f[kFeatNameDice] = nm.dice;
    f[kFeatNameEdit] = nm.edit;
    f[kFeatNameLoose] = nm.loose;
    if (!opt.name_only) {
      if (x.has_avatar && p.has_avatar) {
        r.avatar_distance = Distance(x.avatar, p.avatar);
        f[kFeatAvatar] = std::max(0.0, 1.0 - r.avatar_distance / 64.0);
      }
      const std::vector<uint32_t>& p_roots = CandidateAdminRoots(pid);
      for (uint32_t a : x_roots) {
        if (std::binary_search(p_roots.begin(), p_roots.end(), a)) {
          r.shared_admin = a;
          break;
        }
      }
      if (r.shared_admin == kNone) {
        // An account running a regeneration of a chat the candidate ran: the first such
        // ancestor, in the order of x.administers and then of each lineage (PrepareAncestors).
        for (uint32_t a : admin_ancestors) {
          if (Contains(ents[a].admins, pid)) {
            r.shared_admin = a;
            break;
          }
        }
      }
      f[kFeatAdmins] = r.shared_admin != kNone ? 1.0 : 0.0;
      // Summed over x.posted in order, for this candidate (PrepareContent).
      const ContentAcc& acc = content_acc[pid];
      r.content_matches = acc.matches;
      const double s = acc.s;
      f[kFeatContent] = 1.0 - std::exp(-s);
      f[kFeatContentCover] = x.posted.empty() ? 0.0
                                              : static_cast<double>(r.content_matches) /
                                                    static_cast<double>(x.posted.size());
      const std::vector<uint32_t>& p_member_roots = CandidateMemberRoots(pid);
      std::vector<uint32_t>& shared = r.shared;
      std::set_intersection(x_member_roots.begin(), x_member_roots.end(), p_member_roots.begin(),
                            p_member_roots.end(), std::back_inserter(shared));
      r.shared_members = static_cast<int>(shared.size());
      const size_t uni = x_member_roots.size() + p_member_roots.size() - shared.size();
      f[kFeatMembers] = log1p_count(static_cast<uint64_t>(r.shared_members));
      f[kFeatMembersJaccard] =
          uni > 0 ? static_cast<double>(shared.size()) / static_cast<double>(uni) : 0.0;
      f[kFeatMembersCover] =
          p_member_roots.empty()
              ? 0.0
              : static_cast<double>(shared.size()) / static_cast<double>(p_member_roots.size());
      if (audience_on && !shared.empty()) Audience(r, x, p, p_member_roots);
      for (size_t k = 0; k < x.advertisers.size(); ++k) {
        if (Related(x.advertisers[k], pid, advertiser_roots[k], p_roots)) {
          r.related_advertiser = x.advertisers[k];
          break;
        }
      }
      f[kFeatAdvertRelated] = r.related_advertiser != kNone ? 1.0 : 0.0;
      f[kFeatAdvertised] = log1p_count(x.advertisers.size());
      // Claimed by another entity: the entity's own detection (when scoring goes on after it,
      // for fitting) does not count against its parent.
      const int others = p.children - (x.detected && x.parent == pid ? 1 : 0);
      f[kFeatClaimed] = others > 0 ? 1.0 : 0.0;
      f[kFeatAdminsContent] = f[kFeatAdmins] * f[kFeatContent];
    }
    const double hours = static_cast<double>(x.birth - *p.down) / static_cast<double>(kHourMs);
    f[kFeatDelay] = std::log1p(std::max(0.0, hours));
    f[kFeatSameKind] = x.kind == p.kind ? 1.0 : 0.0;
    f[kFeatIsUser] = ClassOf(x.kind) == Class::kUser ? 1.0 : 0.0;
    f[kFeatIsBot] = ClassOf(x.kind) == Class::kBot ? 1.0 : 0.0;
    r.name_sum = best_name;
    r.down = *p.down;
    if (!opt.name_only) Strength(r, xid, pid);
  }

  // The log prior odds that x, born `hours` after p's takedown, is p's successor rather than
  // one of the new entities of its class: as the audience evidence's prior, a removed entity
  // comes back with chance 1/2, after a delay of scale-free density (never learnt here), against
  // the rate at which new entities of x's class appear (class_rate, this evaluation).
  double StrongPrior(double hours) const {
    const double density = 1.0 / (delay_span * (std::max(0.0, hours) + kAudienceDelayFloorHours));
    return std::log(kAudienceComesBack * density / class_rate);
  }

  void Finish(Pair& r) const {
    const RegenFeatures& w = opt.name_only ? kBaselineWeights : kRegenWeights;
    double z = opt.name_only ? kBaselineBias : kRegenBias;
    for (size_t i = 0; i < static_cast<size_t>(kRegenFeatures); ++i) z += w[i] * r.x[i];
    r.score = Sigmoid(z);
    // Two or more non-name signals: the prior odds that x is p's successor (StrongPrior), times
    // the likelihood ratio of the evidence (independent signals add their nats).
    if (opt.strong_evidence && r.present >= 2) {
      r.score = std::max(r.score, Sigmoid(r.nats + StrongPrior(std::expm1(r.x[kFeatDelay]))));
    }
    // The audience posterior (accounts): the probability that the candidate is the parent, from
    // the groups, the delay and the posting rate.
    r.plain = r.score;
    r.score = std::max(r.score, r.audience);
  }

  std::optional<RegenDetection> Evaluate(uint32_t xid, TimeMs now) {
    Ent& x = ents[xid];
    if (!Watched(x, now)) return std::nullopt;
    ++stats.evaluations;
    strength_admin = kNone;
    // Most evaluations find no candidate: those of accounts and chats first seen, or posting,
    // while nothing of their class went down in the window before them. Skipped, leaving the
    // state as Candidates would: a retrieval would list no valid candidate, and a list kept
    // from before holds none that is still valid (Candidates filters it).
    if (!MayHaveParent(x)) {
      if (!x.name_cands_ready) {
        x.name_cands.clear();
        x.name_cands_ready = true;
      }
      return std::nullopt;
    }
    std::vector<uint32_t>& cands = cands_scratch;
    Candidates(xid, cands);
    if (cands.empty()) return std::nullopt;
    // The Pairs are kept for reuse (their `shared` buffers): one per candidate.
    if (pairs_scratch.size() < cands.size()) pairs_scratch.resize(cands.size());
    const std::span<Pair> pairs(pairs_scratch.data(), cands.size());
    std::vector<uint32_t>& x_roots = x_roots_scratch;
    AdminRoots(x, x_roots);
    std::vector<uint32_t>& x_member_roots = x_member_roots_scratch;
    x_member_roots.clear();
    if (!opt.name_only) MemberRoots(x, x_member_roots);
    class_rate = NewPerHour(ClassOf(x.kind), now);
    PrepareAudience(x, now);
    if (!opt.name_only) {
      PrepareContent(x);
      // The detected ancestors of the chats x runs (the lineage of each, past the chat itself).
      admin_ancestors.clear();
      for (uint32_t y : x.administers) {
        const Line line = Lineage(y);
        for (size_t k = 1; k < line.size(); ++k) admin_ancestors.push_back(line[k]);
      }
      // The admin roots of each chat that advertised x.
      if (advertiser_roots.size() < x.advertisers.size()) {
        advertiser_roots.resize(x.advertisers.size());
      }
      for (size_t k = 0; k < x.advertisers.size(); ++k) {
        AdminRoots(ents[x.advertisers[k]], advertiser_roots[k]);
      }
    }
    // For PrefetchCandidates: whether each pair's name features are to be computed (the first
    // kFormsAhead are not known there: taken as fresh).
    name_fresh.assign(cands.size(), 1);
    for (size_t k = 0; k < cands.size(); ++k) {
      PrefetchCandidates(x, cands, k);
      Score(pairs[k], xid, cands[k], x_roots, x_member_roots);
    }
    ClearContent();
    if (!opt.name_only) {
      // Relative features: the one candidate that explains the most.
      // Relative features compare the candidates not yet claimed by another detection: one
      // parent usually has one successor.
      auto open = [&](const Pair& p) { return p.x[kFeatClaimed] == 0.0; };
      auto strict_best = [&](auto value, RegenFeature feature) {
        size_t best = 0;
        double best_v = 0;
        for (size_t k = 0; k < pairs.size(); ++k) {
          const double v = value(pairs[k]);
          if (open(pairs[k]) && v > best_v) {
            best_v = v;
            best = k;
          }
        }
        if (best_v <= 0) return;
        for (size_t k = 0; k < pairs.size(); ++k) {
          if (k != best && open(pairs[k]) && value(pairs[k]) == best_v) return;
        }
        pairs[best].x[feature] = 1.0;
      };
      strict_best([](const Pair& p) { return double(p.content_matches); }, kFeatContentBest);
      strict_best([](const Pair& p) { return double(p.shared_members); }, kFeatMembersBest);
      strict_best([](const Pair& p) { return p.x[kFeatMembersJaccard]; }, kFeatJaccardBest);
      // Each of the entity's groups (members) is split evenly among the open candidates that
      // share it: evidence that points at one candidate only counts fully.
      if (!x_member_roots.empty()) {
        // sharing[r]: the open candidates sharing root r (scratch by entity id).
        std::vector<int>& sharing = sharing_scratch;
        if (sharing.size() < ents.size()) sharing.resize(ents.size(), 0);
        for (const Pair& p : pairs) {
          if (!open(p)) continue;
          for (uint32_t r : p.shared) {
            if (sharing[r]++ == 0) sharing_touched.push_back(r);
          }
        }
        for (Pair& p : pairs) {
          if (!open(p)) continue;
          double s = 0;
          for (uint32_t r : p.shared) s += 1.0 / sharing[r];
          p.x[kFeatMembersShare] = s / static_cast<double>(x_member_roots.size());
        }
        for (uint32_t r : sharing_touched) sharing[r] = 0;
        sharing_touched.clear();
      }
      if (audience_on) AudiencePosterior(pairs, open);
      int most = 0;
      for (const Pair& p : pairs) {
        if (open(p)) most = std::max(most, p.shared_members);
      }
      if (most > 0) {
        size_t latest = pairs.size();
        for (size_t k = 0; k < pairs.size(); ++k) {
          // The latest taken down; among equals, the smallest key.
          if (open(pairs[k]) && pairs[k].shared_members == most &&
              (latest == pairs.size() || pairs[k].down > pairs[latest].down ||
               (pairs[k].down == pairs[latest].down &&
                ents[pairs[k].parent].key < ents[pairs[latest].parent].key))) {
            latest = k;
          }
        }
        pairs[latest].x[kFeatRecentBest] = 1.0;
        double margin = 5.0;
        for (size_t k = 0; k < pairs.size(); ++k) {
          if (k != latest && open(pairs[k]) && pairs[k].shared_members == most) {
            margin = std::min(margin, pairs[k].x[kFeatDelay] - pairs[latest].x[kFeatDelay]);
          }
        }
        pairs[latest].x[kFeatRecentMargin] = std::max(0.0, margin);
      }
    }
    {
      size_t best = 0;
      bool unique = true;
      for (size_t k = 1; k < pairs.size(); ++k) {
        if (pairs[k].name_sum > pairs[best].name_sum) {
          best = k;
          unique = true;
        } else if (pairs[k].name_sum == pairs[best].name_sum) {
          unique = false;
        }
      }
      if (unique && pairs[best].name_sum > 0) pairs[best].x[kFeatNameBest] = 1.0;
    }
    for (Pair& pr : pairs) {
      Finish(pr);
      ++stats.pairs_scored;
    }
    if (sink) {  // in the candidates' key order
      std::vector<size_t> by_key(pairs.size());
      for (size_t k = 0; k < by_key.size(); ++k) by_key[k] = k;
      std::sort(by_key.begin(), by_key.end(), [&](size_t a, size_t b) {
        return ents[pairs[a].parent].key < ents[pairs[b].parent].key;
      });
      for (size_t k : by_key) {
        const Pair& pr = pairs[k];
        sink(RegenScoredPair{x.key,
                             ents[pr.parent].key,
                             now,
                             pr.x,
                             pr.score,
                             {pr.avatar_nats, pr.admins_nats, pr.content_nats, pr.advert_nats},
                             pr.audience,
                             pr.audience_nats,
                             pr.audience_prior,
                             pr.audience_missing,
                             audience_split});
      }
    }
    // Ranked by score, then key (a total order: keys are unique). Only a detection needs more
    // than the first.
    auto before = [&](const Pair& a, const Pair& b) {
      if (a.score != b.score) return a.score > b.score;
      return ents[a.parent].key < ents[b.parent].key;
    };
    size_t first = 0;
    for (size_t k = 1; k < pairs.size(); ++k) {
      if (before(pairs[k], pairs[first])) first = k;
    }
    // No candidate alone, but the audience evidence split among several removed accounts:
    // x is one of theirs with the sum of their posteriors (AudiencePosterior normalises them
    // against "none of them"), most likely the one with the highest.
    double score = pairs[first].score;
    bool split = false;
    if (score < opt.threshold && audience_on && opt.audience_any && audience_split > 1 &&
        !x.detected) {
      double any = 0;
      size_t most = pairs.size();  // the open candidate with the highest posterior
      for (size_t k = 0; k < pairs.size(); ++k) {
        const Pair& p = pairs[k];
        if (p.x[kFeatClaimed] != 0.0 || p.shared.empty()) continue;
        any += p.audience;
        if (most == pairs.size() || p.audience > pairs[most].audience ||
            (p.audience == pairs[most].audience &&
             ents[p.parent].key < ents[pairs[most].parent].key)) {
          most = k;
        }
      }
      if (most < pairs.size() && any >= opt.threshold) {
        score = any;
        split = true;
        first = most;
      }
    }
    const Pair& best = pairs[first];
    if (score < opt.threshold || x.detected) return std::nullopt;
    if (opt.require_non_name && best.strong == 0) return std::nullopt;
    RegenDetection d;
    d.entity = x.key;
    d.parent = ents[best.parent].key;
    d.score = Round4(score);
    d.detected_at = now;
    const Ent& p = ents[best.parent];
    if (best.x[kFeatNameDice] > 0 || best.x[kFeatNameEdit] > 0) {
      d.evidence.push_back(SignalEvidence(
          "name",
          Round4(std::max({best.x[kFeatNameDice], best.x[kFeatNameEdit], best.x[kFeatNameLoose]})),
          "'" + x.forms[static_cast<size_t>(best.name_form)].key + "' ~ '" +
              p.forms[static_cast<size_t>(best.name_cform)].key + "'"));
    }
    if (best.avatar_distance >= 0 && best.avatar_distance <= kAvatarRadius) {
      d.evidence.push_back(SignalEvidence(
          "avatar", Round4(best.x[kFeatAvatar]),
          "PDQ distance " + std::to_string(best.avatar_distance) +
              (best.avatar_nats > 0 ? "; " + NatsText(best.avatar_nats) : std::string())));
    }
    if (best.shared_admin != kNone) {
      d.evidence.push_back(SignalEvidence(
          "admins", 1.0, ents[best.shared_admin].key + "; " + NatsText(best.admins_nats)));
    }
    if (best.content_matches > 0) {
      d.evidence.push_back(SignalEvidence("content", Round4(best.x[kFeatContent]),
                                          std::to_string(best.content_matches) +
                                              " of the parent's posts reposted; " +
                                              NatsText(best.content_nats)));
    }
    if (best.shared_members > 0) {
      d.evidence.push_back(SignalEvidence("members", Round4(best.x[kFeatMembersJaccard]),
                                          std::to_string(best.shared_members) + " shared"));
    }
    if (audience_on && !best.shared.empty()) {
      char buf[280];
      std::snprintf(buf, sizeof buf,
                    "%d shared group%s, %d of the parent's not found again (rejoin chance %.2f); "
                    "%s; prior %s; posting rate %s; split over %d candidate%s%s",
                    best.shared_members, best.shared_members == 1 ? "" : "s", best.audience_missing,
                    audience_rejoins, NatsText(best.audience_nats).c_str(),
                    NatsText(best.audience_prior).c_str(), NatsText(best.rate_nats).c_str(),
                    audience_split, audience_split == 1 ? "" : "s",
                    split ? ", one of them together" : "");
      d.evidence.push_back(SignalEvidence("audience", Round4(best.audience), buf));
    }
    if (best.related_advertiser != kNone) {
      d.evidence.push_back(SignalEvidence("advert", 1.0,
                                          "advertised by " + ents[best.related_advertiser].key +
                                              "; " + NatsText(best.advert_nats)));
    }
    if (best.strong > 0) {
      std::string which;
      const std::pair<const char*, double> parts[] = {{"avatar", best.avatar_nats},
                                                      {"admins", best.admins_nats},
                                                      {"content", best.content_nats},
                                                      {"advert", best.advert_nats}};
      double sum = 0;
      for (const auto& [name, n] : parts) {
        if (n < kStrongNats) continue;
        which += (which.empty() ? "" : ", ") + std::string(name);
        sum += n;
      }
      d.evidence.push_back(SignalEvidence("strength", Round4(sum),
                                          std::to_string(best.strong) + " strong non-name signal" +
                                              (best.strong > 1 ? "s" : "") + ": " + which));
    }
    d.evidence.push_back(SignalEvidence("timing",
                                        Round4(static_cast<double>(x.birth - *p.down) / kHourMs),
                                        "hours after the parent's takedown"));
    std::vector<size_t> order(pairs.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    const size_t ranked =
        std::min(order.size(), static_cast<size_t>(std::max(0, opt.max_candidates)));
    // The parent named first; then by score (a split detection names the best by audience).
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(ranked),
                      order.end(), [&](size_t a, size_t b) {
                        if ((a == first) != (b == first)) return a == first;
                        return before(pairs[a], pairs[b]);
                      });
    for (size_t k = 0; k < ranked; ++k) {
      d.candidates.push_back({ents[pairs[order[k]].parent].key, Round4(pairs[order[k]].score)});
    }
    x.detected = true;
    x.parent = best.parent;
    parent_of[xid] = best.parent;
    if (audience_on && best.plain >= opt.threshold) {
      rejoin_pending.push_back(xid);
      const double hours = static_cast<double>(x.birth - *p.down) / kHourMs;
      delay_counts[DelayBin(std::max(0.0, hours))] += 1;
    }
    if (detected_bits.size() <= xid / 64) detected_bits.resize(ents.size() / 64 + 1, 0);
    detected_bits[xid / 64] |= uint64_t{1} << (xid % 64);
    ++lineage_epoch;  // roots may have changed
    detected_log.push_back(xid);
    // A split detection leaves its likeliest parent open to the others' replacements.
    if (!split) ++ents[best.parent].children;
    ++stats.detections;
    // What this detection tells about others: the accounts running it, the chats it runs.
    for (uint32_t a : x.admins) Dirty(a);
    for (uint32_t y : x.administers) Dirty(y);
    for (uint32_t m : x.joined) Dirty(m);
    return d;
  }

  std::vector<RegenDetection> CloseBatch() {
    std::vector<RegenDetection> out;
    if (!has_batch) return out;
    const TimeMs now = batch;
    while (!dirty.empty()) {
      std::vector<uint32_t> work;
      work.swap(dirty);
      for (uint32_t id : work) ents[id].dirty = false;
      std::sort(work.begin(), work.end(),
                [&](uint32_t a, uint32_t b) { return ents[a].key < ents[b].key; });
      for (uint32_t id : work) {
        if (auto d = Evaluate(id, now)) out.push_back(std::move(*d));
      }
    }
    std::sort(out.begin(), out.end(),
              [](const RegenDetection& a, const RegenDetection& b) { return a.entity < b.entity; });
    return out;
  }

  // ------------------------------------------------------------------ saved state
  // What SaveState writes: the options, then every member that later events read, in this
  // order. Left out, as rebuilt on demand or on restore: the gram sets of name forms (from
  // their keys), `ids` (from the keys), the fingerprints' expiry queue (from their `last`), the
  // takedown times by class (from the entities), the name features of watched pairs, the
  // member-roots memo and every scratch buffer. `dirty` is empty between batches.
  static constexpr std::string_view kStateMagic = "cordon regen state";
  static constexpr uint64_t kStateFormat = 5;

  static void PutOptions(ByteWriter& w, const RegenOptions& o) {
    w.Double(o.threshold);
    w.I64(o.parent_window);
    w.I64(o.watch);
    w.I64(o.max_candidates);
    w.Bool(o.name_only);
    w.Bool(o.score_detected);
    w.Bool(o.strong_evidence);
    w.Bool(o.require_non_name);
    w.Bool(o.audience);
  }
  static bool SameOptions(ByteReader& r, const RegenOptions& o) {
    const double threshold = r.Double();
    const int64_t parent_window = r.I64(), watch = r.I64(), max_candidates = r.I64();
    const bool name_only = r.Bool(), score_detected = r.Bool(), strong = r.Bool(),
               require = r.Bool(), audience = r.Bool();
    return threshold == o.threshold && parent_window == o.parent_window && watch == o.watch &&
           max_candidates == o.max_candidates && name_only == o.name_only &&
           score_detected == o.score_detected && strong == o.strong_evidence &&
           require == o.require_non_name && audience == o.audience;
  }

  void SaveTo(ByteWriter& w) const {
    w.Str(kStateMagic);
    w.U64(kStateFormat);
    PutOptions(w, opt);
    auto id_list = [&](const auto& v) {
      w.U64(v.size());
      for (uint32_t x : v) w.U64(x);
    };
    auto id_or_none = [&](uint32_t x) { w.U64(x == kNone ? 0 : uint64_t{x} + 1); };
    auto time_or_none = [&](const std::optional<TimeMs>& t) {
      w.Bool(t.has_value());
      if (t) w.I64(*t);
    };
    auto pdq = [&](const PdqHash& h) {
      for (uint64_t b : h.bits) w.Fixed64(b);
    };
    w.U64(ents.size());
    for (const Ent& e : ents) {
      w.Str(e.key);
      w.U64(static_cast<uint64_t>(e.kind));
      w.Bool(e.named);
      w.Str(e.name_key);
      w.Str(e.user_key);
      w.Str(e.name_core);
      w.Str(e.user_core);
      w.U64(e.forms.size());
      for (const NameForm& f : e.forms) w.Str(f.key);
      time_or_none(e.created);
      w.I64(e.birth);
      w.I64(e.watch_until);
      w.Bool(e.has_avatar);
      if (e.has_avatar) pdq(e.avatar);
      id_or_none(e.creator);
      for (const auto* v : {&e.admins, &e.administers, &e.members, &e.joined, &e.down_members,
                            &e.neighbours, &e.advertisers}) {
        id_list(*v);
      }
      w.U64(e.posted.size());
      for (uint64_t f : e.posted) w.Fixed64(f);
      time_or_none(e.down);
      w.Bool(e.indexed);
      w.Bool(e.detected);
      id_or_none(e.parent);
      w.I64(e.children);
      w.Bool(e.name_cands_ready);
      id_list(e.name_cands);
      w.Str(e.raw_name);
      w.Str(e.raw_user);
      w.U64(e.forms_version);
      w.U64(e.sent);
      w.I64(e.active_from);
    }
    id_list(watched);
    // The table's seed, then its fingerprints in its order: a restore takes the seed, so that
    // they go back nearly in slot order.
    w.Fixed64(fps.seed());
    w.U64(fps.size());
    for (const auto& [f, fp] : fps) {
      w.Fixed64(f);
      w.U64(fp.count);
      w.I64(fp.last);
      id_list(poster_lists.Of(fp.posters));
    }
    w.U64(links.size());
    for (const auto& [link, chat] : links) {
      w.Str(link);
      w.U64(chat);
    }
    id_list(downs);
    for (const GramIndex* index : {&gram_index, &loose_index}) {
      const std::vector<uint32_t> grams = index->Grams();
      w.U64(grams.size());
      for (uint32_t gram : grams) {
        w.U64(gram);
        std::vector<uint32_t> ids = index->Merged(gram);  // slots: saved as entity ids
        for (uint32_t& v : ids) v = downs[v];
        std::sort(ids.begin(), ids.end());
        id_list(ids);
      }
    }
    w.U64(avatars.entries().size());
    for (const auto& [id, h] : avatars.entries()) {
      w.U64(id);
      pdq(h);
    }
    for (double p : population) w.Double(p);
    for (const std::vector<TimeMs>& b : births) {
      w.U64(b.size());
      for (TimeMs t : b) w.I64(t);
    }
    id_list(rejoin_pending);
    w.Double(rejoined);
    w.Double(rejoinable);
    for (double c : delay_counts) w.Double(c);
    w.Bool(has_batch);
    w.Bool(sealed);
    w.I64(batch);
    w.I64(last_sweep);
    w.U64(lineage_epoch);
    for (int64_t v : {stats.events, stats.late_events, stats.entities, stats.evaluations,
                      stats.pairs_scored, stats.detections, stats.down_indexed}) {
      w.I64(v);
    }
  }

  // What SaveTo writes first: the magic, the format and the options.
  static Status ReadHeader(ByteReader& r, const RegenOptions& o) {
    if (r.Str() != kStateMagic) return Status::Corrupt("not a saved regeneration detector");
    if (const uint64_t f = r.U64(); f != kStateFormat) {
      return Status::Corrupt("saved regeneration detector of format " + std::to_string(f) +
                             ", this build reads " + std::to_string(kStateFormat));
    }
    if (!SameOptions(r, o) && !r.failed()) {
      return Status::InvalidArgument("the saved regeneration detector ran with other options");
    }
    if (r.failed()) return Status::Corrupt("saved regeneration detector is truncated or damaged");
    return Status::Ok();
  }

  // The inverse of SaveTo, into a fresh Impl. Every id is checked against the entity count.
  Status LoadFrom(ByteReader& r) {
    RETURN_IF_ERROR(ReadHeader(r, opt));
    const size_t n = r.Count();
    auto id = [&]() -> uint32_t {
      const uint64_t v = r.U64();
      if (v >= n) return static_cast<uint32_t>(r.Fail());
      return static_cast<uint32_t>(v);
    };
    auto id_or_none = [&]() -> uint32_t {
      const uint64_t v = r.U64();
      if (v > n) return static_cast<uint32_t>(r.Fail());
      return v == 0 ? kNone : static_cast<uint32_t>(v - 1);
    };
    auto id_list = [&](std::vector<uint32_t>& v) {
      const size_t k = r.Count();
      v.clear();
      v.reserve(k);
      for (size_t i = 0; i < k && !r.failed(); ++i) v.push_back(id());
    };
    // Times as events carry them (years 0 to 9999 fit well inside), or "none yet": so that
    // no arithmetic on them can overflow.
    auto read_time = [&]() -> TimeMs {
      constexpr TimeMs kLimit = TimeMs{1} << 50;
      const TimeMs v = r.I64();
      if (v != kMinTime && (v < -kLimit || v > kLimit)) return static_cast<TimeMs>(r.Fail());
      return v;
    };
    auto time_or_none = [&]() -> std::optional<TimeMs> {
      if (!r.Bool()) return std::nullopt;
      const TimeMs v = read_time();
      if (v == kMinTime) r.Fail();
      return v;
    };
    auto pdq = [&]() {
      PdqHash h;
      for (uint64_t& b : h.bits) b = r.Fixed64();
      return h;
    };
    auto str = [&]() { return std::string(r.Str()); };
    if (n >= kNone) return Status::Corrupt("saved regeneration detector: too many entities");
    for (size_t i = 0; i < n && !r.failed(); ++i) {
      Ent& e = ents.emplace_back();
      e.key = str();
      const uint64_t kind = r.U64();
      if (kind > static_cast<uint64_t>(EntityKind::kBot)) r.Fail();
      e.kind = static_cast<EntityKind>(kind);
      e.named = r.Bool();
      e.name_key = str();
      e.user_key = str();
      e.name_core = str();
      e.user_core = str();
      const size_t forms = r.Count();
      for (size_t k = 0; k < forms && !r.failed(); ++k) e.forms.push_back(Form(str()));
      e.created = time_or_none();
      e.birth = read_time();
      e.watch_until = read_time();
      e.has_avatar = r.Bool();
      if (e.has_avatar) e.avatar = pdq();
      e.creator = id_or_none();
      for (auto* v : {&e.admins, &e.administers, &e.members, &e.joined, &e.down_members,
                      &e.neighbours, &e.advertisers}) {
        id_list(*v);
      }
      const size_t posted = r.Count();
      for (size_t k = 0; k < posted && !r.failed(); ++k) e.posted.push_back(r.Fixed64());
      e.down = time_or_none();
      e.indexed = r.Bool();
      e.detected = r.Bool();
      e.parent = id_or_none();
      e.children = static_cast<int>(r.I64());
      e.name_cands_ready = r.Bool();
      id_list(e.name_cands);
      e.raw_name = str();
      e.raw_user = str();
      e.forms_version = static_cast<uint32_t>(r.U64());
      e.sent = static_cast<uint32_t>(r.U64());
      e.active_from = read_time();
      if (!r.failed() && !ids.emplace(e.key, static_cast<uint32_t>(i)).second) r.Fail();
    }
    id_list(watched);
    // The expiry queue holds an entry for each time a fingerprint's `last` was set; Sweep
    // erases a fingerprint only when its current `last` fell behind, so one entry per
    // fingerprint, at its `last`, expires the same ones.
    fps.set_seed(r.Fixed64());
    const size_t nfps = r.Count();
    fps.reserve(nfps);
    std::vector<std::pair<TimeMs, uint64_t>> expiry;
    expiry.reserve(nfps);
    for (size_t i = 0; i < nfps && !r.failed(); ++i) {
      const uint64_t f = r.Fixed64();
      Fingerprint& fp = fps[f];
      fp.count = static_cast<uint32_t>(r.U64());
      fp.last = read_time();
      const size_t posters = r.Count();
      for (size_t k = 0; k < posters && !r.failed(); ++k) poster_lists.Add(fp.posters, id());
      expiry.emplace_back(fp.last, f);
    }
    std::sort(expiry.begin(), expiry.end());  // the queue is in time order
    fp_expiry.assign(expiry.begin(), expiry.end());
    const size_t nlinks = r.Count();
    for (size_t i = 0; i < nlinks && !r.failed(); ++i) {
      std::string link = str();
      links[std::move(link)] = id();
    }
    id_list(downs);
    for (size_t k = 0; k < downs.size() && !r.failed(); ++k) {
      Ent& e = ents[downs[k]];
      if (e.down_slot != kNone || !e.indexed) r.Fail();  // each once, and the indexed alone
      e.down_slot = static_cast<uint32_t>(k);
      const TimeMs down = e.down ? *e.down : kMinTime;
      down_reach.push_back(down_reach.empty() ? down : std::max(down_reach.back(), down));
    }
    for (GramIndex* index : {&gram_index, &loose_index}) {
      const size_t grams = r.Count();
      std::vector<uint32_t> postings;
      for (size_t i = 0; i < grams && !r.failed(); ++i) {
        const uint64_t gram = r.U64();
        // Each gram once, and a 3-gram (GramIndex::kGrams); each entity in its class's lists.
        if (gram >= GramIndex::kGrams || index->Total(static_cast<uint32_t>(gram)) > 0) r.Fail();
        id_list(postings);
        if (r.failed()) break;
        for (uint32_t who : postings) {
          const uint32_t slot = ents[who].down_slot;  // only the indexed are listed
          if (slot == kNone) {
            r.Fail();
            break;
          }
          index->Post(static_cast<uint32_t>(gram), static_cast<size_t>(ClassOf(ents[who].kind)),
                      slot);
        }
      }
    }
    const size_t navatars = r.Count();
    for (size_t i = 0; i < navatars && !r.failed(); ++i) {
      const uint32_t who = id();
      avatars.Insert(who, pdq());
    }
    parent_of.clear();
    for (const Ent& e : ents) {
      parent_of.push_back(e.parent);
      if (e.down) down_times[static_cast<size_t>(ClassOf(e.kind))].push_back(*e.down);
    }
    for (std::vector<TimeMs>& v : down_times) std::sort(v.begin(), v.end());
    for (double& p : population) p = r.Double();
    for (std::vector<TimeMs>& b : births) {
      const size_t k = r.Count();
      b.reserve(k);
      for (size_t i = 0; i < k && !r.failed(); ++i) {
        const TimeMs t = read_time();
        if (t == kMinTime || (!b.empty() && t < b.back())) r.Fail();  // sorted, each a time
        b.push_back(t);
      }
    }
    id_list(rejoin_pending);
    rejoined = r.Double();
    rejoinable = r.Double();
    if (!(rejoined >= 0 && rejoined <= rejoinable && rejoinable < 1e15)) r.Fail();
    for (double& c : delay_counts) {
      c = r.Double();
      if (!(c >= 0 && c < 1e15)) r.Fail();
    }
    has_batch = r.Bool();
    sealed = r.Bool();
    batch = read_time();
    last_sweep = read_time();
    // Fingerprints are last seen at or before the current batch, else the queue's order breaks.
    if (!fp_expiry.empty() && fp_expiry.back().first > batch) r.Fail();
    lineage_epoch = r.U64();
    for (int64_t* v : {&stats.events, &stats.late_events, &stats.entities, &stats.evaluations,
                       &stats.pairs_scored, &stats.detections, &stats.down_indexed}) {
      *v = r.I64();
    }
    if (r.failed() || !r.done()) {
      return Status::Corrupt("saved regeneration detector is truncated or damaged");
    }
    return Status::Ok();
  }
};

RegenDetector::RegenDetector() = default;
RegenDetector::~RegenDetector() = default;

StatusOr<std::unique_ptr<RegenDetector>> RegenDetector::Create(const RegenOptions& options) {
  if (!(options.threshold > 0 && options.threshold <= 1)) {
    return Status::InvalidArgument("regeneration threshold must be in (0, 1]");
  }
  if (options.parent_window <= 0 || options.watch <= 0) {
    return Status::InvalidArgument("regeneration windows must be positive");
  }
  std::unique_ptr<RegenDetector> d(new RegenDetector());
  d->impl_ = std::make_unique<Impl>();
  d->impl_->opt = options;
  d->impl_->delay_span = Impl::DelaySpan(options);
  ASSIGN_OR_RETURN(d->impl_->norm, NameNormalizer::Create());
  return d;
}

std::vector<RegenDetection> RegenDetector::OnEvent(const Event& event) {
  Impl& m = *impl_;
  ++m.stats.events;
  TimeMs t = EventTime(event);
  std::vector<RegenDetection> out;
  if (!m.has_batch) {
    m.has_batch = true;
    m.batch = t;
    m.last_sweep = t;
  } else if (t > m.batch) {
    out = m.CloseBatch();
    m.batch = t;
    m.sealed = false;
    if (t >= m.last_sweep + kDayMs) m.Sweep(t);
  } else if (t < m.batch || m.sealed) {
    ++m.stats.late_events;
    t = m.batch;
  }
  m.Apply(event, t);
  return out;
}

void RegenDetector::OnEvents(std::span<const Event> events, std::vector<RegenDetection>& out) {
  Impl& m = *impl_;
  auto message = [&](size_t k) { return std::get_if<MessageEvent>(&events[k]); };
  const size_t n = events.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + 5 < n) {
      if (const MessageEvent* e = message(i + 5)) m.PrefetchFar(*e, i + 5);
    }
    if (i + 4 < n) {
      if (const MessageEvent* e = message(i + 4)) m.PrefetchKeys(*e, i + 4);
    }
    if (i + 3 < n) {
      if (const MessageEvent* e = message(i + 3)) m.PrefetchNear(*e, i + 3);
    }
    if (i + 2 < n) {
      if (const MessageEvent* e = message(i + 2)) m.PrefetchLists(*e, i + 2);
    }
    for (auto& d : OnEvent(events[i])) out.push_back(std::move(d));
  }
  // The events may be gone (or others in their place) by the next call.
  for (Impl::Ahead& a : m.ahead) a.message = a.found = nullptr;
}

std::vector<RegenDetection> RegenDetector::Flush() {
  impl_->sealed = impl_->has_batch;
  return impl_->CloseBatch();
}

Status RegenDetector::SaveState(std::string& out) const {
  const Impl& m = *impl_;
  if ((m.has_batch && !m.sealed) || !m.dirty.empty()) {
    return Status::Internal("the regeneration detector's state is saved only after Flush");
  }
  ByteWriter w(out);
  m.SaveTo(w);
  return Status::Ok();
}

StatusOr<std::unique_ptr<RegenDetector>> RegenDetector::Restore(const RegenOptions& options,
                                                                std::string_view state) {
  ASSIGN_OR_RETURN(std::unique_ptr<RegenDetector> d, Create(options));
  ByteReader r(state);
  RETURN_IF_ERROR(d->impl_->LoadFrom(r));
  return d;
}

Status RegenDetector::CheckStateHeader(const RegenOptions& options, std::string_view state) {
  ByteReader r(state);
  return Impl::ReadHeader(r, options);
}

void RegenDetector::SetPairSink(std::function<void(const RegenScoredPair&)> sink) {
  impl_->sink = std::move(sink);
}

const RegenOptions& RegenDetector::options() const { return impl_->opt; }
RegenStats RegenDetector::stats() const { return impl_->stats; }

std::string CandidatesJson(const std::vector<RegenCandidate>& candidates) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray();
  for (const RegenCandidate& c : candidates) {
    w.BeginObject().Field("parent", std::string_view(c.parent)).Field("score", c.score).EndObject();
  }
  w.EndArray();
  return out;
}

void AppendDetectionJson(std::string& out, const RegenDetection& d) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("entity", std::string_view(d.entity)).Field("parent", std::string_view(d.parent));
  w.Field("score", d.score).Field("detected_at", std::string_view(FormatRfc3339Ms(d.detected_at)));
  WriteEvidenceListJson(w.Key("evidence"), d.evidence);
  w.Key("candidates").Raw(CandidatesJson(d.candidates));
  w.EndObject();
}

}  // namespace cordon::enforce
