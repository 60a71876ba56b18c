// The regeneration detector: streaming and causal.
//
// Events arrive in time order. Every new or renamed entity (chat, account or bot) is compared
// with the entities of its class taken down before it (within `parent_window`), for `watch`
// after its birth or rename, each time new evidence about it arrives. Signals
// (docs/enforcement.md):
//   name     n-gram and edit similarity of NameKey / LooseKey forms (names.h): survives
//            homoglyphs, numbering (version markers such as "v2" dropped), separators, emoji
//            and Arabic-Latin transliteration
//   avatar   PDQ distance between avatars
//   admins   shared creator or admins, through detected regenerations (an admin that is itself
//            a regeneration counts as its parent); for accounts, administering a regeneration
//            of a chat the candidate administered
//   content  the candidate's posts reposted (media SHA-256, exact text), rarer content weighing
//            more; also jointly with a shared admin
//   members  members (of a group) or groups (of an account) shared with the candidate,
//            through detected regenerations of the groups, and how much of them points at this
//            candidate alone
//   advert   advertised (invite or username link resolved through invite and entity events) by
//            a chat connected to the candidate (forwards, links or admins)
//   audience (accounts) the groups shared with the candidate, as a log-likelihood ratio against
//            an unrelated account, with a prior from the delay and the rate of new accounts, and
//            the posting rate's continuity, normalised over the competing candidates; the
//            rejoin chance and the delay's density are learnt from the accounts detected
//            without it
//   timing   time between the candidate's takedown and the entity's birth
// The signals are combined by a logistic model whose weights were fitted on a development world
// and frozen (regen_weights.h, docs/enforcement.md has the procedure), so a score reads as the
// probability that the candidate is the entity's parent. A detection is raised the first time
// the best candidate's score reaches `threshold`, naming it, with the evidence and the ranked
// candidates.
//
// Causality: each millisecond of events is one batch; its events update the state and the
// entities they touched are then evaluated, in key order. A detection's detected_at is that
// millisecond; it depends only on events up to then, so running on a prefix of the stream (cut
// between milliseconds) gives the same detections up to the cut, and the order of events within
// a millisecond does not matter (below the caps on per-entity lists). Events older than the
// current batch ("late") are applied as if they arrived now and counted.
//
// Memory is bounded by the windows: content and takedown indexes drop what is older than
// `parent_window`, per-entity evidence lists are capped and released when the watch ends.
//
// Thread safety: a RegenDetector is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/model/evidence.h"
#include "cordon/util/status.h"
#include "cordon/util/time.h"

namespace cordon::enforce {

struct RegenOptions {
  double threshold = 0.5;  // see regen_weights.h for why this default
  TimeMs parent_window = 30 * kDayMs;
  TimeMs watch = 7 * kDayMs;
  int max_candidates = 5;  // ranked candidates kept with a detection
  bool name_only = false;  // the baseline: name signals alone
  // Keep scoring entities after their detection (pairs go to the pair sink only), so that the
  // fitting data cover each entity's whole watch. For fitting; detections are unchanged.
  bool score_detected = false;
  // The strong-evidence rule (docs/enforcement.md, "Strong evidence"): each non-name signal
  // carries a strength in nats, how unlikely it is for an unrelated pair by chance; a candidate
  // with two strong ones (>= kStrongNats each) scores at least sigmoid(their sum - 2 *
  // kStrongNats) whatever its name. Off: the logistic model alone (for comparison).
  bool strong_evidence = true;
  // Raise a detection only when at least one strong non-name signal backs it (off by default:
  // then an equal name can detect alone through the model).
  bool require_non_name = false;
  // The audience evidence (docs/enforcement.md, "Audience evidence (accounts)"): for an
  // account, the posterior that a candidate is its parent from the groups they share, the
  // delay and the posting rate, normalised over the competing candidates; a candidate scores
  // at least that. Off: for comparison (the detector without it).
  bool audience = true;
  // An account whose audience evidence is split among several removed accounts is detected
  // when their posteriors together reach the threshold: it is one of theirs, most likely the
  // best (named parent; the candidates show the split). Such a detection does not claim its
  // parent. Off: only a candidate's own posterior counts (for comparison).
  bool audience_any = true;
};

// A signal is strong when an unrelated pair shows it by chance with probability at most
// exp(-kStrongNats) = 1/1000.
inline constexpr double kStrongNats = 6.907755278982137;

struct RegenCandidate {
  std::string parent;
  double score = 0;
};

struct RegenDetection {
  std::string entity;
  std::string parent;
  double score = 0;
  TimeMs detected_at = 0;
  // One per signal: signal (name, avatar, admins, content, members, audience, advert, timing),
  // value (its strength, 0..1; audience: the posterior; timing: hours) and detail (what
  // matched, for a person to check, with the signal's strength in nats when it has one); then
  // "strength": value the sum of the strong non-name signals' nats, detail which ones (present
  // when there is at least one).
  std::vector<Evidence> evidence;
  std::vector<RegenCandidate> candidates;  // best first; candidates[0].parent == parent
};

// The model's inputs for one (entity, candidate) pair (docs/enforcement.md defines each).
enum RegenFeature : int {
  kFeatNameDice,        // Dice of strict-key 3-grams, best pair of name/username forms
  kFeatNameEdit,        // edit similarity of strict keys
  kFeatNameLoose,       // Dice of loose-key 3-grams
  kFeatAvatar,          // 1 - PDQ distance / 64, floored at 0
  kFeatAdmins,          // a shared creator/admin (through regenerations), 0/1
  kFeatContent,         // 1 - exp(-sum over reposted items of 1/(other posters))
  kFeatContentCover,    // share of the entity's posts the candidate had posted
  kFeatContentBest,     // the candidate had posted strictly more of them than any other, 0/1
  kFeatMembers,         // log(1 + shared members or groups)
  kFeatMembersJaccard,  // Jaccard of the member (group) sets, through regenerations
  kFeatMembersBest,     // strictly more shared members than any other candidate, 0/1
  kFeatAdvertRelated,   // advertised by a chat connected to the candidate, 0/1
  kFeatAdvertised,      // log(1 + chats that advertised the entity)
  kFeatClaimed,         // the candidate already has a detected regeneration, 0/1
  kFeatDelay,           // log(1 + hours from the candidate's takedown to the entity's birth)
  kFeatSameKind,        // same entity kind, 0/1
  kFeatNameExact,       // equal strict keys of 4 letters or more, 0/1
  kFeatNameBest,        // strictly the most similar name among the candidates, 0/1
  kFeatMembersCover,    // share of the candidate's members (groups) found again
  kFeatRecentBest,      // the latest taken down among the candidates sharing the most members, 0/1
  kFeatIsUser,          // the entity is an account (class prior), 0/1
  kFeatIsBot,           // the entity is a bot (class prior), 0/1
  kFeatRecentMargin,    // for the recent_best candidate: log-hours by which it is more recent
                        // than the next sharing as many members (5 when alone), else 0
  kFeatJaccardBest,     // strictly the highest members_jaccard among the candidates, 0/1
  kFeatMembersShare,    // the share of the entity's groups (members) this candidate explains,
                        // each split among the open candidates that share it
  kFeatAdminsContent,   // admins x content: the same people repost the candidate's posts
  kRegenFeatures
};
extern const std::array<const char*, kRegenFeatures> kRegenFeatureNames;
using RegenFeatures = std::array<double, kRegenFeatures>;

// Every pair scored, for fitting the weights (bench/regen_bench.cc --fit).
struct RegenScoredPair {
  std::string entity, parent;
  TimeMs time = 0;
  RegenFeatures x{};
  double score = 0;
  // The strong-evidence nats of avatar, admins, content, advert (docs/enforcement.md).
  std::array<double, 4> nats{};
  // The audience evidence (accounts): posterior, log-likelihood ratio, prior log-odds, the
  // candidate's groups not found again, and the open candidates it was split over.
  double audience = 0, audience_nats = 0, audience_prior = 0;
  int audience_missing = 0, audience_split = 0;
};

struct RegenStats {
  int64_t events = 0;
  int64_t late_events = 0;
  int64_t entities = 0;
  int64_t evaluations = 0;
  int64_t pairs_scored = 0;
  int64_t detections = 0;
  int64_t down_indexed = 0;  // taken-down entities in the candidate indexes now
};

class RegenDetector {
 public:
  static StatusOr<std::unique_ptr<RegenDetector>> Create(const RegenOptions& options = {});
  ~RegenDetector();
  RegenDetector(const RegenDetector&) = delete;
  RegenDetector& operator=(const RegenDetector&) = delete;

  // Feeds one event; returns the detections raised by the batch this event closed (those of
  // earlier milliseconds), in entity key order.
  std::vector<RegenDetection> OnEvent(const Event& event);
  // The same as OnEvent on each event in turn, the detections appended to `out`; faster, as it
  // loads what the next events touch while it applies one.
  void OnEvents(std::span<const Event> events, std::vector<RegenDetection>& out);
  // Closes the current batch: call at the end of a stream, or at a checkpoint of one that goes
  // on (the global detector of `cordon worker`). An event of the closed millisecond fed after
  // it is late (counted in RegenStats::late_events), since a replay would have evaluated it
  // with the batch.
  std::vector<RegenDetection> Flush();

  // The detector's state, for a later RegenDetector::Restore to go on from (an ingest into a
  // store continues from the state saved with it instead of replaying every event;
  // enforce/stage.h). Only after Flush, with no event fed since: Internal otherwise.
  // Appends to `out`: the options, then every list and index; caches are left out.
  Status SaveState(std::string& out) const;
  // A detector that goes on from SaveState's bytes exactly as the one that saved them would:
  // the same detections from the same later events. Corrupt when the bytes are not such a
  // state (checked: never reads past them, every id in range); InvalidArgument when they were
  // saved with other options.
  static StatusOr<std::unique_ptr<RegenDetector>> Restore(const RegenOptions& options,
                                                          std::string_view state);
  // What Restore says of the bytes' header alone (their format and options), without reading
  // the rest: a cheap check before a Restore that may run later, on another thread.
  static Status CheckStateHeader(const RegenOptions& options, std::string_view state);

  // Called with every scored pair (slow; for fitting and diagnosis).
  void SetPairSink(std::function<void(const RegenScoredPair&)> sink);

  const RegenOptions& options() const;
  RegenStats stats() const;

 private:
  RegenDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// {"entity","parent","score","detected_at","evidence":[{"signal","value","detail"}],
//  "candidates":[{"parent","score"}]}; the evidence in its one JSON form (model/evidence.h).
void AppendDetectionJson(std::string& out, const RegenDetection& d);
std::string CandidatesJson(const std::vector<RegenCandidate>& candidates);

}  // namespace cordon::enforce
