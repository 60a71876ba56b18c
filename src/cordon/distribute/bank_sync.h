// Banks replicated through JetStream (docs/design.md, "Workers on NATS JetStream", Banks): the
// store's banks copied into the key-value bucket NAME_banks (bank_kv.h has the keys and
// values), so that workers load them from NATS instead of each reading them from the store.
//
// PublishBanks (`cordon bank publish`) writes every bank whose version differs from its
// manifest in the bucket: the new version's chunks first, then its manifest, then the index,
// then deletes what no manifest names any more (older versions' chunks, deleted banks), so a
// reader that follows index -> manifest -> chunks never sees a version half written. Publishing
// again with nothing changed writes nothing.
//
// JetStreamBankSource is a BankSource (content/bank_source.h) over the bucket: the generation
// is the index's, a bank's entries are its manifest's chunks, checked against the manifest's
// entry count and digest. A manifest that moved on since the index was read, a chunk missing
// or one that does not parse or match the digest is a Status (NotFound, Corrupt): the Matcher
// keeps the banks it has and tries again at its next poll (MatcherOptions::on_refresh_error).
//
// Thread safety: one call at a time per JetStream; a JetStreamBankSource borrows its JetStream,
// which must outlive it, and is used from one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cordon/content/bank_source.h"
#include "cordon/distribute/bank_kv.h"
#include "cordon/distribute/jetstream.h"

namespace cordon::distribute {

std::string BanksBucket(const std::string& stream);  // NAME_banks

struct BankPublishReport {
  int64_t banks = 0;         // in the store
  int64_t written = 0;       // banks whose new version was written
  int64_t unchanged = 0;     // banks whose manifest already had the store's version
  int64_t entries = 0;       // entries written
  int64_t chunks = 0;        // chunks written
  int64_t deleted_keys = 0;  // stale chunks and manifests removed
  bool index_written = false;
};

StatusOr<BankPublishReport> PublishBanks(Store& store, JetStream& js, const std::string& stream);

// `cordon bank publish --follow`: publishes, then polls the store's bank generation every
// `interval_ms` and publishes again whenever it moves, until *stop is set. Edits made through
// `cordon bank` or `cordon serve` on the shared store so reach the workers without anyone
// publishing by hand. A failed poll or publish (a database restarting, NATS electing a leader)
// is reported through `on_error` and tried again at the next poll; each publish that wrote
// something is reported through `on_publish`.
struct FollowOptions {
  int64_t interval_ms = 1000;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const BankPublishReport&)> on_publish;
  std::function<void(const Status&)> on_error;
};
Status FollowBanks(Store& store, JetStream& js, const std::string& stream,
                   const FollowOptions& options);

class JetStreamBankSource : public BankSource {
 public:
  // Opens the stream's banks bucket (created when missing: an empty bucket has no banks).
  static StatusOr<std::unique_ptr<JetStreamBankSource>> Open(JetStream& js,
                                                             const std::string& stream);

  StatusOr<int64_t> Generation() override;
  StatusOr<std::vector<BankInfo>> Banks() override;
  Status ForEachEntry(const BankInfo& bank,
                      const std::function<Status(const StoredEntry&)>& f) override;

 private:
  JetStreamBankSource(JetStream& js, std::string bucket) : js_(js), bucket_(std::move(bucket)) {}
  StatusOr<BankIndex> ReadIndex();

  JetStream& js_;
  std::string bucket_;
  std::optional<BankIndex> index_;  // read by Generation, used once by Banks
};

}  // namespace cordon::distribute
