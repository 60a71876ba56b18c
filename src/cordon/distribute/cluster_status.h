// `cordon cluster status`: the state of a distributed ingest, from JetStream (the stream, the
// shared consumer, the workers' heartbeats) and the shared store.
// Thread safety: one call at a time per JetStream.
#pragma once

#include <string>
#include <vector>

#include "cordon/distribute/jetstream.h"
#include "cordon/store/store.h"

namespace cordon::distribute {

struct ClusterStatus {
  std::string stream_name;
  StreamState stream;
  bool consumer_exists = false;
  ConsumerState consumer;
  // Published messages not yet applied: the consumer's pending and unacknowledged ones (every
  // message of the stream when no worker has started).
  uint64_t pending = 0;
  std::vector<std::string> workers;  // heartbeat JSON objects, by name
  std::string detector;  // the global detector's lease (JSON object), "" when nobody holds it
};

StatusOr<ClusterStatus> GetClusterStatus(JetStream& js, const std::string& stream,
                                         const std::string& durable);

// {"pending":N,"workers":[...],"detector":{...}|null,"stream":{...},"consumer":{...},
// "store":{stats --json}}; the
// store part is left out when `store` is null.
std::string ClusterStatusJson(const ClusterStatus& status, const StoreStats* store);

}  // namespace cordon::distribute
