// A small typed face over NATS JetStream (Debian's libnats-dev, the nats.c client): the one file
// of the engine that talks to NATS. Everything cordon needs of it: connect to a cluster, make
// sure a stream exists, publish with a message id (JetStream drops a repeat within the stream's
// duplicate window), pull from a durable consumer with explicit acknowledgement, read stream
// and consumer state, and key-value buckets (the workers' heartbeats, the files published, the
// banks).
//
// Ownership: a JetStream owns its connection; Messages own what they hold and must be acked or
// dropped (then redelivered after the consumer's ack wait) before the JetStream is destroyed.
// Thread safety: one thread at a time per JetStream (nats.c's connection is thread-safe, but
// these wrappers keep per-call scratch).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/util/status.h"

namespace cordon::distribute {

struct StreamSpec {
  std::string name = "CORDON";  // also the subject prefix: NAME.events.<partition>, NAME.notes.*
  int replicas = 1;             // 3 on a 3-node cluster
  // How long JetStream remembers message ids to drop repeats. Publishing also skips a file
  // published whole before (a key in the stream's files bucket), so a repeat after the window
  // adds nothing either.
  int64_t duplicate_window_ms = 24LL * 3600 * 1000;
};

struct StreamState {
  uint64_t messages = 0;
  uint64_t bytes = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  int replicas = 0;
  std::string leader;  // empty outside a cluster
};

struct ConsumerState {
  uint64_t pending = 0;      // not yet delivered
  int64_t ack_pending = 0;   // delivered, not yet acknowledged
  uint64_t redelivered = 0;  // delivered more than once
  uint64_t delivered = 0;    // consumer sequence of the last delivery
};

// One message pulled from a consumer.
struct Message {
  std::string subject;
  std::string data;
  uint64_t stream_seq = 0;
  void* handle = nullptr;  // the nats.c message; owned, released by Ack or the JetStream
};

class JetStream {
 public:
  // `urls`: comma-separated nats:// URLs of one cluster. Reconnects on its own when a server
  // goes away (it tries the others), for as long as the process lives.
  static StatusOr<std::unique_ptr<JetStream>> Connect(const std::string& urls);
  ~JetStream();
  JetStream(const JetStream&) = delete;
  JetStream& operator=(const JetStream&) = delete;

  // Creates the stream (subjects NAME.>) unless it exists; an existing stream is left as it is.
  Status EnsureStream(const StreamSpec& spec);
  StatusOr<StreamState> GetStreamState(const std::string& stream);

  // Publishes and waits for the stream's acknowledgement; *duplicate is set when JetStream
  // dropped it as a repeat of `msg_id`. Retries while the cluster elects a leader.
  Status Publish(const std::string& subject, std::string_view data, const std::string& msg_id,
                 bool* duplicate);

  // Publishes without waiting for the acknowledgement (at most a few thousand in flight);
  // PublishComplete waits for every one and says how they went.
  Status PublishAsync(const std::string& subject, std::string_view data, const std::string& msg_id);
  // Waits for the acknowledgements of every asynchronous publish so far; adds to *published and
  // *duplicates what the stream took and dropped since the last call. The first failure of
  // any of them is returned (the caller publishes again: the ids drop what got through).
  Status PublishComplete(int64_t* published, int64_t* duplicates);

  // A durable pull consumer over NAME.> with explicit acknowledgement: an unacknowledged
  // message comes again after the ack wait. Binds to the consumer as it is when it exists;
  // creates it with `ack_wait_ms` otherwise.
  Status Subscribe(const std::string& stream, const std::string& durable, int64_t ack_wait_ms);
  // A pull consumer that reads `filter` (a subject of the stream, wildcards allowed) from the
  // stream's first message, without acknowledgements: a reader that folds the whole stream
  // (the global detector). The durable `name` is deleted first when it exists, so the read
  // always starts at the beginning; DeleteConsumer removes it when done. Its pending count
  // (GetConsumerState) is what it has not been given yet.
  Status SubscribeReader(const std::string& stream, const std::string& name,
                         const std::string& filter);
  Status DeleteConsumer(const std::string& stream, const std::string& name);
  // Up to `max` messages, waiting at most `wait_ms` for the first; an empty list on timeout.
  StatusOr<std::vector<Message>> Fetch(int max, int64_t wait_ms);
  // Acknowledges (and releases) the messages of a batch: the acks are sent and flushed to the
  // server, not confirmed one by one (a round trip each). An ack lost on the way only means a
  // redelivery, which changes nothing when effects are idempotent.
  Status AckAll(std::vector<Message>& batch);
  // Hands a batch back for redelivery at once (negative acknowledgements) and releases it.
  void NakAll(std::vector<Message>& batch);
  // Releases a message without acknowledging it (it will be redelivered after the ack wait).
  void Drop(Message& m);
  StatusOr<ConsumerState> GetConsumerState(const std::string& stream, const std::string& durable);

  // Key-value bucket (created unless it exists). `max_age_ms` > 0 expires keys not written
  // since (the workers' heartbeats).
  Status EnsureBucket(const std::string& bucket, int64_t max_age_ms);
  Status Put(const std::string& bucket, const std::string& key, std::string_view value);
  // NotFound when the key is absent (or deleted).
  StatusOr<std::string> Get(const std::string& bucket, const std::string& key);
  // Deletes the key (a delete marker stays in the bucket's stream); Ok when it was absent.
  Status Delete(const std::string& bucket, const std::string& key);
  StatusOr<std::vector<std::string>> Keys(const std::string& bucket);
  // Compare-and-set, for a lease: CreateKey writes only when the key is absent, UpdateKey only
  // when its revision is still *revision; both set *revision to the new one and return false
  // (writing nothing) when the key was there, or moved on.
  StatusOr<bool> CreateKey(const std::string& bucket, const std::string& key,
                           std::string_view value, uint64_t* revision);
  StatusOr<bool> UpdateKey(const std::string& bucket, const std::string& key,
                           std::string_view value, uint64_t* revision);

  // The URLs given to Connect (for a second connection of the same process).
  const std::string& urls() const;

  struct Impl;  // internal (public only for nats.c's callbacks in jetstream.cc)

 private:
  JetStream();
  std::unique_ptr<Impl> impl_;
};

}  // namespace cordon::distribute
