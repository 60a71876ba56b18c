// The /v1 write endpoints (moderator): takedowns, reinstatements, appeals and referral actions,
// each recorded in the hash-chained ledger with the token's name as the one who decided. The
// state an action needs is checked first, so a conflict answers 409 rather than 400: taking
// down what is down, reinstating what is up, appealing twice, acting on a closed referral.
#include <simdjson.h>

#include "cordon/ledger/entity_key.h"
#include "cordon/ledger/ledger.h"
#include "cordon/ledger/ledger_text.h"
#include "cordon/ledger/referrals.h"
#include "cordon/ledger/takedown_import.h"
#include "cordon/serve/v1_routes.h"
#include "cordon/store/ledger_table.h"
#include "cordon/util/time.h"

namespace cordon::serve {
namespace {

using httplib::Request;
using httplib::Response;

// A request body: one JSON object whose fields are read with their types checked; the first
// problem is kept and answered 400 by Fail().
class Body {
 public:
  bool Parse(const Request& req, Response& res) {
    simdjson::padded_string text(req.body);
    simdjson::dom::element doc;
    if (auto e = parser_.parse(text).get(doc)) {
      SendError(res, 400, std::string("the body is not JSON: ") + simdjson::error_message(e));
      return false;
    }
    if (doc.get_object().get(obj_)) {
      SendError(res, 400, "the body must be a JSON object");
      return false;
    }
    return true;
  }
  std::string Str(const char* key, bool required) {
    auto f = obj_[key];
    if (f.error() == simdjson::NO_SUCH_FIELD) {
      if (required) Problem(std::string("the field `") + key + "` is required");
      return "";
    }
    std::string_view v;
    if (f.get_string().get(v)) Problem(std::string("the field `") + key + "` must be a string");
    if (required && v.empty()) Problem(std::string("the field `") + key + "` must not be empty");
    return std::string(v);
  }
  bool Bool(const char* key) {
    auto f = obj_[key];
    if (f.error() == simdjson::NO_SUCH_FIELD) return false;
    bool v = false;
    if (f.get_bool().get(v)) Problem(std::string("the field `") + key + "` must be true or false");
    return v;
  }
  std::optional<int64_t> Int(const char* key, int64_t lo, int64_t hi) {
    auto f = obj_[key];
    if (f.error() == simdjson::NO_SUCH_FIELD) return std::nullopt;
    int64_t v = 0;
    if (f.get_int64().get(v) || v < lo || v > hi) {
      Problem(std::string("the field `") + key + "` must be an integer from " + std::to_string(lo) +
              " to " + std::to_string(hi));
      return std::nullopt;
    }
    return v;
  }
  // A time: RFC 3339, YYYY-MM-DD or milliseconds (a string or a number); `def` when absent.
  TimeMs Time(const char* key, TimeMs def) {
    auto f = obj_[key];
    if (f.error() == simdjson::NO_SUCH_FIELD) return def;
    int64_t ms = 0;
    if (!f.get_int64().get(ms)) return ms;
    std::string_view s;
    std::optional<TimeMs> t;
    if (!f.get_string().get(s)) t = ParseTimeArg(std::string(s));
    if (!t) Problem(std::string("the field `") + key + "`: expected " + std::string(kTimeArgForms));
    return t.value_or(def);
  }
  // A JSON object, as its text ("" when absent).
  std::string Object(const char* key) {
    auto f = obj_[key];
    if (f.error() == simdjson::NO_SUCH_FIELD) return "";
    simdjson::dom::object o;
    if (f.get_object().get(o)) {
      Problem(std::string("the field `") + key + "` must be a JSON object");
      return "";
    }
    return simdjson::minify(o);
  }
  std::vector<std::string> Strings(const char* key) {
    std::vector<std::string> out;
    auto f = obj_[key];
    if (f.error() == simdjson::NO_SUCH_FIELD) return out;
    simdjson::dom::array a;
    if (f.get_array().get(a)) {
      Problem(std::string("the field `") + key + "` must be an array of strings");
      return out;
    }
    for (auto v : a) {
      std::string_view s;
      if (v.get_string().get(s)) {
        Problem(std::string("the field `") + key + "` must be an array of strings");
        return out;
      }
      out.emplace_back(s);
    }
    return out;
  }
  void Problem(std::string p) {
    if (problem_.empty()) problem_ = std::move(p);
  }
  // Sends the first problem (400); false when there was none.
  bool Fail(Response& res) {
    if (problem_.empty()) return false;
    SendError(res, 400, problem_);
    return true;
  }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object obj_;
  std::string problem_;
};

// The entity key's form (400), and unless `force` that the store knows it (404).
bool CheckEntity(Store& store, Response& res, const std::string& entity, bool force) {
  Status form = ledger::CheckEntityKeyForm(entity);
  if (!form.ok()) {
    SendError(res, 400, form.message());
    return false;
  }
  if (force) return true;
  auto known = IsKnownEntity(store, entity);
  if (!known.ok()) {
    SendStatus(res, known.status());
    return false;
  }
  if (!*known) {
    SendError(res, 404, "unknown entity " + entity + " (nothing ingested mentions it)");
    return false;
  }
  return true;
}

// Runs fn in a write transaction, rolled back when it fails.
template <typename T, typename Fn>
StatusOr<T> InTransaction(Store& store, Fn&& fn) {
  RETURN_IF_ERROR(store.Begin());
  StatusOr<T> r = fn();
  if (!r.ok()) {
    (void)store.Rollback();
    return r;
  }
  RETURN_IF_ERROR(store.Commit());
  return r;
}

std::string ReferralJson(const ledger::Referral& r) {
  std::string out;
  ledger::AppendReferralJson(out, r, ledger::SystemClock().Now());
  return out;
}

// The referral `id` if it is open; otherwise 404 or 409 sent and nullopt.
std::optional<ledger::Referral> OpenReferral(ledger::Referrals& refs, Response& res,
                                             const std::string& id) {
  auto r = refs.Get(id);
  if (!r.ok()) {
    SendStatus(res, r.status());
    return std::nullopt;
  }
  if (!*r) {
    SendError(res, 404, "no referral " + id);
    return std::nullopt;
  }
  if ((*r)->status != "open") {
    SendError(res, 409, "referral " + id + " is " + (*r)->status);
    return std::nullopt;
  }
  return **r;
}

}  // namespace

void AddV1WriteRoutes(V1Context& ctx) {
  httplib::Server& svr = *ctx.svr;
  const auto moderator = [&ctx](V1Context::Handler h) {
    return ctx.guarded(ApiRole::kModerator,
                       [&ctx, h = std::move(h)](const Request& req, Response& res, Store& store,
                                                const ApiCaller& caller) {
                         std::lock_guard lock(*ctx.write_mu);
                         h(req, res, store, caller);
                       });
  };

  svr.Post("/v1/takedowns",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             Body b;
             if (!b.Parse(req, res)) return;
             ledger::TakedownRequest t;
             t.entity = b.Str("entity", true);
             t.reason = b.Str("reason", true);
             t.time = b.Time("time", ledger::SystemClock().Now());
             if (auto s = b.Str("source", false); !s.empty()) t.source = s;
             t.decided_by = caller.name;
             t.preserve_months = static_cast<int>(
                 b.Int("preserve_months", 0, 1200).value_or(ledger::kDefaultPreserveMonths));
             const std::string referral = b.Str("referral", false);
             const bool force = b.Bool("force");
             const std::string evidence = b.Object("evidence");
             const std::vector<std::string> messages = b.Strings("messages");
             if (b.Fail(res)) return;
             if (!ledger::IsKnownSource(t.source)) {
               return SendError(res, 400, "unknown source '" + t.source + "'");
             }
             if (!CheckEntity(store, res, t.entity, force)) return;
             auto ev = ledger::TakedownEvidence(evidence, messages);
             if (!ev.ok()) return SendStatus(res, ev.status());
             t.evidence = *ev;
             ledger::Ledger led(store);
             auto down = led.DownSince(t.entity);
             if (!down.ok()) return SendStatus(res, down.status());
             if (*down) {
               return SendError(res, 409,
                                t.entity + " is already down since " + FormatRfc3339Ms(**down));
             }
             auto rec = ledger::RecordTakedown(store, led, t, referral, force);
             if (!rec.ok()) return SendStatus(res, rec.status());
             if (!rec->refused.empty()) {
               const bool missing = rec->refused.rfind("no referral", 0) == 0;
               return SendError(res, missing ? 404 : 409, rec->refused);
             }
             SendJson(res, 201, ledger::EntryJson(*rec->entry));
           }));

  svr.Post("/v1/reinstatements",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             Body b;
             if (!b.Parse(req, res)) return;
             ledger::ReinstateRequest r;
             r.entity = b.Str("entity", true);
             r.reason = b.Str("reason", true);
             r.time = b.Time("time", ledger::SystemClock().Now());
             if (auto s = b.Str("source", false); !s.empty()) r.source = s;
             r.decided_by = caller.name;
             r.appeal = b.Int("appeal", 1, INT64_MAX).value_or(0);
             const std::string evidence = b.Object("evidence");
             const bool force = b.Bool("force");
             if (b.Fail(res)) return;
             r.evidence = evidence.empty() ? "{}" : evidence;
             if (!ledger::IsKnownSource(r.source)) {
               return SendError(res, 400, "unknown source '" + r.source + "'");
             }
             if (!CheckEntity(store, res, r.entity, force)) return;
             ledger::Ledger led(store);
             auto down = led.DownSince(r.entity);
             if (!down.ok()) return SendStatus(res, down.status());
             if (!*down) return SendError(res, 409, r.entity + " is not down");
             if (r.appeal != 0) {
               auto appeal = FindAppeal(store, r.appeal);
               if (!appeal.ok()) return SendStatus(res, appeal.status());
               if (!*appeal) return SendError(res, 404, "no appeal " + std::to_string(r.appeal));
               if ((*appeal)->status != "open") {
                 return SendError(
                     res, 409, "appeal " + std::to_string(r.appeal) + " is " + (*appeal)->status);
               }
             }
             auto e = InTransaction<ledger::Entry>(store, [&] { return led.Reinstate(r); });
             if (!e.ok()) return SendStatus(res, e.status());
             SendJson(res, 201, ledger::EntryJson(*e));
           }));

  svr.Post("/v1/appeals",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             Body b;
             if (!b.Parse(req, res)) return;
             const std::string entity = b.Str("entity", true);
             const std::string reason = b.Str("reason", true);
             const TimeMs time = b.Time("time", ledger::SystemClock().Now());
             if (b.Fail(res)) return;
             if (!CheckEntity(store, res, entity, false)) return;
             ledger::Ledger led(store);
             auto down = led.DownSince(entity);
             if (!down.ok()) return SendStatus(res, down.status());
             if (!*down) return SendError(res, 409, entity + " is not down: nothing to appeal");
             auto open = OpenAppealOf(store, entity);
             if (!open.ok()) return SendStatus(res, open.status());
             if (*open) {
               return SendError(
                   res, 409,
                   entity + " has an open appeal already (" + std::to_string(**open) + ")");
             }
             auto ap = InTransaction<ledger::Appeal>(
                 store, [&] { return led.FileAppeal(entity, time, caller.name, reason); });
             if (!ap.ok()) return SendStatus(res, ap.status());
             SendJson(res, 201, ledger::AppealJson(*ap));
           }));

  svr.Post(R"(/v1/appeals/(\d{1,18})/deny)",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             const int64_t id = std::stoll(std::string(req.matches[1]));
             Body b;
             if (!b.Parse(req, res)) return;
             const std::string reason = b.Str("reason", true);
             const TimeMs time = b.Time("time", ledger::SystemClock().Now());
             if (b.Fail(res)) return;
             auto appeal = FindAppeal(store, id);
             if (!appeal.ok()) return SendStatus(res, appeal.status());
             if (!*appeal) return SendError(res, 404, "no appeal " + std::to_string(id));
             if ((*appeal)->status != "open") {
               return SendError(res, 409,
                                "appeal " + std::to_string(id) + " is " + (*appeal)->status);
             }
             ledger::Ledger led(store);
             auto e = InTransaction<ledger::Entry>(
                 store, [&] { return led.DenyAppeal(id, time, caller.name, reason); });
             if (!e.ok()) return SendStatus(res, e.status());
             SendJson(res, 201, ledger::EntryJson(*e));
           }));

  svr.Post("/v1/referrals",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             Body b;
             if (!b.Parse(req, res)) return;
             ledger::Referral r;
             r.id = b.Str("id", true);
             r.entity = b.Str("entity", true);
             r.unit = b.Str("unit", true);
             if (auto k = b.Str("kind", false); !k.empty()) r.kind = k;
             r.reason = b.Str("reason", false);
             r.received = b.Time("received", ledger::SystemClock().Now());
             if (auto h = b.Int("deadline_hours", 0, 24 * 365)) {
               r.deadline = r.received + *h * 3600 * 1000;
             }
             const bool force = b.Bool("force");
             if (b.Fail(res)) return;
             if (r.kind != "referral" && r.kind != "removal_order") {
               return SendError(res, 400, "the field `kind` must be referral or removal_order");
             }
             if (r.id.size() > 256) return SendError(res, 400, "the field `id` is over 256 bytes");
             if (!CheckEntity(store, res, r.entity, force)) return;
             ledger::Ledger led(store);
             ledger::Referrals refs(led, store);
             auto existing = refs.Get(r.id);
             if (!existing.ok()) return SendStatus(res, existing.status());
             if (*existing) return SendError(res, 409, "referral " + r.id + " exists already");
             auto added =
                 InTransaction<ledger::Referral>(store, [&] { return refs.Add(r, caller.name); });
             if (!added.ok()) return SendStatus(res, added.status());
             SendJson(res, 201, ReferralJson(*added));
           }));

  svr.Post(R"(/v1/referrals/([^/]{1,256})/act)",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             const std::string id = req.matches[1];
             Body b;
             if (!b.Parse(req, res)) return;
             const TimeMs time = b.Time("time", ledger::SystemClock().Now());
             const bool already = b.Bool("already_removed");
             if (b.Fail(res)) return;
             ledger::Ledger led(store);
             ledger::Referrals refs(led, store);
             auto r = OpenReferral(refs, res, id);
             if (!r) return;
             if (!already) {
               auto down = led.DownSince(r->entity);
               if (!down.ok()) return SendStatus(res, down.status());
               if (*down) {
                 return SendError(res, 409,
                                  r->entity +
                                      " is already down; act with "
                                      "\"already_removed\": true");
               }
             }
             auto acted = InTransaction<ledger::Referral>(
                 store, [&] { return refs.Act(id, time, caller.name, !already); });
             if (!acted.ok()) return SendStatus(res, acted.status());
             SendJson(res, 201, ReferralJson(*acted));
           }));

  svr.Post(R"(/v1/referrals/([^/]{1,256})/reject)",
           moderator([](const Request& req, Response& res, Store& store, const ApiCaller& caller) {
             const std::string id = req.matches[1];
             Body b;
             if (!b.Parse(req, res)) return;
             const std::string reason = b.Str("reason", true);
             const TimeMs time = b.Time("time", ledger::SystemClock().Now());
             if (b.Fail(res)) return;
             ledger::Ledger led(store);
             ledger::Referrals refs(led, store);
             if (!OpenReferral(refs, res, id)) return;
             auto rejected = InTransaction<ledger::Referral>(
                 store, [&] { return refs.Reject(id, time, caller.name, reason); });
             if (!rejected.ok()) return SendStatus(res, rejected.status());
             SendJson(res, 201, ReferralJson(*rejected));
           }));
}

}  // namespace cordon::serve
