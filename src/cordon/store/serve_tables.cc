#include "cordon/store/serve_tables.h"

#include "cordon/store/bank_table.h"
#include "cordon/store/sql.h"

namespace cordon {
namespace {

ApiTokenRow ReadToken(const Statement& q) {
  ApiTokenRow r;
  r.id = q.Int(0);
  r.name = q.Text(1);
  r.role = q.Text(2);
  r.hash = q.Text(3);
  r.created = q.Int(4);
  if (!q.IsNull(5)) r.revoked = q.Int(5);
  return r;
}

constexpr std::string_view kTokenColumns =
    "SELECT id, name, role, hash, created, revoked FROM api_tokens ";

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

StatusOr<int64_t> InsertApiToken(Store& store, std::string_view name, std::string_view role,
                                 std::string_view hash, TimeMs created) {
  Db* db = StoreHandle(store);
  Statement ins(db,
                "INSERT INTO api_tokens(name, role, hash, created) VALUES(?1,?2,?3,?4) "
                "RETURNING id");
  if (!ins.ok()) return ins.status();
  ins.Bind(1, name).Bind(2, role).Bind(3, hash).Bind(4, created);
  const int64_t id = ins.Step() ? ins.Int(0) : 0;
  ins.Reset();
  RETURN_IF_ERROR(ins.status());
  return id;
}

StatusOr<std::optional<ApiTokenRow>> FindApiToken(Store& store, std::string_view hash) {
  Statement q(StoreHandle(store), std::string(kTokenColumns) + "WHERE hash = ?1");
  if (!q.ok()) return q.status();
  q.Bind(1, hash);
  std::optional<ApiTokenRow> out;
  if (q.Step()) out = ReadToken(q);
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<ApiTokenRow>> ReadApiTokens(Store& store) {
  Statement q(StoreHandle(store), std::string(kTokenColumns) + "ORDER BY id");
  if (!q.ok()) return q.status();
  std::vector<ApiTokenRow> out;
  while (q.Step()) out.push_back(ReadToken(q));
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<int64_t> RevokeApiTokens(Store& store, std::string_view which, TimeMs now) {
  Db* db = StoreHandle(store);
  Statement q(db,
              "UPDATE api_tokens SET revoked = ?1 WHERE revoked IS NULL AND "
              "(name = ?2 OR id = ?3)");
  if (!q.ok()) return q.status();
  const int64_t id = AllDigits(which) ? int64_t{std::stoll(std::string(which))} : int64_t{-1};
  q.Bind(1, now).Bind(2, which).Bind(3, id);
  RETURN_IF_ERROR(q.Run());
  return static_cast<int64_t>(db->Changes());
}

Status ForEachBankPdqId(Store& store, std::string_view bank,
                        const std::function<Status(int64_t id, std::string_view signal)>& f) {
  Statement q(StoreHandle(store),
              "SELECT id, signal FROM bank_content_ids WHERE bank = ?1 AND signal_type = 'pdq' "
              "ORDER BY id");
  if (!q.ok()) return q.status();
  q.Bind(1, bank);
  while (q.Step()) RETURN_IF_ERROR(f(q.Int(0), q.Text(1)));
  return q.status();
}

Status ForEachBankSignalId(Store& store, std::string_view bank, std::string_view signal_type,
                           const std::function<Status(int64_t id, std::string_view signal)>& f) {
  Statement q(StoreHandle(store),
              "SELECT id, signal FROM bank_content_ids WHERE bank = ?1 AND signal_type = ?2 "
              "ORDER BY id");
  if (!q.ok()) return q.status();
  q.Bind(1, bank).Bind(2, signal_type);
  while (q.Step()) RETURN_IF_ERROR(f(q.Int(0), q.Text(1)));
  return q.status();
}

StatusOr<std::optional<int64_t>> FindBankContentId(Store& store, std::string_view bank,
                                                   std::string_view signal_type,
                                                   std::string_view signal) {
  Statement q(StoreHandle(store),
              "SELECT id FROM bank_content_ids WHERE bank = ?1 AND signal_type = ?2 AND "
              "signal = ?3");
  if (!q.ok()) return q.status();
  q.Bind(1, bank).Bind(2, signal_type).Bind(3, signal);
  std::optional<int64_t> out;
  if (q.Step()) out = q.Int(0);
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<bool> SetBankMatching(Store& store, std::string_view bank, bool enabled) {
  BankChange change(store);
  RETURN_IF_ERROR(change.status());
  ASSIGN_OR_RETURN(bool exists, BumpBankGeneration(store, bank));
  if (!exists) return false;
  Statement q(StoreHandle(store),
              "INSERT INTO bank_matching(bank, enabled) VALUES(?1, ?2) "
              "ON CONFLICT(bank) DO UPDATE SET enabled = excluded.enabled");
  if (!q.ok()) return q.status();
  RETURN_IF_ERROR(q.Bind(1, bank).Bind(2, int64_t{enabled ? 1 : 0}).Run());
  RETURN_IF_ERROR(change.Commit());
  return true;
}

StatusOr<std::map<std::string, bool>> ReadBankMatching(Store& store) {
  Statement q(StoreHandle(store), "SELECT bank, enabled FROM bank_matching");
  if (!q.ok()) return q.status();
  std::map<std::string, bool> out;
  while (q.Step()) out[std::string(q.Text(0))] = q.Int(1) != 0;
  RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace cordon
