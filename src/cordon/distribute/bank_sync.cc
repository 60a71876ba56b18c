#include "cordon/distribute/bank_sync.h"

#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "cordon/util/digest.h"

namespace cordon::distribute {
namespace {

// A bank that changes while it is being written is written again from its new version; one
// that keeps changing fails the publish (run it again once the edits settle).
constexpr int kWriteAttempts = 5;

Location KeyLocation(const std::string& bucket, const std::string& key) {
  return Location{"nats:" + bucket + "/" + key};
}

// The manifest in the bucket; nullopt when there is none or it does not parse (written again).
StatusOr<std::optional<BankManifest>> ReadManifest(JetStream& js, const std::string& bucket,
                                                   const std::string& name) {
  StatusOr<std::string> v = js.Get(bucket, BankManifestKey(name));
  if (v.status().code() == StatusCode::kNotFound) return std::optional<BankManifest>();
  if (!v.ok()) return v.status();
  StatusOr<BankManifest> m = ParseBankManifest(*v);
  if (!m.ok()) return std::optional<BankManifest>();
  return std::optional<BankManifest>(std::move(*m));
}

// Writes the chunks of the bank's version `info.version`, then its manifest. Returns nullopt
// when the bank was deleted meanwhile.
StatusOr<std::optional<BankManifest>> WriteBank(Store& store, JetStream& js,
                                                const std::string& bucket, BankInfo info,
                                                BankPublishReport& report) {
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    BankManifest m;
    m.name = info.name;
    m.label = info.label;
    m.version = info.version;
    std::string chunk, line, digests;
    auto flush = [&]() -> Status {
      if (chunk.empty()) return Status::Ok();
      RETURN_IF_ERROR(js.Put(bucket, BankChunkKey(m.name, m.version, m.chunks), chunk));
      digests += DigestBytes(chunk).sha256;
      ++m.chunks;
      ++report.chunks;
      chunk.clear();
      return Status::Ok();
    };
    RETURN_IF_ERROR(ForEachEntry(store, info.name, [&](const StoredEntry& e) -> Status {
      line.clear();
      AppendBankChunkEntry(line, e);
      if (line.size() > kMaxBankChunkBytes) {
        return Status::ResourceExhausted("bank '" + info.name + "': an entry of " +
                                         std::to_string(line.size()) +
                                         " bytes, over the largest value published (" +
                                         std::to_string(kMaxBankChunkBytes) + ")");
      }
      if (!chunk.empty() && chunk.size() + line.size() > kBankChunkBytes) RETURN_IF_ERROR(flush());
      chunk += line;
      ++m.entries;
      return Status::Ok();
    }));
    RETURN_IF_ERROR(flush());
    m.sha256 = DigestBytes(digests).sha256;
    // Every change bumps the version: the same version after reading means the entries read
    // are that version's.
    ASSIGN_OR_RETURN(std::optional<BankInfo> now, FindBank(store, info.name));
    if (!now) return std::optional<BankManifest>();
    if (now->version == info.version) {
      RETURN_IF_ERROR(js.Put(bucket, BankManifestKey(m.name), FormatBankManifest(m)));
      report.entries += m.entries;
      return std::optional<BankManifest>(std::move(m));
    }
    info = std::move(*now);
  }
  return Status::ResourceExhausted("bank '" + info.name + "' changed " +
                                   std::to_string(kWriteAttempts) +
                                   " times while it was published; publish again");
}

}  // namespace

std::string BanksBucket(const std::string& stream) { return stream + "_banks"; }

StatusOr<BankPublishReport> PublishBanks(Store& store, JetStream& js, const std::string& stream) {
  const std::string bucket = BanksBucket(stream);
  RETURN_IF_ERROR(js.EnsureBucket(bucket, 0));
  BankPublishReport report;
  ASSIGN_OR_RETURN(const int64_t generation, BankGeneration(store));
  ASSIGN_OR_RETURN(std::vector<BankInfo> banks, ListBanks(store));
  report.banks = static_cast<int64_t>(banks.size());
  BankIndex index;
  index.generation = generation;
  std::map<std::string, BankManifest> live;  // by key id
  for (const BankInfo& info : banks) {
    ASSIGN_OR_RETURN(std::optional<BankManifest> m, ReadManifest(js, bucket, info.name));
    if (m && m->name == info.name && m->version == info.version) {
      ++report.unchanged;
    } else {
      ASSIGN_OR_RETURN(m, WriteBank(store, js, bucket, info, report));
      if (!m) continue;  // deleted meanwhile
      ++report.written;
    }
    BankInfo listed;
    listed.name = m->name;
    listed.label = m->label;
    listed.version = m->version;
    listed.entries = m->entries;
    index.banks.push_back(std::move(listed));
    live[BankKeyId(m->name)] = std::move(*m);
  }
  // The index names only versions written whole.
  const std::string value = FormatBankIndex(index);
  StatusOr<std::string> old = js.Get(bucket, BankIndexKey());
  if (!old.ok() && old.status().code() != StatusCode::kNotFound) return old.status();
  if (!old.ok() || *old != value) {
    RETURN_IF_ERROR(js.Put(bucket, BankIndexKey(), value));
    report.index_written = true;
  }
  // Then what no manifest names: older versions' chunks (also those a crash left behind) and
  // deleted banks.
  ASSIGN_OR_RETURN(std::vector<std::string> keys, js.Keys(bucket));
  std::string id;
  int64_t version = 0, chunk = 0;
  for (const std::string& key : keys) {
    bool stale = false;
    if (key.rfind("bank.", 0) == 0) {
      stale = live.count(key.substr(5)) == 0;
    } else if (ParseBankChunkKey(key, &id, &version, &chunk)) {
      auto it = live.find(id);
      stale = it == live.end() || it->second.version != version || chunk >= it->second.chunks;
    }
    if (!stale) continue;
    RETURN_IF_ERROR(js.Delete(bucket, key));
    ++report.deleted_keys;
  }
  return report;
}

StatusOr<std::unique_ptr<JetStreamBankSource>> JetStreamBankSource::Open(
    JetStream& js, const std::string& stream) {
  const std::string bucket = BanksBucket(stream);
  RETURN_IF_ERROR(js.EnsureBucket(bucket, 0));
  return std::unique_ptr<JetStreamBankSource>(new JetStreamBankSource(js, bucket));
}

StatusOr<BankIndex> JetStreamBankSource::ReadIndex() {
  StatusOr<std::string> v = js_.Get(bucket_, BankIndexKey());
  if (v.status().code() == StatusCode::kNotFound) return BankIndex();  // nothing published yet
  if (!v.ok()) return v.status();
  StatusOr<BankIndex> index = ParseBankIndex(*v);
  if (!index.ok()) return index.status().At(KeyLocation(bucket_, BankIndexKey()));
  return index;
}

StatusOr<int64_t> JetStreamBankSource::Generation() {
  ASSIGN_OR_RETURN(index_, ReadIndex());
  return index_->generation;
}

StatusOr<std::vector<BankInfo>> JetStreamBankSource::Banks() {
  if (!index_) {
    ASSIGN_OR_RETURN(index_, ReadIndex());
  }
  std::vector<BankInfo> banks = std::move(index_->banks);
  index_.reset();
  return banks;
}

Status JetStreamBankSource::ForEachEntry(const BankInfo& bank,
                                         const std::function<Status(const StoredEntry&)>& f) {
  const std::string key = BankManifestKey(bank.name);
  StatusOr<std::string> v = js_.Get(bucket_, key);
  if (v.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("bank '" + bank.name + "' has no manifest (deleted since the index)",
                            KeyLocation(bucket_, key));
  }
  if (!v.ok()) return v.status();
  StatusOr<BankManifest> m = ParseBankManifest(*v);
  if (!m.ok()) return m.status().At(KeyLocation(bucket_, key));
  if (m->name != bank.name) {
    return Status::Corrupt(
        "manifest of bank '" + m->name + "' under the key of '" + bank.name + "'",
        KeyLocation(bucket_, key));
  }
  if (m->version != bank.version) {
    return Status::NotFound("bank '" + bank.name + "' is at version " + std::to_string(m->version) +
                                ", the index named " + std::to_string(bank.version) +
                                " (published meanwhile)",
                            KeyLocation(bucket_, key));
  }
  std::string digests;
  int64_t entries = 0;
  for (int64_t i = 0; i < m->chunks; ++i) {
    const std::string chunk_key = BankChunkKey(bank.name, m->version, i);
    StatusOr<std::string> chunk = js_.Get(bucket_, chunk_key);
    if (chunk.status().code() == StatusCode::kNotFound) {
      return Status::Corrupt("bank '" + bank.name + "' version " + std::to_string(m->version) +
                                 ": chunk " + std::to_string(i) + " of " +
                                 std::to_string(m->chunks) + " is missing",
                             KeyLocation(bucket_, chunk_key));
    }
    if (!chunk.ok()) return chunk.status();
    digests += DigestBytes(*chunk).sha256;
    Status s = ParseBankChunk(*chunk, [&](const StoredEntry& e) -> Status {
      ++entries;
      return f(e);
    });
    if (!s.ok()) return s.At(KeyLocation(bucket_, chunk_key));
  }
  if (entries != m->entries || DigestBytes(digests).sha256 != m->sha256) {
    return Status::Corrupt("bank '" + bank.name + "' version " + std::to_string(m->version) +
                               ": its chunks do not match the manifest (" +
                               std::to_string(entries) + " entries, the manifest says " +
                               std::to_string(m->entries) + ")",
                           KeyLocation(bucket_, key));
  }
  return Status::Ok();
}

Status FollowBanks(Store& store, JetStream& js, const std::string& stream,
                   const FollowOptions& options) {
  auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };
  std::optional<int64_t> published;  // the store generation last published
  while (!stopped()) {
    StatusOr<int64_t> generation = BankGeneration(store);
    if (!generation.ok()) {
      if (options.on_error) options.on_error(generation.status());
    } else if (published != *generation) {
      StatusOr<BankPublishReport> r = PublishBanks(store, js, stream);
      if (!r.ok()) {
        if (options.on_error) options.on_error(r.status());
      } else {
        published = *generation;
        if (options.on_publish && (r->written > 0 || r->deleted_keys > 0 || r->index_written)) {
          options.on_publish(*r);
        }
      }
    }
    for (int64_t slept = 0; slept < options.interval_ms && !stopped(); slept += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return Status::Ok();
}

}  // namespace cordon::distribute
