#include "cordon/store/match_queries.h"

#include <algorithm>
#include <limits>

#include "cordon/store/sql.h"
#include "cordon/util/json_writer.h"

namespace cordon {
namespace {

const char* BankFilter(const std::string& bank) { return bank.empty() ? "?1 = ''" : "bank = ?1"; }

StoredMatch ReadMatch(Statement& q, int first) {
  StoredMatch m;
  m.message = q.Text(first + 0);
  m.media_idx = q.Int(first + 1);
  m.bank = q.Text(first + 2);
  m.signal_type = q.Text(first + 3);
  m.signal = q.Text(first + 4);
  m.distance = q.Int(first + 5);
  m.query = q.Text(first + 6);
  m.has_label = !q.IsNull(first + 7);
  m.label = q.Text(first + 7);
  m.chat = q.Text(first + 8);
  m.time = q.Int(first + 9);
  return m;
}

}  // namespace

StatusOr<int64_t> CountMatchedMessages(Store& store) {
  Statement q(StoreHandle(store), "SELECT count(DISTINCT message) FROM matches");
  if (!q.ok()) return q.status();
  int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return q.status();
  return n;
}

Status ForEachMatch(Store& store, const std::string& bank,
                    const std::function<void(const StoredMatch&)>& fn, int64_t offset,
                    int64_t limit) {
  Statement q(StoreHandle(store),
              std::string("SELECT message, media_idx, bank, signal_type, signal, distance, "
                          "query, label, chat, time FROM matches WHERE ") +
                  BankFilter(bank) +
                  " ORDER BY time, message, media_idx, bank, signal_type, signal "
                  "LIMIT ?2 OFFSET ?3");
  if (!q.ok()) return q.status();
  // No limit: the largest one (PostgreSQL refuses SQLite's -1).
  q.Bind(1, bank)
      .Bind(2, limit < 0 ? std::numeric_limits<int64_t>::max() : limit)
      .Bind(3, std::max<int64_t>(0, offset));
  while (q.Step()) fn(ReadMatch(q, 0));
  return q.status();
}

StatusOr<std::vector<std::pair<int64_t, StoredMatch>>> MatchesAfterMessage(Store& store,
                                                                           int64_t after_message_id,
                                                                           int64_t limit) {
  Statement q(StoreHandle(store),
              "SELECT g.id, m.message, m.media_idx, m.bank, m.signal_type, m.signal, m.distance, "
              "m.query, m.label, m.chat, m.time FROM messages g JOIN matches m ON m.message = "
              "g.key WHERE g.id > ?1 ORDER BY g.id, m.media_idx, m.bank, m.signal_type, m.signal "
              "LIMIT ?2");
  if (!q.ok()) return q.status();
  q.Bind(1, after_message_id).Bind(2, limit);
  std::vector<std::pair<int64_t, StoredMatch>> out;
  while (q.Step()) out.emplace_back(q.Int(0), ReadMatch(q, 1));
  if (!q.status().ok()) return q.status();
  return out;
}

StatusOr<int64_t> LastMessageId(Store& store) {
  Statement q(StoreHandle(store), "SELECT coalesce(max(id), 0) FROM messages");
  if (!q.ok()) return q.status();
  int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return q.status();
  return n;
}

void AppendMatchJson(std::string& out, const StoredMatch& m) {
  JsonWriter w(out);
  w.BeginObject()
      .Field("message", m.message)
      .Field("chat", m.chat)
      .Field("time", m.time)
      .Field("media_idx", m.media_idx)
      .Field("bank", m.bank)
      .Field("signal_type", m.signal_type)
      .Field("signal", m.signal)
      .Field("distance", m.distance)
      .Field("query", m.query)
      .Field("label", m.label)
      .EndObject();
}

void AppendChatMatchesJson(std::string& out, const ChatMatches& c) {
  JsonWriter w(out);
  w.BeginObject()
      .Field("chat", c.chat)
      .Field("bank", c.bank)
      .Field("matches", c.matches)
      .Field("first", c.first)
      .Field("last", c.last)
      .Field("min_distance", c.min_distance)
      .Field("max_distance", c.max_distance)
      .Field("signals", c.signals)
      .EndObject();
}

Status ForEachChatMatches(Store& store, const std::string& bank,
                          const std::function<void(const ChatMatches&)>& fn) {
  Statement q(StoreHandle(store),
              std::string("SELECT chat, bank, count(*), min(time), max(time), min(distance), "
                          "max(distance), count(DISTINCT signal) FROM matches WHERE ") +
                  BankFilter(bank) + " GROUP BY chat, bank ORDER BY chat, bank");
  if (!q.ok()) return q.status();
  q.Bind(1, bank);
  while (q.Step()) {
    ChatMatches c;
    c.chat = q.Text(0);
    c.bank = q.Text(1);
    c.matches = q.Int(2);
    c.first = q.Int(3);
    c.last = q.Int(4);
    c.min_distance = q.Int(5);
    c.max_distance = q.Int(6);
    c.signals = q.Int(7);
    fn(c);
  }
  return q.status();
}

}  // namespace cordon
