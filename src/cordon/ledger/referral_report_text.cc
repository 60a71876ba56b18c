#include "cordon/ledger/referral_report_text.h"

#include <fmt/core.h>

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::ledger {

std::string FormatDuration(double s) {
  if (s < 60) return fmt::format("{:.0f} s", s);
  if (s < 3600) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.2f} h", s / 3600);
}

std::string ReferralReportJson(const ReferralReport& r, TimeMs now) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("now", std::string_view(FormatRfc3339Ms(now)));
  w.Field("total", r.total).Field("open", r.open).Field("actioned", r.actioned);
  w.Field("rejected", r.rejected).Field("overdue_open", r.overdue_open);
  w.Field("actioned_late", r.late).Field("within_deadline", r.within_deadline);
  w.Key("time_to_action_s").BeginObject().Field("min", r.min_s).Field("median", r.median_s);
  w.Field("p90", r.p90_s).Field("p99", r.p99_s).Field("max", r.max_s);
  w.Field("mean", r.mean_s).EndObject();
  w.Key("histogram").BeginObject();
  for (const auto& [label, n] : r.histogram) w.Field(label, n);
  w.EndObject();
  w.Key("removal_orders").BeginObject().Field("total", r.orders);
  w.Field("actioned", r.orders_actioned).Field("actioned_late", r.orders_late);
  w.Field("overdue_open", r.orders_overdue_open);
  w.Field("median_s", r.orders_median_s).Field("p90_s", r.orders_p90_s).EndObject();
  w.EndObject();
  return out;
}

std::string ReferralReportText(const ReferralReport& r) {
  std::string out = fmt::format(
      "referrals: {} ({} open, {} actioned, {} rejected); {} open and overdue, {} actioned "
      "late\n",
      r.total, r.open, r.actioned, r.rejected, r.overdue_open, r.late);
  out += fmt::format("time to action: median {}, p90 {}, p99 {}, max {}; {:.1f}% within deadline\n",
                     FormatDuration(r.median_s), FormatDuration(r.p90_s), FormatDuration(r.p99_s),
                     FormatDuration(r.max_s), 100 * r.within_deadline);
  out += fmt::format(
      "removal orders: {} ({} actioned, {} late, {} open past the hour); median {}, p90 {}\n",
      r.orders, r.orders_actioned, r.orders_late, r.orders_overdue_open,
      FormatDuration(r.orders_median_s), FormatDuration(r.orders_p90_s));
  for (const auto& [label, n] : r.histogram) out += fmt::format("  {:<7} {}\n", label, n);
  return out;
}

std::string ReferralLine(const Referral& r, TimeMs now) {
  return fmt::format("{:<16} {:<13} {:<9} {:<36} received {}  deadline {}{}", r.id, r.kind,
                     r.status, r.entity, FormatRfc3339Ms(r.received),
                     r.deadline ? FormatRfc3339Ms(*r.deadline) : "-",
                     r.Overdue(now) ? "  OVERDUE" : "");
}

}  // namespace cordon::ledger
