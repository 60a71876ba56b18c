#include "cordon/store/match_queries.h"

#include "cordon/store/sqlite.h"

namespace cordon {
namespace {

const char* BankFilter(const std::string& bank) { return bank.empty() ? "?1 = ''" : "bank = ?1"; }

}  // namespace

StatusOr<int64_t> CountMatchedMessages(Store& store) {
  Statement q(StoreHandle(store), "SELECT count(DISTINCT message) FROM matches");
  if (!q.ok()) return q.status();
  int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return q.status();
  return n;
}

Status ForEachMatch(Store& store, const std::string& bank,
                    const std::function<void(const StoredMatch&)>& fn) {
  Statement q(StoreHandle(store),
              std::string("SELECT message, media_idx, bank, signal_type, signal, distance, "
                          "query, label, chat, time FROM matches WHERE ") +
                  BankFilter(bank) +
                  " ORDER BY time, message, media_idx, bank, signal_type, signal");
  if (!q.ok()) return q.status();
  q.Bind(1, bank);
  while (q.Step()) {
    StoredMatch m;
    m.message = q.Text(0);
    m.media_idx = q.Int(1);
    m.bank = q.Text(2);
    m.signal_type = q.Text(3);
    m.signal = q.Text(4);
    m.distance = q.Int(5);
    m.query = q.Text(6);
    m.has_label = !q.IsNull(7);
    m.label = q.Text(7);
    m.chat = q.Text(8);
    m.time = q.Int(9);
    fn(m);
  }
  return q.status();
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
