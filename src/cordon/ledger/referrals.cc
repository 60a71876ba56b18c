#include "cordon/ledger/referrals.h"

#include <algorithm>

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::ledger {
namespace {

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank.
  size_t i = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999);
  i = std::clamp<size_t>(i, 1, v.size());
  return v[i - 1];
}

std::string ReferralEvidence(const Referral& r) {
  std::string s;
  JsonWriter w(s);
  w.BeginObject().Field("kind", std::string_view(r.kind)).Field("unit", std::string_view(r.unit));
  w.Field("received", std::string_view(FormatRfc3339Ms(r.received)));
  if (r.deadline) w.Field("deadline", std::string_view(FormatRfc3339Ms(*r.deadline)));
  w.EndObject();
  return s;
}

}  // namespace

bool Referral::Overdue(TimeMs now) const {
  if (!deadline) return false;
  if (status == "open") return now > *deadline;
  return status == "actioned" && actioned && *actioned > *deadline;
}

StatusOr<Referral> Referrals::Add(Referral r, std::string_view by) {
  if (r.id.empty()) return Status::InvalidArgument("a referral needs an id");
  if (r.entity.empty()) return Status::InvalidArgument("referral " + r.id + ": no entity");
  if (r.unit.empty()) return Status::InvalidArgument("referral " + r.id + ": no unit");
  if (r.kind != "referral" && r.kind != "removal_order") {
    return Status::InvalidArgument("referral " + r.id + ": kind must be referral or removal_order");
  }
  if (by.empty()) return Status::InvalidArgument("referral " + r.id + ": no recorded_by");
  if (r.kind == "removal_order" && !r.deadline) r.deadline = r.received + kRemovalOrderDeadlineMs;
  if (r.deadline && *r.deadline < r.received) {
    return Status::InvalidArgument("referral " + r.id + ": deadline before receipt");
  }
  ASSIGN_OR_RETURN(std::optional<Referral> existing, Get(r.id));
  if (existing) return Status::InvalidArgument("referral " + r.id + " exists already");
  r.status = "open";
  r.actioned.reset();
  RETURN_IF_ERROR(InsertReferral(store_, r));
  Entry e;
  e.time = r.received;
  e.action = "referral";
  e.entity = r.entity;
  e.reason = r.reason.empty() ? r.kind : r.reason;
  e.source = "referral";
  e.decided_by = std::string(by);
  e.evidence = ReferralEvidence(r);
  e.ref = "referral:" + r.id;
  RETURN_IF_ERROR(ledger_.Append(std::move(e)).status());
  return r;
}

StatusOr<std::optional<Referral>> Referrals::Get(std::string_view id) {
  ASSIGN_OR_RETURN(std::optional<ReferralRow> row, FindReferral(store_, id));
  std::optional<Referral> out;
  if (row) out = Referral{std::move(*row)};
  return out;
}

Status Referrals::SetStatus(const Referral& r) { return UpdateReferralStatus(store_, r); }

StatusOr<Referral> Referrals::Act(std::string_view id, TimeMs time, std::string_view by,
                                  bool take_down) {
  ASSIGN_OR_RETURN(std::optional<Referral> found, Get(id));
  if (!found) return Status::NotFound("no referral " + std::string(id));
  Referral r = *found;
  if (r.status != "open") return Status::InvalidArgument("referral " + r.id + " is " + r.status);
  if (time < r.received) {
    return Status::InvalidArgument("referral " + r.id + ": action before receipt (" +
                                   FormatRfc3339Ms(r.received) + ")");
  }
  if (take_down) {
    TakedownRequest t;
    t.entity = r.entity;
    t.time = time;
    t.reason = r.reason.empty() ? r.kind : r.reason;
    t.source = "referral";
    t.decided_by = std::string(by);
    t.evidence = ReferralEvidence(r);
    t.ref = "referral:" + r.id;
    RETURN_IF_ERROR(ledger_.Takedown(t).status());
  }
  r.status = "actioned";
  r.actioned = time;
  RETURN_IF_ERROR(SetStatus(r));
  Entry e;
  e.time = time;
  e.action = "referral_actioned";
  e.entity = r.entity;
  e.reason = take_down ? "taken down" : "already removed";
  e.source = "referral";
  e.decided_by = std::string(by);
  std::string ev;
  JsonWriter w(ev);
  w.BeginObject().Field("seconds_to_action", (time - r.received) / 1000);
  w.Field("overdue", r.Overdue(time)).EndObject();
  e.evidence = ev;
  e.ref = "referral:" + r.id;
  RETURN_IF_ERROR(ledger_.Append(std::move(e)).status());
  return r;
}

StatusOr<Referral> Referrals::Reject(std::string_view id, TimeMs time, std::string_view by,
                                     std::string_view reason) {
  if (reason.empty()) return Status::InvalidArgument("a rejection needs a reason");
  ASSIGN_OR_RETURN(std::optional<Referral> found, Get(id));
  if (!found) return Status::NotFound("no referral " + std::string(id));
  Referral r = *found;
  if (r.status != "open") return Status::InvalidArgument("referral " + r.id + " is " + r.status);
  r.status = "rejected";
  r.actioned = time;
  r.note = std::string(reason);
  RETURN_IF_ERROR(SetStatus(r));
  Entry e;
  e.time = time;
  e.action = "referral_rejected";
  e.entity = r.entity;
  e.reason = std::string(reason);
  e.source = "referral";
  e.decided_by = std::string(by);
  e.ref = "referral:" + r.id;
  RETURN_IF_ERROR(ledger_.Append(std::move(e)).status());
  return r;
}

StatusOr<std::vector<Referral>> Referrals::List(std::string_view status) {
  ASSIGN_OR_RETURN(std::vector<ReferralRow> rows, ListReferrals(store_, status));
  std::vector<Referral> out;
  out.reserve(rows.size());
  for (ReferralRow& row : rows) out.push_back(Referral{std::move(row)});
  return out;
}

StatusOr<ReferralReport> Referrals::Report(TimeMs now) {
  ASSIGN_OR_RETURN(std::vector<Referral> all, List());
  ReferralReport rep;
  static const std::pair<const char*, double> kBins[] = {{"<15m", 900},    {"15-30m", 1800},
                                                         {"30-60m", 3600}, {"1-2h", 7200},
                                                         {"2-24h", 86400}, {">24h", 1e300}};
  for (const auto& b : kBins) rep.histogram.emplace_back(b.first, 0);
  std::vector<double> secs, order_secs;
  int64_t met = 0;
  for (const Referral& r : all) {
    ++rep.total;
    const bool order = r.kind == "removal_order";
    rep.orders += order;
    if (r.status == "open") {
      ++rep.open;
      if (r.Overdue(now)) {
        ++rep.overdue_open;
        rep.orders_overdue_open += order;
      }
    } else if (r.status == "rejected") {
      ++rep.rejected;
    } else if (r.status == "actioned" && r.actioned) {
      ++rep.actioned;
      const double s = static_cast<double>(*r.actioned - r.received) / 1000.0;
      secs.push_back(s);
      for (size_t b = 0; b < rep.histogram.size(); ++b) {
        if (s < kBins[b].second) {
          ++rep.histogram[b].second;
          break;
        }
      }
      if (r.deadline) {
        ++rep.with_deadline_actioned;
        if (*r.actioned <= *r.deadline) {
          ++met;
        } else {
          ++rep.late;
          rep.orders_late += order;
        }
      }
      if (order) {
        ++rep.orders_actioned;
        order_secs.push_back(s);
      }
    }
  }
  if (!secs.empty()) {
    rep.min_s = *std::min_element(secs.begin(), secs.end());
    rep.max_s = *std::max_element(secs.begin(), secs.end());
    double sum = 0;
    for (double s : secs) sum += s;
    rep.mean_s = sum / static_cast<double>(secs.size());
    rep.median_s = Quantile(secs, 0.5);
    rep.p90_s = Quantile(secs, 0.9);
    rep.p99_s = Quantile(secs, 0.99);
  }
  rep.orders_median_s = Quantile(order_secs, 0.5);
  rep.orders_p90_s = Quantile(order_secs, 0.9);
  rep.within_deadline =
      rep.with_deadline_actioned > 0
          ? static_cast<double>(met) / static_cast<double>(rep.with_deadline_actioned)
          : 0.0;
  return rep;
}

void AppendReferralJson(std::string& out, const Referral& r, TimeMs now) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("id", std::string_view(r.id)).Field("kind", std::string_view(r.kind));
  w.Field("entity", std::string_view(r.entity)).Field("unit", std::string_view(r.unit));
  w.Field("reason", std::string_view(r.reason));
  w.Field("received", std::string_view(FormatRfc3339Ms(r.received)));
  w.Key("deadline");
  if (r.deadline) {
    w.String(FormatRfc3339Ms(*r.deadline));
  } else {
    w.Null();
  }
  w.Field("status", std::string_view(r.status));
  w.Key("actioned");
  if (r.actioned) {
    w.String(FormatRfc3339Ms(*r.actioned));
  } else {
    w.Null();
  }
  w.Key("seconds_to_action");
  if (r.actioned && r.status == "actioned") {
    w.Int((*r.actioned - r.received) / 1000);
  } else {
    w.Null();
  }
  w.Field("overdue", r.Overdue(now));
  w.Field("note", std::string_view(r.note));
  w.EndObject();
}

std::string ReferralsJson(const std::vector<Referral>& list, TimeMs now, bool overdue_only,
                          int64_t offset, int64_t limit) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("referrals").BeginArray();
  int64_t index = 0, listed = 0;
  bool more = false;
  for (const auto& r : list) {
    if (overdue_only && !r.Overdue(now)) continue;
    if (index++ < offset) continue;
    if (limit >= 0 && listed >= limit) {
      more = true;
      break;
    }
    ++listed;
    std::string one;
    AppendReferralJson(one, r, now);
    w.Raw(one);
  }
  w.EndArray();
  if (more) w.Field("next_offset", std::max<int64_t>(0, offset) + listed);
  w.EndObject();
  return out;
}

}  // namespace cordon::ledger
