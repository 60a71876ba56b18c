#include "cordon/connect/policy_rules.h"

#include <simdjson.h>

#include <map>

#include "cordon/store/browse.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/utf8.h"

namespace cordon::connect {
namespace {

constexpr std::string_view kRulePrefixes[] = {"m.policy.rule.", "m.room.rule.",
                                              "org.matrix.mjolnir.rule."};

// The string of a field, or empty with `ok` false when present with another type.
std::optional<std::string_view> StrField(simdjson::dom::object o, std::string_view key, bool* ok) {
  simdjson::dom::element e;
  if (o[key].get(e)) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s)) {
    *ok = false;
    return std::nullopt;
  }
  return s;
}

// The server part of a Matrix id ("@user:server" -> "server"); empty when there is none.
std::string_view ServerOf(std::string_view id) {
  const size_t colon = id.find(':');
  return colon == std::string_view::npos ? std::string_view() : id.substr(colon + 1);
}

// The alias of each Matrix room the store knows one of (its `username`, "#room:server"): room
// rules may name rooms by alias globs ("#*:example.org").
StatusOr<std::map<std::string, std::string>> RoomAliases(Store& store) {
  std::map<std::string, std::string> out;
  EntityQuery q;
  q.platform = "matrix";
  q.limit = kMaxBrowseLimit;
  for (;;) {
    ASSIGN_OR_RETURN(EntityPage page, ListEntities(store, q));
    for (EntityRow& e : page.entities) {
      if (e.key.starts_with("matrix:!") && !e.username.empty()) {
        out.emplace(std::move(e.key), std::move(e.username));
      }
    }
    if (page.next.empty()) return out;
    q.after = page.next;
  }
}

}  // namespace

std::string_view RuleKind(std::string_view type) {
  for (std::string_view prefix : kRulePrefixes) {
    if (type.substr(0, prefix.size()) != prefix) continue;
    const std::string_view kind = type.substr(prefix.size());
    if (kind == "user" || kind == "room" || kind == "server") return kind;
  }
  return "";
}

bool IsBanRecommendation(std::string_view r) {
  return r == "m.ban" || r == "org.matrix.mjolnir.ban" || r == "m.takedown";
}

StatusOr<ParsedPolicyState> ParsePolicyState(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc)) {
    return Status::Corrupt(std::string("policy room state: ") + simdjson::error_message(err));
  }
  simdjson::dom::array events;
  if (doc.get_array().get(events)) {
    return Status::Corrupt("policy room state: expected a JSON array of state events");
  }
  ParsedPolicyState out;
  int64_t index = -1;
  for (simdjson::dom::element e : events) {
    ++index;
    const auto skip = [&](std::string why) {
      out.skipped.push_back("state event " + std::to_string(index) + ": " + std::move(why));
    };
    simdjson::dom::object o;
    if (e.get_object().get(o)) {
      skip("not an object");
      continue;
    }
    bool ok = true;
    const auto type = StrField(o, "type", &ok);
    if (!type || !ok) {
      skip("no string type");
      continue;
    }
    const std::string_view kind = RuleKind(*type);
    if (kind.empty()) {
      ++out.other_events;
      continue;
    }
    const auto state_key = StrField(o, "state_key", &ok);
    const auto sender = StrField(o, "sender", &ok);
    simdjson::dom::object content;
    int64_t ts = 0;
    if (!state_key || !ok || o["content"].get_object().get(content)) {
      skip("a rule without a string state_key or an object content");
      continue;
    }
    if (auto t = o["origin_server_ts"]; !t.error()) {
      if (t.get_int64().get(ts) || ts < 0) ts = 0;
    }
    ParsedRule r;
    r.row.type = RepairUtf8(*type);
    r.row.state_key = RepairUtf8(*state_key);
    r.row.kind = std::string(kind);
    r.row.sender = sender ? RepairUtf8(*sender) : std::string();
    r.row.time = ts;
    if (content.size() == 0) {
      r.withdrawn = true;
      out.rules.push_back(std::move(r));
      continue;
    }
    const auto entity = StrField(content, "entity", &ok);
    const auto recommendation = StrField(content, "recommendation", &ok);
    const auto reason = StrField(content, "reason", &ok);
    if (!ok) {
      skip("rule " + r.row.type + " '" + r.row.state_key + "': a field is not a string");
      continue;
    }
    if (!entity || entity->empty()) {
      // MSC4205's hashed entities name no entity in clear: cordon cannot match them yet.
      skip("rule " + r.row.type + " '" + r.row.state_key + "': no entity (hashed rules not read)");
      continue;
    }
    if (!recommendation) {
      skip("rule " + r.row.type + " '" + r.row.state_key + "': no recommendation");
      continue;
    }
    r.row.entity = RepairUtf8(*entity);
    r.row.recommendation = RepairUtf8(*recommendation);
    r.row.reason = reason ? RepairUtf8(*reason) : std::string();
    out.rules.push_back(std::move(r));
  }
  return out;
}

bool GlobMatch(std::string_view glob, std::string_view text) {
  size_t g = 0, t = 0;
  size_t star = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == text[t])) {
      ++g;
      ++t;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      star_t = t;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

StatusOr<std::pair<int64_t, int64_t>> StorePolicyRules(Store& store, std::string_view list,
                                                       const ParsedPolicyState& state, TimeMs now) {
  std::pair<int64_t, int64_t> counts{0, 0};
  for (const ParsedRule& r : state.rules) {
    if (r.withdrawn) {
      ASSIGN_OR_RETURN(bool gone, DeletePolicyRule(store, list, r.row.type, r.row.state_key));
      counts.second += gone ? 1 : 0;
      continue;
    }
    PolicyRuleRow row = r.row;
    row.list = std::string(list);
    row.imported = now;
    RETURN_IF_ERROR(UpsertPolicyRule(store, row));
    ++counts.first;
  }
  return counts;
}

StatusOr<PolicyApplyReport> ApplyPolicyRules(Store& store, ledger::Ledger& ledger, TimeMs now,
                                             bool dry_run) {
  ASSIGN_OR_RETURN(std::vector<PolicyRuleRow> rules, ReadPolicyRules(store));
  PolicyApplyReport report;
  if (rules.empty()) return report;
  ASSIGN_OR_RETURN(std::vector<std::string> users, EntityKeysWithPrefix(store, "matrix:@"));
  ASSIGN_OR_RETURN(std::vector<std::string> rooms, EntityKeysWithPrefix(store, "matrix:!"));
  ASSIGN_OR_RETURN(const auto aliases, RoomAliases(store));
  std::map<std::string, const PolicyRuleRow*> hit;  // entity key -> first rule matching it
  for (const PolicyRuleRow& rule : rules) {
    if (!IsBanRecommendation(rule.recommendation)) continue;
    const auto consider = [&](const std::vector<std::string>& keys, bool by_server) {
      for (const std::string& key : keys) {
        const std::string_view id = std::string_view(key).substr(7);  // after "matrix:"
        if (GlobMatch(rule.entity, by_server ? ServerOf(id) : id)) {
          hit.emplace(key, &rule);
        } else if (auto a = aliases.find(key);
                   a != aliases.end() && !by_server && GlobMatch(rule.entity, a->second)) {
          hit.emplace(key, &rule);  // a room rule naming the room's alias
        }
      }
    };
    if (rule.kind == "user") consider(users, false);
    if (rule.kind == "room") consider(rooms, false);
    if (rule.kind == "server") {
      consider(users, true);
      consider(rooms, true);
    }
  }
  for (const auto& [key, rule] : hit) {
    ASSIGN_OR_RETURN(std::optional<TimeMs> down, ledger.DownSince(key));
    if (down) {
      ++report.already_down;
      continue;
    }
    report.taken_down.push_back(key);
    if (dry_run) continue;
    ledger::TakedownRequest r;
    r.entity = key;
    r.time = now;
    r.reason = rule->reason.empty() ? "matrix policy list " + rule->list : rule->reason;
    r.source = "policy";
    r.decided_by = "matrix policy list " + rule->list;
    r.ref = rule->list + " " + rule->type + " " + rule->state_key;
    std::string evidence;
    JsonWriter w(evidence);
    w.BeginObject().Field("policy_list", std::string_view(rule->list));
    w.Field("rule_type", std::string_view(rule->type));
    w.Field("state_key", std::string_view(rule->state_key));
    w.Field("glob", std::string_view(rule->entity));
    w.Field("recommendation", std::string_view(rule->recommendation));
    w.Field("sender", std::string_view(rule->sender)).EndObject();
    r.evidence = evidence;
    RETURN_IF_ERROR(ledger.Takedown(r).status());
  }
  return report;
}

std::string RuleStateKey(std::string_view entity) { return "rule:" + std::string(entity); }

std::optional<RuleEvent> RuleForTakedown(std::string_view entity_key, std::string_view reason) {
  constexpr std::string_view kPrefix = "matrix:";
  if (entity_key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view id = entity_key.substr(kPrefix.size());
  if (id.empty() || id.find_first_of("*?/") != std::string_view::npos) return std::nullopt;
  RuleEvent e;
  if (id.front() == '@') {
    e.type = "m.policy.rule.user";
  } else if (id.front() == '!') {
    e.type = "m.policy.rule.room";
  } else {
    return std::nullopt;
  }
  e.entity = std::string(id);
  e.state_key = RuleStateKey(id);
  JsonWriter w(e.content);
  w.BeginObject().Field("entity", id).Field("recommendation", "m.ban");
  w.Field("reason", reason).EndObject();
  return e;
}

StatusOr<std::string> ExportMatrixRules(Store& store) {
  ledger::Ledger ledger(store);
  ASSIGN_OR_RETURN(std::vector<ledger::Entry> entries, ledger.List());
  std::map<std::string, const ledger::Entry*> last;  // entity -> last takedown or reinstate
  for (const ledger::Entry& e : entries) {
    if (e.action == "takedown" || e.action == "reinstate") last[e.entity] = &e;
  }
  std::string out;
  JsonWriter w(out);
  w.BeginArray();
  for (const auto& [entity, e] : last) {
    if (e->action != "takedown") continue;
    const std::optional<RuleEvent> rule = RuleForTakedown(entity, e->reason);
    if (!rule) continue;
    w.BeginObject().Field("type", std::string_view(rule->type));
    w.Field("state_key", std::string_view(rule->state_key));
    w.Key("content").Raw(rule->content).EndObject();
  }
  w.EndArray();
  return out;
}

}  // namespace cordon::connect
