#include "cordon/ledger/ledger_text.h"

#include <fmt/core.h>

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::ledger {

StatusOr<TimeMs> TimeArgOrNow(std::string_view s, std::string_view flag, const Clock& clock) {
  if (s.empty()) return clock.Now();
  auto p = ParseTimeArg(s);
  if (!p) {
    return Status::InvalidArgument(fmt::format("{}: not {}: {}", flag, kTimeArgForms, s));
  }
  return *p;
}

VerifyVerdict CheckVerify(const VerifyResult& r, std::string_view expect_head) {
  VerifyVerdict v{r.ok, r.problem};
  if (v.ok && !expect_head.empty() && expect_head != r.head) {
    v.ok = false;
    v.problem = "head hash differs from the expected one (entries cut from the end, or added)";
  }
  return v;
}

std::string VerifyJson(const VerifyResult& r, const VerifyVerdict& v) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("ok", v.ok).Field("entries", r.entries);
  w.Field("head", std::string_view(r.head));
  w.Key("first_bad_seq");
  if (r.first_bad_seq > 0) {
    w.Int(r.first_bad_seq);
  } else {
    w.Null();
  }
  w.Field("problem", std::string_view(v.problem)).Key("warnings").BeginArray();
  for (const auto& s : r.warnings) w.String(s);
  w.EndArray().EndObject();
  return out;
}

std::string EntryLine(const Entry& e) {
  return fmt::format("{:>6}  {}  {:<17} {:<34} {:<22} {:<11} by {}{}{}", e.seq,
                     FormatRfc3339Ms(e.time), e.action, e.entity, e.reason, e.source, e.decided_by,
                     e.ref.empty() ? "" : "  ", e.ref);
}

std::string AppealLine(const Appeal& ap) {
  return fmt::format("{:>4}  {:<8} {}  {}  ({})", ap.id, ap.status, FormatRfc3339Ms(ap.filed),
                     ap.entity, ap.reason);
}

std::string PreservedLine(const Preserved& p) {
  return fmt::format("{:<40} down {}  until {}  {:>6} messages{}", p.entity,
                     FormatRfc3339Ms(p.taken_down), FormatRfc3339Ms(p.until), p.messages,
                     p.purged ? "  (purged)" : "");
}

std::string EntryJson(const Entry& e) {
  std::string out;
  AppendEntryJson(out, e);
  return out;
}

std::string AppealJson(const Appeal& ap) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("appeal", ap.id).Field("entity", std::string_view(ap.entity));
  w.Field("status", std::string_view(ap.status)).EndObject();
  return out;
}

std::string AppealsJson(const std::vector<Appeal>& appeals) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("appeals").BeginArray();
  for (const auto& ap : appeals) {
    w.BeginObject().Field("id", ap.id).Field("entity", std::string_view(ap.entity));
    w.Field("filed", std::string_view(FormatRfc3339Ms(ap.filed)));
    w.Field("filed_by", std::string_view(ap.filed_by)).Field("reason", std::string_view(ap.reason));
    w.Field("status", std::string_view(ap.status));
    w.Key("decided");
    if (ap.decided) {
      w.String(FormatRfc3339Ms(*ap.decided));
    } else {
      w.Null();
    }
    w.Field("decided_by", std::string_view(ap.decided_by));
    w.Field("decision", std::string_view(ap.decision)).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string PreservedJson(const std::vector<Preserved>& list, std::string_view key) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key(key).BeginArray();
  for (const auto& p : list) {
    w.BeginObject().Field("entity", std::string_view(p.entity));
    w.Field("taken_down", std::string_view(FormatRfc3339Ms(p.taken_down)));
    w.Field("until", std::string_view(FormatRfc3339Ms(p.until)));
    w.Field("messages", p.messages).Field("purged", p.purged).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string EntriesJson(const std::vector<Entry>& entries) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("entries").BeginArray();
  for (const auto& e : entries) {
    std::string one;
    AppendEntryJson(one, e);
    w.Raw(one);
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace cordon::ledger
