#include "cordon/store/match_table.h"

#include "cordon/store/sql.h"

namespace cordon {
namespace {

// Names the database in an error that does not name a place already.
Status Located(Store& store, const Status& s) { return s.At(Location{store.path()}); }

// Media indexes ingest writes are below this; others are not read back.
constexpr int64_t kMaxMediaIndex = 4096;

}  // namespace

struct MatchWriter::Rep {
  Statement upsert;
  Status status;
};

MatchWriter::MatchWriter(Store& store) : store_(store), rep_(std::make_unique<Rep>()) {
  rep_->upsert =
      Statement(StoreHandle(store),
                "INSERT INTO matches(message, media_idx, bank, signal_type, signal, "
                "distance, query, label, chat, time) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
                "ON CONFLICT(message, media_idx, bank, signal_type, signal) DO UPDATE SET "
                "distance = excluded.distance, query = excluded.query, "
                "label = excluded.label, chat = excluded.chat, time = excluded.time");
  if (!rep_->upsert.ok()) rep_->status = Located(store, rep_->upsert.status());
}

MatchWriter::~MatchWriter() = default;

const Status& MatchWriter::status() const { return rep_->status; }

Evidence MatchEvidence(const MatchRow& match) {
  Evidence e;
  e.signal = "match";
  e.refs = {match.message, match.bank + "/" + match.signal_type + "/" + match.signal};
  e.value = static_cast<double>(match.distance);
  e.time = match.time;
  e.detail = match.label;
  return e;
}

Status MatchWriter::Put(const MatchRow& x) {
  if (!rep_->status.ok()) return rep_->status;
  return Located(store_, rep_->upsert.Bind(1, x.message)
                             .Bind(2, x.media_idx)
                             .Bind(3, x.bank)
                             .Bind(4, x.signal_type)
                             .Bind(5, x.signal)
                             .Bind(6, x.distance)
                             .BindOrNull(7, x.query)
                             .BindOrNull(8, x.label)
                             .BindOrNull(9, x.chat)
                             .Bind(10, x.time)
                             .Run());
}

Status ForEachMessageContent(Store& store, const std::function<Status(const MessageEvent&)>& f) {
  Statement msgs(StoreHandle(store), "SELECT id, key, chat, time, text FROM messages ORDER BY id");
  Statement media(StoreHandle(store),
                  "SELECT idx, kind, sha256, md5, pdq, vpdq FROM media WHERE message_id = ?1 "
                  "ORDER BY idx");
  if (!msgs.ok()) return Located(store, msgs.status());
  if (!media.ok()) return Located(store, media.status());
  MessageEvent m;
  while (msgs.Step()) {
    m.key = msgs.Text(1);
    m.chat = msgs.Text(2);
    m.time = msgs.Int(3);
    m.text = msgs.Text(4);
    m.media.clear();
    media.Bind(1, msgs.Int(0));
    while (media.Step()) {
      // Keep media indexes as stored: fill gaps so position i is idx i.
      const int64_t stored = media.Int(0);
      if (stored < 0 || stored >= kMaxMediaIndex) continue;
      const size_t idx = static_cast<size_t>(stored);
      if (m.media.size() <= idx) m.media.resize(idx + 1);
      Media& md = m.media[idx];
      md.kind = media.Text(1);
      md.sha256 = media.Text(2);
      md.md5 = media.Text(3);
      md.pdq = media.Text(4);
      md.vpdq = media.Text(5);
    }
    if (!media.status().ok()) return Located(store, media.status());
    media.Reset();
    Status s = f(m);
    if (!s.ok()) return s;
  }
  return Located(store, msgs.status());
}

}  // namespace cordon
