// `cordon publish`: reads inputs with the same importers as `cordon ingest` and publishes what
// they hold to a JetStream stream, for `cordon worker`s to apply (docs/design.md, "Workers on
// NATS JetStream"; the message forms in docs/formats/stream.md).
//
//   NAME.events.<p>   one cordon events v1 line; <p> = partition of the event's chat (entity,
//                     target), so one chat's events share a subject and stay in order
//   NAME.notes        a reject, a weird or a finished file, as the store records them
//
// Every message carries an id derived from its content, so JetStream drops a repeat inside the
// stream's duplicate window; a file published whole is recorded in the bucket NAME_files (by
// canonical path, size, mtime and the digest of its first 64 KiB, as ingest identifies files)
// and skipped later, so publishing the same input again, hours later, adds nothing. A file cut
// short by a crash is published again whole: its messages repeat inside the window and are
// dropped; after the window they are applied again, which changes nothing (the store's
// upserts are idempotent).
//
// Thread safety: one call at a time per JetStream.
#pragma once

#include <string>
#include <vector>

#include "cordon/distribute/jetstream.h"
#include "cordon/ingest/ingest.h"

namespace cordon::distribute {

struct PublishOptions {
  StreamSpec stream;
  int partitions = 16;
  // As for ingest: forced importer, limits, media hashing beside the inputs.
  std::string format;
  ImportLimits limits;
  bool hash_media = true;
  std::vector<std::string> media_roots;
  double video_seconds_per_hash = 1.0;
  // Publish files again that were published whole before.
  bool republish = false;
};

struct PublishReport {
  IngestReport ingest;        // per file, events, rejects and weirds, as ingest reports them
  int64_t published = 0;      // messages the stream took
  int64_t duplicates = 0;     // messages the stream dropped as repeats
  int64_t skipped_files = 0;  // published whole before
};

// The partition of an event: FNV-1a of its chat key (a message's, membership's or invite's
// chat; an entity's own key; a takedown's target) modulo `partitions`.
int PartitionOf(const Event& event, int partitions);

StatusOr<PublishReport> PublishInputs(JetStream& js, const std::vector<std::string>& inputs,
                                      const PublishOptions& options);

// The bucket of files published whole, and of the workers' heartbeats, for a stream.
std::string FilesBucket(const std::string& stream);
std::string WorkersBucket(const std::string& stream);
// A worker silent this long drops out of the workers bucket (its keys' age limit: whoever
// makes the bucket first, a worker or `cluster status`, makes it with this).
inline constexpr int64_t kHeartbeatTtlMs = 15000;

}  // namespace cordon::distribute
