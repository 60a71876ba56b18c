#include "cordon/distribute/jetstream.h"

#include <nats/nats.h>

#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>

namespace cordon::distribute {
namespace {

constexpr int64_t kNanosPerMs = 1000000;

// A failure of nats.c as a Status: its status text, the JetStream error code when there is
// one, and nats.c's last error message (which names the server's complaint).
Status NatsError(std::string_view what, natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string m = std::string("nats ") + std::string(what) + ": " + natsStatus_GetText(s);
  if (jerr != 0) m += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  if (text != nullptr && *text != '\0' && std::string_view(text) != natsStatus_GetText(s)) {
    m += ": ";
    m += text;
  }
  return Status::IoError(m);
}

std::vector<std::string> SplitUrls(const std::string& urls) {
  std::vector<std::string> out;
  std::stringstream in(urls);
  std::string u;
  while (std::getline(in, u, ',')) {
    if (!u.empty()) out.push_back(u);
  }
  return out;
}

// Calls `op` until it succeeds, fails for good, or `attempts` tries pass: a cluster that lost
// its leader answers "no responders" or times out for the few seconds an election takes.
template <typename Op>
natsStatus Retrying(Op op, int attempts = 40) {
  natsStatus s = NATS_OK;
  for (int i = 0; i < attempts; ++i) {
    s = op();
    if (s != NATS_TIMEOUT && s != NATS_NO_RESPONDERS && s != NATS_CONNECTION_DISCONNECTED) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return s;
}

void OnPublishAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);

}  // namespace

struct JetStream::Impl {
  // Asynchronous publishes: counted by the acknowledgement handler (nats.c's thread).
  std::mutex mu;
  int64_t async_published = 0;
  int64_t async_duplicates = 0;
  Status async_error;

  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  natsSubscription* sub = nullptr;
  std::vector<std::pair<std::string, kvStore*>> buckets;
  std::string urls;

  ~Impl() {
    for (auto& [name, kv] : buckets) kvStore_Destroy(kv);
    if (sub != nullptr) natsSubscription_Destroy(sub);
    if (js != nullptr) jsCtx_Destroy(js);
    if (nc != nullptr) natsConnection_Destroy(nc);
    if (opts != nullptr) natsOptions_Destroy(opts);
  }
  kvStore* Bucket(const std::string& name) {
    for (auto& [n, kv] : buckets) {
      if (n == name) return kv;
    }
    return nullptr;
  }
};

namespace {

void OnPublishAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* m = static_cast<JetStream::Impl*>(closure);
  {
    std::lock_guard lock(m->mu);
    if (pa != nullptr) {
      ++(pa->Duplicate ? m->async_duplicates : m->async_published);
    } else if (pae != nullptr && m->async_error.ok()) {
      std::string text = std::string("nats publish: ") + natsStatus_GetText(pae->Err);
      if (pae->ErrText != nullptr) text += std::string(": ") + pae->ErrText;
      m->async_error = Status::IoError(text);
    }
  }
  natsMsg_Destroy(msg);
}

}  // namespace

JetStream::JetStream() : impl_(std::make_unique<Impl>()) {}
JetStream::~JetStream() = default;

StatusOr<std::unique_ptr<JetStream>> JetStream::Connect(const std::string& urls) {
  const std::vector<std::string> list = SplitUrls(urls);
  if (list.empty()) return Status::InvalidArgument("--nats: no server URL given");
  for (const std::string& u : list) {
    if (u.rfind("nats://", 0) != 0 && u.rfind("tls://", 0) != 0) {
      return Status::InvalidArgument("--nats: '" + u + "' is not a nats:// or tls:// URL");
    }
  }
  std::unique_ptr<JetStream> j(new JetStream());
  Impl& m = *j->impl_;
  m.urls = urls;
  std::vector<const char*> servers;
  for (const std::string& u : list) servers.push_back(u.c_str());
  natsStatus s = natsOptions_Create(&m.opts);
  if (s == NATS_OK)
    s = natsOptions_SetServers(m.opts, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(m.opts, -1);  // for as long as we live
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(m.opts, 250);
  if (s == NATS_OK) s = natsOptions_SetTimeout(m.opts, 5000);
  if (s != NATS_OK) return NatsError("options", s);
  s = natsConnection_Connect(&m.nc, m.opts);
  if (s != NATS_OK) return NatsError("connect to " + urls, s);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = 4096;
  jo.PublishAsync.AckHandler = &OnPublishAck;
  jo.PublishAsync.AckHandlerClosure = &m;
  s = natsConnection_JetStream(&m.js, m.nc, &jo);
  if (s != NATS_OK) return NatsError("JetStream context", s);
  return j;
}

Status JetStream::EnsureStream(const StreamSpec& spec) {
  jsErrCode jerr = static_cast<jsErrCode>(0);
  jsStreamInfo* si = nullptr;
  natsStatus s =
      Retrying([&] { return js_GetStreamInfo(&si, impl_->js, spec.name.c_str(), nullptr, &jerr); });
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(si);
    return Status::Ok();
  }
  if (s != NATS_NOT_FOUND && jerr != JSStreamNotFoundErr) {
    return NatsError("stream info " + spec.name, s, jerr);
  }
  const std::string subject = spec.name + ".>";
  const char* subjects[] = {subject.c_str()};
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = spec.name.c_str();
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Replicas = spec.replicas;
  cfg.Duplicates = spec.duplicate_window_ms * kNanosPerMs;
  jerr = static_cast<jsErrCode>(0);
  s = Retrying([&] { return js_AddStream(&si, impl_->js, &cfg, nullptr, &jerr); });
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(si);
    return Status::Ok();
  }
  if (jerr == JSStreamNameExistErr) return Status::Ok();  // another publisher made it first
  return NatsError("add stream " + spec.name, s, jerr);
}

StatusOr<StreamState> JetStream::GetStreamState(const std::string& stream) {
  jsErrCode jerr = static_cast<jsErrCode>(0);
  jsStreamInfo* si = nullptr;
  natsStatus s =
      Retrying([&] { return js_GetStreamInfo(&si, impl_->js, stream.c_str(), nullptr, &jerr); });
  if (s != NATS_OK) return NatsError("stream info " + stream, s, jerr);
  StreamState st;
  st.messages = si->State.Msgs;
  st.bytes = si->State.Bytes;
  st.first_seq = si->State.FirstSeq;
  st.last_seq = si->State.LastSeq;
  st.replicas = si->Config != nullptr ? static_cast<int>(si->Config->Replicas) : 0;
  if (si->Cluster != nullptr && si->Cluster->Leader != nullptr) st.leader = si->Cluster->Leader;
  jsStreamInfo_Destroy(si);
  return st;
}

Status JetStream::Publish(const std::string& subject, std::string_view data,
                          const std::string& msg_id, bool* duplicate) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  po.MaxWait = 5000;
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = Retrying([&] {
    return js_Publish(&ack, impl_->js, subject.c_str(), data.data(), static_cast<int>(data.size()),
                      &po, &jerr);
  });
  if (s != NATS_OK) return NatsError("publish to " + subject, s, jerr);
  if (duplicate != nullptr) *duplicate = ack->Duplicate;
  jsPubAck_Destroy(ack);
  return Status::Ok();
}

Status JetStream::PublishAsync(const std::string& subject, std::string_view data,
                               const std::string& msg_id) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  natsStatus s =
      js_PublishAsync(impl_->js, subject.c_str(), data.data(), static_cast<int>(data.size()), &po);
  if (s != NATS_OK) return NatsError("publish to " + subject, s);
  return Status::Ok();
}

Status JetStream::PublishComplete(int64_t* published, int64_t* duplicates) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 60000;
  natsStatus s = js_PublishAsyncComplete(impl_->js, &po);
  std::lock_guard lock(impl_->mu);
  if (published != nullptr) *published += impl_->async_published;
  if (duplicates != nullptr) *duplicates += impl_->async_duplicates;
  impl_->async_published = impl_->async_duplicates = 0;
  Status error = impl_->async_error;
  impl_->async_error = Status::Ok();
  if (s != NATS_OK) return NatsError("publish (waiting for acknowledgements)", s);
  return error;
}

Status JetStream::Subscribe(const std::string& stream, const std::string& durable,
                            int64_t ack_wait_ms) {
  if (impl_->sub != nullptr) return Status::InvalidArgument("already subscribed");
  const std::string subject = stream + ".>";
  jsErrCode jerr = static_cast<jsErrCode>(0);
  // Bind to the shared consumer as it is when it exists (its settings are the first worker's);
  // create it otherwise. Two workers starting at once: the second's create finds it made.
  for (int attempt = 0; attempt < 3; ++attempt) {
    jsSubOptions bind;
    jsSubOptions_Init(&bind);
    bind.Stream = stream.c_str();
    bind.Consumer = durable.c_str();
    natsStatus s = Retrying([&] {
      return js_PullSubscribe(&impl_->sub, impl_->js, subject.c_str(), durable.c_str(), nullptr,
                              &bind, &jerr);
    });
    if (s == NATS_OK) return Status::Ok();
    if (s != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
      return NatsError("bind to consumer " + durable, s, jerr);
    }
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    so.Config.Durable = durable.c_str();
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.AckWait = ack_wait_ms * kNanosPerMs;
    so.Config.MaxAckPending = 100000;
    jerr = static_cast<jsErrCode>(0);
    s = Retrying([&] {
      return js_PullSubscribe(&impl_->sub, impl_->js, subject.c_str(), durable.c_str(), nullptr,
                              &so, &jerr);
    });
    if (s == NATS_OK) return Status::Ok();
    if (jerr != JSConsumerNameExistErr) return NatsError("subscribe to " + subject, s, jerr);
  }
  return Status::IoError("nats: could not create or bind to consumer " + durable);
}

Status JetStream::DeleteConsumer(const std::string& stream, const std::string& name) {
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = Retrying(
      [&] { return js_DeleteConsumer(impl_->js, stream.c_str(), name.c_str(), nullptr, &jerr); });
  if (s == NATS_OK || s == NATS_NOT_FOUND || jerr == JSConsumerNotFoundErr) return Status::Ok();
  return NatsError("delete consumer " + name, s, jerr);
}

Status JetStream::SubscribeReader(const std::string& stream, const std::string& name,
                                  const std::string& filter) {
  if (impl_->sub != nullptr) return Status::InvalidArgument("already subscribed");
  RETURN_IF_ERROR(DeleteConsumer(stream, name));
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Config.Durable = name.c_str();
  so.Config.AckPolicy = js_AckNone;
  so.Config.DeliverPolicy = js_DeliverAll;
  so.Config.FilterSubject = filter.c_str();
  // A reader whose process died without deleting it goes after a minute unused.
  so.Config.InactiveThreshold = 60000 * kNanosPerMs;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = Retrying([&] {
    return js_PullSubscribe(&impl_->sub, impl_->js, filter.c_str(), name.c_str(), nullptr, &so,
                            &jerr);
  });
  if (s != NATS_OK) return NatsError("read " + filter, s, jerr);
  return Status::Ok();
}

StatusOr<std::vector<Message>> JetStream::Fetch(int max, int64_t wait_ms) {
  if (impl_->sub == nullptr) return Status::InvalidArgument("Fetch before Subscribe");
  natsMsgList list{};
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_Fetch(&list, impl_->sub, max, wait_ms, &jerr);
  std::vector<Message> out;
  if (s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS || s == NATS_CONNECTION_DISCONNECTED) {
    natsMsgList_Destroy(&list);
    return out;  // nothing now; a leader election or a reconnect looks the same to the caller
  }
  if (s != NATS_OK) {
    natsMsgList_Destroy(&list);
    return NatsError("fetch", s, jerr);
  }
  out.reserve(static_cast<size_t>(list.Count));
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* msg = list.Msgs[i];
    list.Msgs[i] = nullptr;  // ours now
    Message m;
    m.subject = natsMsg_GetSubject(msg);
    m.data.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      m.stream_seq = meta->Sequence.Stream;
      jsMsgMetaData_Destroy(meta);
    }
    m.handle = msg;
    out.push_back(std::move(m));
  }
  natsMsgList_Destroy(&list);
  return out;
}

Status JetStream::AckAll(std::vector<Message>& batch) {
  natsStatus s = NATS_OK;
  for (Message& m : batch) {
    if (m.handle == nullptr) continue;
    auto* msg = static_cast<natsMsg*>(m.handle);
    if (s == NATS_OK) s = natsMsg_Ack(msg, nullptr);
    natsMsg_Destroy(msg);
    m.handle = nullptr;
  }
  if (s != NATS_OK && s != NATS_CONNECTION_DISCONNECTED) return NatsError("ack", s);
  // While the client reconnects to another node the acks wait in its buffer and a flush times
  // out; an ack that never arrives means a redelivery, which changes nothing (idempotent).
  (void)natsConnection_FlushTimeout(impl_->nc, 10000);
  return Status::Ok();
}

void JetStream::NakAll(std::vector<Message>& batch) {
  for (Message& m : batch) {
    if (m.handle == nullptr) continue;
    auto* msg = static_cast<natsMsg*>(m.handle);
    (void)natsMsg_Nak(msg, nullptr);  // lost: redelivered after the ack wait instead
    natsMsg_Destroy(msg);
    m.handle = nullptr;
  }
  (void)natsConnection_FlushTimeout(impl_->nc, 5000);
}

void JetStream::Drop(Message& m) {
  if (m.handle != nullptr) natsMsg_Destroy(static_cast<natsMsg*>(m.handle));
  m.handle = nullptr;
}

StatusOr<ConsumerState> JetStream::GetConsumerState(const std::string& stream,
                                                    const std::string& durable) {
  jsConsumerInfo* ci = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = Retrying([&] {
    return js_GetConsumerInfo(&ci, impl_->js, stream.c_str(), durable.c_str(), nullptr, &jerr);
  });
  if (s == NATS_NOT_FOUND || jerr == JSConsumerNotFoundErr) {
    return Status::NotFound("no consumer '" + durable + "' on stream " + stream);
  }
  if (s != NATS_OK) return NatsError("consumer info " + durable, s, jerr);
  ConsumerState st;
  st.pending = ci->NumPending;
  st.ack_pending = ci->NumAckPending;
  st.redelivered = static_cast<uint64_t>(ci->NumRedelivered);
  st.delivered = ci->Delivered.Consumer;
  jsConsumerInfo_Destroy(ci);
  return st;
}

Status JetStream::EnsureBucket(const std::string& bucket, int64_t max_age_ms) {
  if (impl_->Bucket(bucket) != nullptr) return Status::Ok();
  kvStore* kv = nullptr;
  natsStatus s = Retrying([&] { return js_KeyValue(&kv, impl_->js, bucket.c_str()); });
  if (s != NATS_OK) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = bucket.c_str();
    cfg.History = 1;
    cfg.TTL = max_age_ms * kNanosPerMs;
    s = Retrying([&] { return js_CreateKeyValue(&kv, impl_->js, &cfg); });
    // Another process may have made it between the two calls.
    if (s != NATS_OK) s = js_KeyValue(&kv, impl_->js, bucket.c_str());
  }
  if (s != NATS_OK) return NatsError("key-value bucket " + bucket, s);
  impl_->buckets.emplace_back(bucket, kv);
  return Status::Ok();
}

Status JetStream::Put(const std::string& bucket, const std::string& key, std::string_view value) {
  kvStore* kv = impl_->Bucket(bucket);
  if (kv == nullptr) return Status::InvalidArgument("bucket " + bucket + " not opened");
  uint64_t rev = 0;
  natsStatus s = Retrying([&] {
    return kvStore_Put(&rev, kv, key.c_str(), value.data(), static_cast<int>(value.size()));
  });
  if (s != NATS_OK) return NatsError("put " + bucket + "/" + key, s);
  return Status::Ok();
}

StatusOr<std::string> JetStream::Get(const std::string& bucket, const std::string& key) {
  kvStore* kv = impl_->Bucket(bucket);
  if (kv == nullptr) return Status::InvalidArgument("bucket " + bucket + " not opened");
  kvEntry* e = nullptr;
  natsStatus s = Retrying([&] { return kvStore_Get(&e, kv, key.c_str()); });
  if (s == NATS_NOT_FOUND) return Status::NotFound(bucket + "/" + key);
  if (s != NATS_OK) return NatsError("get " + bucket + "/" + key, s);
  std::string v(static_cast<const char*>(kvEntry_Value(e)),
                static_cast<size_t>(kvEntry_ValueLen(e)));
  kvEntry_Destroy(e);
  return v;
}

Status JetStream::Delete(const std::string& bucket, const std::string& key) {
  kvStore* kv = impl_->Bucket(bucket);
  if (kv == nullptr) return Status::InvalidArgument("bucket " + bucket + " not opened");
  natsStatus s = Retrying([&] { return kvStore_Delete(kv, key.c_str()); });
  if (s != NATS_OK && s != NATS_NOT_FOUND) return NatsError("delete " + bucket + "/" + key, s);
  return Status::Ok();
}

StatusOr<std::vector<std::string>> JetStream::Keys(const std::string& bucket) {
  kvStore* kv = impl_->Bucket(bucket);
  if (kv == nullptr) return Status::InvalidArgument("bucket " + bucket + " not opened");
  kvKeysList list{};
  natsStatus s = Retrying([&] { return kvStore_Keys(&list, kv, nullptr); });
  std::vector<std::string> out;
  if (s == NATS_NOT_FOUND) return out;  // an empty bucket
  if (s != NATS_OK) return NatsError("keys of " + bucket, s);
  for (int i = 0; i < list.Count; ++i) out.emplace_back(list.Keys[i]);
  kvKeysList_Destroy(&list);
  return out;
}

namespace {

// The key's revision now: 0 when it is absent or deleted.
StatusOr<uint64_t> Revision(kvStore* kv, const std::string& key) {
  kvEntry* e = nullptr;
  natsStatus s = Retrying([&] { return kvStore_Get(&e, kv, key.c_str()); });
  if (s == NATS_NOT_FOUND) return uint64_t{0};
  if (s != NATS_OK) return NatsError("get " + key, s);
  const uint64_t rev = kvEntry_Revision(e);
  kvEntry_Destroy(e);
  return rev;
}

}  // namespace

// Not retried: a write that landed but whose answer was lost would be read as a refusal. The
// caller tries again later (a lease), which is safe.
StatusOr<bool> JetStream::CreateKey(const std::string& bucket, const std::string& key,
                                    std::string_view value, uint64_t* revision) {
  kvStore* kv = impl_->Bucket(bucket);
  if (kv == nullptr) return Status::InvalidArgument("bucket " + bucket + " not opened");
  uint64_t rev = 0;
  natsStatus s =
      kvStore_Create(&rev, kv, key.c_str(), value.data(), static_cast<int>(value.size()));
  if (s == NATS_OK) {
    *revision = rev;
    return true;
  }
  ASSIGN_OR_RETURN(uint64_t now, Revision(kv, key));
  if (now != 0) return false;  // someone else's
  return NatsError("create " + bucket + "/" + key, s);
}

StatusOr<bool> JetStream::UpdateKey(const std::string& bucket, const std::string& key,
                                    std::string_view value, uint64_t* revision) {
  kvStore* kv = impl_->Bucket(bucket);
  if (kv == nullptr) return Status::InvalidArgument("bucket " + bucket + " not opened");
  uint64_t rev = 0;
  natsStatus s = kvStore_Update(&rev, kv, key.c_str(), value.data(), static_cast<int>(value.size()),
                                *revision);
  if (s == NATS_OK) {
    *revision = rev;
    return true;
  }
  ASSIGN_OR_RETURN(uint64_t now, Revision(kv, key));
  if (now != *revision) return false;  // expired, deleted or taken
  return NatsError("update " + bucket + "/" + key, s);
}

const std::string& JetStream::urls() const { return impl_->urls; }

}  // namespace cordon::distribute
