#include "cordon/ledger/takedown_import.h"

#include "cordon/ledger/entity_key.h"
#include "cordon/ledger/referrals.h"
#include "cordon/ledger/takedown_csv.h"
#include "cordon/store/takedown_queries.h"
#include "cordon/store/write_transaction.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/line_reader.h"

namespace cordon::ledger {

StatusOr<TakedownImport> ImportTakedowns(Store& store, Ledger& ledger, std::string_view text,
                                         const std::string& path, const std::string& by,
                                         bool force) {
  const CsvResult csv = ParseTakedownCsv(text, path);
  TakedownImport out;
  for (const auto& p : csv.problems) out.problems.emplace_back(p.where, p.message);
  WriteTransaction tx(store);
  RETURN_IF_ERROR(tx.Begin());
  for (const CsvTakedown& row : csv.rows) {
    if (Status k = CheckEntityKey(store, row.entity, force); !k.ok()) {
      if (k.code() != StatusCode::kInvalidArgument) return k;
      out.problems.emplace_back(Location{path, row.line}, k.message());
      continue;
    }
    ASSIGN_OR_RETURN(bool exists, HasTakedownAt(store, row.entity, row.time));
    if (exists) {
      ++out.already_recorded;
      continue;
    }
    TakedownRequest r;
    r.entity = row.entity;
    r.time = row.time;
    r.reason = row.reason;
    r.source = row.source;
    r.decided_by = by;
    JsonWriter w(r.evidence);
    r.evidence.clear();
    w.BeginObject().Field("import", std::string_view(path)).Field("line", row.line).EndObject();
    auto e = ledger.Takedown(r);
    if (!e.ok()) {
      if (e.status().code() != StatusCode::kInvalidArgument) return e.status();
      out.problems.emplace_back(Location{path, row.line}, e.status().message());
      continue;
    }
    ++out.recorded;
  }
  RETURN_IF_ERROR(tx.Commit());
  return out;
}

StatusOr<TakedownImport> ImportTakedownFile(Store& store, Ledger& ledger, const std::string& path,
                                            const std::string& by, bool force) {
  std::string text;
  Status s = ReadWholeFile(path, size_t{4} << 30, text);
  if (!s.ok()) return Status::IoError("cannot read file", Location{path});
  return ImportTakedowns(store, ledger, text, path, by, force);
}

StatusOr<std::string> TakedownEvidence(const std::string& json,
                                       const std::vector<std::string>& messages) {
  ASSIGN_OR_RETURN(std::string ev, CanonicalizeJson(json.empty() ? "{}" : json));
  if (ev.empty() || ev.front() != '{') {
    return Status::InvalidArgument("--evidence must be a JSON object");
  }
  if (messages.empty()) return ev;
  std::string list;
  JsonWriter w(list);
  w.BeginArray();
  for (const auto& m : messages) w.String(m);
  w.EndArray();
  ev.pop_back();
  if (ev.size() > 1) ev += ',';
  ev += "\"messages\":" + list + "}";
  return CanonicalizeJson(ev);
}

StatusOr<RecordedTakedown> RecordTakedown(Store& store, Ledger& ledger, TakedownRequest request,
                                          const std::string& referral, bool force) {
  WriteTransaction tx(store);
  RETURN_IF_ERROR(tx.Begin());
  RETURN_IF_ERROR(CheckEntityKey(store, request.entity, force));
  RecordedTakedown out;
  if (referral.empty()) {
    ASSIGN_OR_RETURN(out.entry, ledger.Takedown(request));
    RETURN_IF_ERROR(tx.Commit());
    return out;
  }
  // Acting on a referral: the referral module takes it down and closes the referral.
  Referrals refs(ledger, store);
  ASSIGN_OR_RETURN(std::optional<Referral> r, refs.Get(referral));
  if (!r) {
    out.refused = "no referral " + referral;
    return out;
  }
  if (r->entity != request.entity) {
    out.refused = "referral " + referral + " is about " + r->entity;
    return out;
  }
  request.source = "referral";
  request.ref = "referral:" + referral;
  ASSIGN_OR_RETURN(out.entry, ledger.Takedown(request));
  RETURN_IF_ERROR(refs.Act(referral, request.time, request.decided_by, false).status());
  RETURN_IF_ERROR(tx.Commit());
  return out;
}

}  // namespace cordon::ledger
