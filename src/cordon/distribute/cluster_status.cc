#include "cordon/distribute/cluster_status.h"

#include <algorithm>

#include <simdjson.h>

#include "cordon/distribute/global_detector.h"
#include "cordon/distribute/publish.h"
#include "cordon/store/stats_json.h"
#include "cordon/util/json_writer.h"

namespace cordon::distribute {
namespace {

// A bucket's value goes into the output as it is only when it is one JSON object (what workers
// write); anything else anyone with access to the bucket wrote goes in as a string.
void Value(JsonWriter& w, const std::string& v) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(simdjson::padded_string(v)).get(o) == simdjson::SUCCESS) {
    w.Raw(v);
  } else {
    w.String(v);
  }
}

}  // namespace

StatusOr<ClusterStatus> GetClusterStatus(JetStream& js, const std::string& stream,
                                         const std::string& durable) {
  ClusterStatus st;
  st.stream_name = stream;
  ASSIGN_OR_RETURN(st.stream, js.GetStreamState(stream));
  StatusOr<ConsumerState> c = js.GetConsumerState(stream, durable);
  if (c.ok()) {
    st.consumer_exists = true;
    st.consumer = *c;
    st.pending = c->pending + static_cast<uint64_t>(std::max<int64_t>(c->ack_pending, 0));
  } else if (c.status().code() == StatusCode::kNotFound) {
    st.pending = st.stream.messages;
  } else {
    return c.status();
  }
  const std::string bucket = WorkersBucket(stream);
  RETURN_IF_ERROR(js.EnsureBucket(bucket, kHeartbeatTtlMs));
  ASSIGN_OR_RETURN(std::vector<std::string> names, js.Keys(bucket));
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    StatusOr<std::string> v = js.Get(bucket, n);
    if (v.ok()) st.workers.push_back(*v);  // one that expired between the calls is left out
  }
  const std::string detector = DetectorBucket(stream);
  RETURN_IF_ERROR(js.EnsureBucket(detector, kDetectorLeaseTtlMs));
  StatusOr<std::string> lease = js.Get(detector, kDetectorLeaseKey);
  if (lease.ok()) {
    st.detector = *lease;
  } else if (lease.status().code() != StatusCode::kNotFound) {
    return lease.status();
  }
  return st;
}

std::string ClusterStatusJson(const ClusterStatus& s, const StoreStats* store) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("pending").Int(static_cast<int64_t>(s.pending));
  w.Key("workers").BeginArray();
  for (const std::string& h : s.workers) Value(w, h);
  w.EndArray();
  w.Key("detector");
  if (s.detector.empty()) {
    w.Null();
  } else {
    Value(w, s.detector);
  }
  w.Key("stream")
      .BeginObject()
      .Field("name", s.stream_name)
      .Field("messages", static_cast<int64_t>(s.stream.messages))
      .Field("bytes", static_cast<int64_t>(s.stream.bytes))
      .Field("first_seq", static_cast<int64_t>(s.stream.first_seq))
      .Field("last_seq", static_cast<int64_t>(s.stream.last_seq))
      .Field("replicas", s.stream.replicas)
      .Field("leader", s.stream.leader)
      .EndObject();
  w.Key("consumer");
  if (s.consumer_exists) {
    w.BeginObject()
        .Field("pending", static_cast<int64_t>(s.consumer.pending))
        .Field("ack_pending", s.consumer.ack_pending)
        .Field("redelivered", static_cast<int64_t>(s.consumer.redelivered))
        .Field("delivered", static_cast<int64_t>(s.consumer.delivered))
        .EndObject();
  } else {
    w.Null();
  }
  if (store != nullptr) w.Key("store").Raw(StoreStatsJson(*store));
  w.EndObject();
  return out;
}

}  // namespace cordon::distribute
