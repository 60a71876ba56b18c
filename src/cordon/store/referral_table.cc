#include "cordon/store/referral_table.h"

#include "cordon/store/sql.h"

namespace cordon {
namespace {

// Names the database in an error that does not name a place already.
Status Located(Store& store, const Status& s) { return s.At(Location{store.path()}); }

constexpr std::string_view kColumns =
    "id, kind, entity, unit, reason, received, deadline, status, actioned, coalesce(note, '')";

ReferralRow Read(const Statement& q) {
  ReferralRow r;
  r.id = std::string(q.Text(0));
  r.kind = std::string(q.Text(1));
  r.entity = std::string(q.Text(2));
  r.unit = std::string(q.Text(3));
  r.reason = std::string(q.Text(4));
  r.received = q.Int(5);
  if (!q.IsNull(6)) r.deadline = q.Int(6);
  r.status = std::string(q.Text(7));
  if (!q.IsNull(8)) r.actioned = q.Int(8);
  r.note = std::string(q.Text(9));
  return r;
}

}  // namespace

Status InsertReferral(Store& store, const ReferralRow& r) {
  Statement ins(StoreHandle(store),
                "INSERT INTO referrals(id, kind, entity, unit, reason, received, deadline, status, "
                "actioned, note) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!ins.ok()) return Located(store, ins.status());
  return Located(store, ins.Bind(1, r.id)
                            .Bind(2, r.kind)
                            .Bind(3, r.entity)
                            .Bind(4, r.unit)
                            .Bind(5, r.reason)
                            .Bind(6, r.received)
                            .Bind(7, r.deadline)
                            .Bind(8, r.status)
                            .Bind(9, r.actioned)
                            .BindOrNull(10, r.note)
                            .Run());
}

StatusOr<std::optional<ReferralRow>> FindReferral(Store& store, std::string_view id) {
  Statement q(StoreHandle(store),
              "SELECT " + std::string(kColumns) + " FROM referrals WHERE id = ?1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, id);
  std::optional<ReferralRow> out;
  if (q.Step()) out = Read(q);
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

Status UpdateReferralStatus(Store& store, const ReferralRow& r) {
  Statement u(StoreHandle(store),
              "UPDATE referrals SET status = ?2, actioned = ?3, note = ?4 WHERE id = ?1");
  if (!u.ok()) return Located(store, u.status());
  return Located(store,
                 u.Bind(1, r.id).Bind(2, r.status).Bind(3, r.actioned).BindOrNull(4, r.note).Run());
}

StatusOr<std::vector<ReferralRow>> ListReferrals(Store& store, std::string_view status) {
  Statement q(StoreHandle(store), "SELECT " + std::string(kColumns) +
                                      " FROM referrals WHERE ?1 = '' OR status = ?1 "
                                      "ORDER BY received, id");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, status);
  std::vector<ReferralRow> out;
  while (q.Step()) out.push_back(Read(q));
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

}  // namespace cordon
