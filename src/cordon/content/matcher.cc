#include "cordon/content/matcher.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "cordon/content/vpdq_index.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/strings.h"

namespace cordon {

// One bank, immutable once built. Labels are interned: a bank usually has a handful.
struct Matcher::Bank {
  BankInfo info;
  std::vector<std::string> labels;

  PdqIndex pdq;
  std::vector<uint32_t> pdq_label;

  std::vector<std::string> digest_signal;  // md5 and sha256 entries
  std::vector<uint32_t> digest_label;
  DigestIndex md5, sha256;

  std::vector<std::string> text_signal;
  std::vector<uint32_t> text_label;
  DigestIndex text_digest;
  TextIndex text;

  VpdqIndex vpdq;
  std::vector<std::string> vpdq_signal;  // sha256 of each video entry's signal
  std::vector<uint32_t> vpdq_label;

  size_t entries() const {
    return pdq.size() + digest_signal.size() + text_signal.size() + vpdq_signal.size();
  }
};

struct Matcher::Snapshot {
  int64_t generation = -1;
  std::vector<std::shared_ptr<const Bank>> banks;  // by name
};

namespace {

bool ParseHexBytes(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  out.resize(hex.size() / 2);
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    int h = nib(hex[2 * i]), l = nib(hex[2 * i + 1]);
    if (h < 0 || l < 0) return false;
    out[i] = static_cast<char>(h << 4 | l);
  }
  return true;
}

StatusOr<std::shared_ptr<const Matcher::Bank>> LoadBank(BankSource& source, const BankInfo& info,
                                                        const MatcherOptions& options) {
  auto bank = std::make_shared<Matcher::Bank>();
  bank->info = info;
  std::unordered_map<std::string, uint32_t> label_ids;
  auto label = [&](const std::string& l) {
    const std::string& use = l.empty() ? info.label : l;
    auto [it, inserted] = label_ids.try_emplace(use, static_cast<uint32_t>(bank->labels.size()));
    if (inserted) bank->labels.push_back(use);
    return it->second;
  };
  std::vector<PdqHash> hashes;
  std::vector<std::vector<VpdqFrame>> videos;
  std::string bytes;
  Status s = source.ForEachEntry(info, [&](const StoredEntry& e) -> Status {
    const Location where{"bank " + info.name};
    switch (e.entry.type) {
      case SignalType::kPdq: {
        auto h = PdqHash::FromHex(e.entry.signal);
        if (!h.ok()) return Status::Corrupt("bad pdq entry: " + h.status().message(), where);
        hashes.push_back(*h);
        bank->pdq_label.push_back(label(e.entry.label));
        break;
      }
      case SignalType::kMd5:
      case SignalType::kSha256: {
        const uint32_t id = static_cast<uint32_t>(bank->digest_signal.size());
        (e.entry.type == SignalType::kMd5 ? bank->md5 : bank->sha256).Add(e.entry.signal, id);
        bank->digest_signal.push_back(e.entry.signal);
        bank->digest_label.push_back(label(e.entry.label));
        break;
      }
      case SignalType::kText: {
        const uint32_t id = static_cast<uint32_t>(bank->text_signal.size());
        TextFingerprint f;
        std::string digest = e.digest;
        if (digest.empty() || !ParseHexBytes(e.fingerprint, bytes) || !ParseFingerprint(bytes, f)) {
          // Written by another version, or by hand: compute again from the text.
          std::string norm = NormalizeText(e.entry.signal);
          digest = TextDigest(norm);
          f = FingerprintText(norm);
        }
        bank->text_digest.Add(std::move(digest), id);
        bank->text.Add(f, id);
        bank->text_signal.push_back(e.entry.signal);
        bank->text_label.push_back(label(e.entry.label));
        break;
      }
      case SignalType::kVpdq: {
        auto frames = ParseVpdqSignal(e.entry.signal);
        if (!frames.ok()) {
          return Status::Corrupt("bad vpdq entry: " + frames.status().message(), where);
        }
        videos.push_back(std::move(*frames));
        bank->vpdq_signal.push_back(e.digest.empty() ? DigestBytes(e.entry.signal).sha256
                                                     : e.digest);
        bank->vpdq_label.push_back(label(e.entry.label));
        break;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  bank->pdq = PdqIndex(std::move(hashes), options.index);
  if (!videos.empty()) bank->vpdq = VpdqIndex(videos, options.vpdq, options.index);
  return std::shared_ptr<const Matcher::Bank>(std::move(bank));
}

int TextDistance(double similarity) {
  return static_cast<int>(std::lround(100.0 * (1.0 - similarity)));
}

void MatchDigest(const Matcher::Bank& b, SignalType type, const std::string& value, int media_idx,
                 std::vector<uint32_t>& ids, std::vector<Match>& out) {
  if (value.empty()) return;
  std::string key = ToLower(value);
  ids.clear();
  (type == SignalType::kMd5 ? b.md5 : b.sha256).Find(key, ids);
  std::sort(ids.begin(), ids.end());
  for (uint32_t id : ids) {
    out.push_back(
        {media_idx, b.info.name, type, b.digest_signal[id], b.labels[b.digest_label[id]], 0, key});
  }
}

void MatchPdq(const Matcher::Bank& b, const PdqHash& q, const std::string& query, int radius,
              int media_idx, std::vector<PdqHit>& hits, std::vector<Match>& out) {
  hits.clear();
  b.pdq.Search(q, radius, hits);
  for (const PdqHit& h : hits) {
    out.push_back({media_idx, b.info.name, SignalType::kPdq, b.pdq.hash(h.id).Hex(),
                   b.labels[b.pdq_label[h.id]], h.distance, query});
  }
}

void MatchVpdq(const Matcher::Bank& b, const std::vector<VpdqFrame>& frames,
               const std::string& query, int media_idx, std::vector<Match>& out) {
  for (const VpdqHit& h : b.vpdq.Query(frames)) {
    const int distance = static_cast<int>(std::lround(100.0 - h.query_match_percent));
    out.push_back({media_idx, b.info.name, SignalType::kVpdq, b.vpdq_signal[h.video],
                   b.labels[b.vpdq_label[h.video]], distance, query});
  }
}

}  // namespace

Matcher::Matcher(Store& source, MatcherOptions options)
    : own_source_(std::make_unique<StoreBankSource>(source)),
      source_(*own_source_),
      options_(std::move(options)),
      current_(std::make_shared<Snapshot>()),
      jitter_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device{}()) {}

Matcher::Matcher(BankSource& source, MatcherOptions options)
    : source_(source),
      options_(std::move(options)),
      current_(std::make_shared<Snapshot>()),
      jitter_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device{}()) {}

Matcher::~Matcher() = default;

std::shared_ptr<const Matcher::Snapshot> Matcher::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

Status Matcher::Refresh() {
  last_check_ = std::chrono::steady_clock::now();
  checked_ = true;
  ASSIGN_OR_RETURN(int64_t generation, source_.Generation());
  std::shared_ptr<const Snapshot> old = Current();
  if (generation == old->generation) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<BankInfo> infos, source_.Banks());
  std::map<std::string, std::shared_ptr<const Bank>> have;
  for (const auto& b : old->banks) have[b->info.name] = b;
  auto next = std::make_shared<Snapshot>();
  next->generation = generation;
  for (const BankInfo& info : infos) {
    if (!options_.banks.empty() && std::find(options_.banks.begin(), options_.banks.end(),
                                             info.name) == options_.banks.end()) {
      continue;
    }
    auto it = have.find(info.name);
    if (it != have.end() && it->second->info.version == info.version) {
      next->banks.push_back(it->second);  // unchanged: shared, not copied
      continue;
    }
    ASSIGN_OR_RETURN(std::shared_ptr<const Bank> loaded, LoadBank(source_, info, options_));
    next->banks.push_back(std::move(loaded));
  }
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(next);
  return Status::Ok();
}

Status Matcher::MaybeRefresh() {
  Status s = PollAndRefresh();
  if (s.ok() || !options_.on_refresh_error) return s;
  // The current snapshot stays; the next poll (a refresh interval on) tries again.
  ++refresh_errors_;
  options_.on_refresh_error(s);
  return Status::Ok();
}

Status Matcher::PollAndRefresh() {
  const auto now = std::chrono::steady_clock::now();
  if (reload_at_) {
    if (now < *reload_at_) return Status::Ok();
    reload_at_.reset();
    return Refresh();
  }
  if (checked_ && options_.refresh_interval_ms > 0 &&
      now - last_check_ < std::chrono::milliseconds(options_.refresh_interval_ms)) {
    return Status::Ok();
  }
  if (!checked_ || options_.reload_jitter_ms <= 0) return Refresh();
  last_check_ = now;
  ASSIGN_OR_RETURN(int64_t generation, source_.Generation());
  if (generation == Current()->generation) return Status::Ok();
  std::uniform_int_distribution<int64_t> delay(0, options_.reload_jitter_ms);
  reload_at_ = now + std::chrono::milliseconds(delay(jitter_));
  return Status::Ok();
}

std::vector<Match> Matcher::MatchMessage(const MessageEvent& m) const {
  std::shared_ptr<const Snapshot> snap = Current();
  std::vector<Match> out;
  if (snap->banks.empty()) return out;
  std::vector<uint32_t> ids;
  std::vector<PdqHit> hits;
  std::vector<TextHit> text_hits;
  const bool any_text = std::any_of(snap->banks.begin(), snap->banks.end(),
                                    [](const auto& b) { return !b->text_signal.empty(); });
  if (any_text && !m.text.empty()) {
    std::string norm = NormalizeText(m.text);
    if (!norm.empty()) {
      const std::string digest = TextDigest(norm);
      const TextFingerprint f = FingerprintText(norm);
      for (const auto& b : snap->banks) {
        if (b->text_signal.empty()) continue;
        ids.clear();
        b->text_digest.Find(digest, ids);
        std::sort(ids.begin(), ids.end());
        text_hits.clear();
        b->text.Find(f, options_.text_similarity, text_hits);
        // Exact entries at distance 0; near-duplicates not already found exactly.
        std::map<uint32_t, int> best;
        for (uint32_t id : ids) best[id] = 0;
        for (const TextHit& h : text_hits) best.try_emplace(h.id, TextDistance(h.similarity));
        for (const auto& [id, d] : best) {
          out.push_back({-1, b->info.name, SignalType::kText, b->text_signal[id],
                         b->labels[b->text_label[id]], d, digest});
        }
      }
    }
  }
  for (size_t i = 0; i < m.media.size(); ++i) {
    const Media& md = m.media[i];
    const int idx = static_cast<int>(i);
    std::optional<PdqHash> pdq;
    if (!md.pdq.empty()) {
      auto h = PdqHash::FromHex(md.pdq);
      if (h.ok()) pdq = *h;
    }
    std::optional<std::vector<VpdqFrame>> video;
    if (!md.vpdq.empty()) {
      auto frames = ParseVpdqSignal(md.vpdq);
      if (frames.ok()) video = std::move(*frames);
    }
    for (const auto& b : snap->banks) {
      if (!b->digest_signal.empty()) {
        MatchDigest(*b, SignalType::kMd5, md.md5, idx, ids, out);
        MatchDigest(*b, SignalType::kSha256, md.sha256, idx, ids, out);
      }
      if (pdq && b->pdq.size() > 0) {
        MatchPdq(*b, *pdq, ToLower(md.pdq), options_.pdq_radius, idx, hits, out);
      }
      if (video && !b->vpdq_signal.empty()) {
        MatchVpdq(*b, *video, ToLower(md.sha256), idx, out);
      }
    }
  }
  return out;
}

std::vector<Match> Matcher::LookupPdq(const PdqHash& query, int radius,
                                      const std::string& bank) const {
  std::shared_ptr<const Snapshot> snap = Current();
  std::vector<Match> out;
  std::vector<PdqHit> hits;
  const std::string hex = query.Hex();
  for (const auto& b : snap->banks) {
    if (!bank.empty() && b->info.name != bank) continue;
    MatchPdq(*b, query, hex, radius, -1, hits, out);
  }
  return out;
}

std::vector<Match> Matcher::LookupVpdq(const std::vector<VpdqFrame>& frames,
                                       const std::string& query, const std::string& bank) const {
  std::shared_ptr<const Snapshot> snap = Current();
  std::vector<Match> out;
  for (const auto& b : snap->banks) {
    if (!bank.empty() && b->info.name != bank) continue;
    if (!b->vpdq_signal.empty()) MatchVpdq(*b, frames, query, -1, out);
  }
  return out;
}

Status Matcher::StoreMatches(Store& store, const MessageEvent& m,
                             const std::vector<Match>& matches) {
  if (matches.empty()) return Status::Ok();
  if (write_ == nullptr || &write_->store() != &store) {
    auto writer = std::make_unique<MatchWriter>(store);
    if (!writer->status().ok()) return writer->status();
    write_ = std::move(writer);
  }
  MatchRow row;
  row.message = m.key;
  row.chat = m.chat;
  row.time = m.time;
  for (const Match& x : matches) {
    row.media_idx = x.media_idx;
    row.bank = x.bank;
    row.signal_type = SignalTypeName(x.type);
    row.signal = x.signal;
    row.distance = x.distance;
    row.query = x.query;
    row.label = x.label;
    RETURN_IF_ERROR(write_->Put(row));
  }
  return Status::Ok();
}

StatusOr<size_t> Matcher::Process(Store& store, const MessageEvent& m) {
  RETURN_IF_ERROR(MaybeRefresh());
  std::vector<Match> matches = MatchMessage(m);
  RETURN_IF_ERROR(StoreMatches(store, m, matches));
  return matches.size();
}

int64_t Matcher::generation() const { return Current()->generation; }
size_t Matcher::banks() const { return Current()->banks.size(); }
size_t Matcher::entries() const {
  size_t n = 0;
  for (const auto& b : Current()->banks) n += b->entries();
  return n;
}

StatusOr<int64_t> RematchStore(Store& store, Matcher& matcher) {
  RETURN_IF_ERROR(matcher.Refresh());
  RETURN_IF_ERROR(store.Begin());
  int64_t total = 0;
  Status s = ForEachMessageContent(store, [&](const MessageEvent& m) -> Status {
    ASSIGN_OR_RETURN(size_t n, matcher.Process(store, m));
    total += static_cast<int64_t>(n);
    return Status::Ok();
  });
  if (!s.ok()) {
    (void)store.Rollback();
    return s;
  }
  RETURN_IF_ERROR(store.Commit());
  return total;
}

}  // namespace cordon
