#include "cordon/store/policy_queries.h"

#include "cordon/store/match_table.h"
#include "cordon/store/sql.h"

namespace cordon {
namespace {

// The WHERE clause for a filter: ?1 is the distance, ?2.. the banks.
std::string Where(const MatchFilter& filter) {
  std::string where = "chat IS NOT NULL";
  if (!filter.banks.empty()) {
    where += " AND bank IN (";
    for (size_t i = 0; i < filter.banks.size(); ++i)
      where += (i ? ",?" : "?") + std::to_string(i + 2);
    where += ")";
  }
  if (filter.max_distance >= 0) where += " AND distance <= ?1";
  return where;
}

void BindFilter(Statement& q, const MatchFilter& filter) {
  q.Bind(1, static_cast<int64_t>(filter.max_distance));
  for (size_t i = 0; i < filter.banks.size(); ++i) {
    q.Bind(static_cast<int>(i + 2), filter.banks[i]);
  }
}

}  // namespace

StatusOr<std::vector<ChatPolicyMatches>> MatchesByChat(Store& store, const MatchFilter& filter) {
  Statement q(StoreHandle(store),
              "SELECT chat, count(DISTINCT message), min(distance), max(time), "
              "group_concat(DISTINCT bank) FROM matches WHERE " +
                  Where(filter) + " GROUP BY chat ORDER BY chat");
  if (!q.ok()) return q.status();
  BindFilter(q, filter);
  std::vector<ChatPolicyMatches> out;
  while (q.Step()) {
    ChatPolicyMatches c;
    c.chat = std::string(q.Text(0));
    c.messages = q.Int(1);
    c.min_distance = q.Int(2);
    if (!q.IsNull(3)) c.last = q.Int(3);
    c.banks = std::string(q.Text(4));
    out.push_back(std::move(c));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<Evidence>> MatchedMessageEvidence(Store& store, const MatchFilter& filter,
                                                       const std::string& chat, size_t limit) {
  // Per message the row with the smallest distance, the first in key order on a tie: SQLite
  // takes the bare columns from the row that holds the MIN; PostgreSQL says it with DISTINCT ON.
  const std::string where =
      Where(filter) + " AND chat = ?" + std::to_string(filter.banks.size() + 2);
  Db* db = StoreHandle(store);
  Statement q(
      db, db->dialect() == SqlDialect::kPostgres
              ? "SELECT DISTINCT ON (message) message, bank, signal_type, signal, distance, "
                "coalesce(label, ''), time FROM matches WHERE " +
                    where +
                    " ORDER BY message, distance, media_idx, bank, signal_type, signal "
                    "LIMIT " +
                    std::to_string(limit)
              : "SELECT message, bank, signal_type, signal, MIN(distance), "
                "coalesce(label, ''), time FROM matches WHERE " +
                    where + " GROUP BY message ORDER BY message LIMIT " + std::to_string(limit));
  if (!q.ok()) return q.status();
  BindFilter(q, filter);
  q.Bind(static_cast<int>(filter.banks.size() + 2), chat);
  std::vector<Evidence> out;
  while (q.Step()) {
    MatchRow m;
    m.message = std::string(q.Text(0));
    m.bank = std::string(q.Text(1));
    m.signal_type = std::string(q.Text(2));
    m.signal = std::string(q.Text(3));
    m.distance = q.Int(4);
    m.label = std::string(q.Text(5));
    m.time = q.Int(6);
    Evidence e = MatchEvidence(m);
    if (q.IsNull(6)) e.time.reset();
    out.push_back(std::move(e));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<std::string>> MatchedMessages(Store& store, const MatchFilter& filter,
                                                   const std::string& chat, size_t limit) {
  ASSIGN_OR_RETURN(std::vector<Evidence> matches,
                   MatchedMessageEvidence(store, filter, chat, limit));
  std::vector<std::string> out;
  out.reserve(matches.size());
  for (Evidence& e : matches) out.push_back(std::move(e.refs[0]));
  return out;
}

StatusOr<std::vector<std::optional<EntityKind>>> StoredEntityKinds(
    Store& store, const std::vector<std::string>& keys) {
  Statement q(StoreHandle(store), "SELECT kind FROM entities WHERE key = ?1");
  if (!q.ok()) return q.status();
  std::vector<std::optional<EntityKind>> out;
  out.reserve(keys.size());
  for (const std::string& key : keys) {
    q.Bind(1, key);
    std::optional<EntityKind> kind;
    if (q.Step()) kind = ParseEntityKind(q.Text(0));
    RETURN_IF_ERROR(q.status());
    q.Reset();
    out.push_back(kind);
  }
  return out;
}

StatusOr<bool> LedgerHasEntry(Store& store, const std::string& entity, std::string_view action,
                              const std::string& ref) {
  Statement q(StoreHandle(store),
              "SELECT 1 FROM ledger WHERE entity = ?1 AND action = ?2 AND ref = ?3 LIMIT 1");
  if (!q.ok()) return q.status();
  q.Bind(1, entity).Bind(2, action).Bind(3, ref);
  const bool found = q.Step();
  RETURN_IF_ERROR(q.status());
  return found;
}

}  // namespace cordon
