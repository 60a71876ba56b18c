#include "cordon/enforce/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cordon/enforce/stage.h"
#include "cordon/model/evidence.h"
#include "cordon/store/policy_queries.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::enforce {
namespace {

constexpr size_t kMaxPolicyBytes = 1 << 20;
constexpr size_t kMaxRules = 1000;
constexpr int kMaxEvidenceMessages = 10;

class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  void Error(const YAML::Mark& m, const std::string& msg) {
    if (m.is_null() || m.line < 0) {
      errors_.push_back(Status::InvalidArgument(msg, Location{file_}));
    } else {
      errors_.push_back(Status::InvalidArgument(
          "column " + std::to_string(m.column + 1) + ": " + msg, Location{file_, m.line + 1}));
    }
  }
  std::vector<Status>& errors() { return errors_; }

  // Each key of a map once, and only the allowed ones; returns the key -> value pairs.
  std::vector<std::pair<std::string, YAML::Node>> Keys(const YAML::Node& map,
                                                       const std::set<std::string>& allowed,
                                                       const char* what) {
    std::vector<std::pair<std::string, YAML::Node>> out;
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node k = it->first;
      if (!k.IsScalar()) {
        Error(k.Mark(), std::string("a key of ") + what + " must be a plain name");
        continue;
      }
      const std::string key = k.Scalar();
      if (allowed.count(key) == 0) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Error(k.Mark(),
              "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
        continue;
      }
      if (!seen.insert(key).second) {
        Error(k.Mark(), "key '" + key + "' given twice in " + what);
        continue;
      }
      out.emplace_back(key, it->second);
    }
    return out;
  }

  std::optional<std::string> Str(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      Error(n.Mark(), "'" + key + "' must be a string");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<double> Number(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      Error(n.Mark(), "'" + key + "' must be a number");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) {
      Error(n.Mark(), "'" + key + "' must be a number, not '" + s.substr(0, 40) + "'");
      return std::nullopt;
    }
    return v;
  }

  std::optional<int64_t> Integer(const YAML::Node& n, const std::string& key, int64_t lo,
                                 int64_t hi) {
    if (!n.IsScalar()) {
      Error(n.Mark(), "'" + key + "' must be an integer");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      Error(n.Mark(), "'" + key + "' must be an integer, not '" + s.substr(0, 40) + "'");
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      Error(n.Mark(),
            "'" + key + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return std::nullopt;
    }
    return v;
  }

  // A string or a list of strings.
  std::optional<std::vector<std::string>> Strings(const YAML::Node& n, const std::string& key) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) {
      Error(n.Mark(), "'" + key + "' must be a string or a list of strings");
      return std::nullopt;
    }
    for (const YAML::Node& item : n) {
      if (!item.IsScalar()) {
        Error(item.Mark(), "'" + key + "' must list strings");
        return std::nullopt;
      }
      out.push_back(item.Scalar());
    }
    return out;
  }

 private:
  std::string file_;
  std::vector<Status> errors_;
};

bool ValidName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

void CheckRule(Checker& ck, const YAML::Node& node, std::set<std::string>& names, Policy& out) {
  if (!node.IsMap()) {
    ck.Error(node.Mark(), "a rule must be a map (name, on, action, ...)");
    return;
  }
  const size_t before = ck.errors().size();
  PolicyRule r;
  r.line = node.Mark().line + 1;
  std::map<std::string, YAML::Node> kv;
  for (auto& [k, v] : ck.Keys(node,
                              {"name", "on", "action", "reason", "min_score", "banks",
                               "max_distance", "min_matches", "kinds"},
                              "a rule")) {
    kv.emplace(k, v);
  }
  for (const char* req : {"name", "on", "action"}) {
    if (kv.count(req) == 0) ck.Error(node.Mark(), std::string("rule without '") + req + "'");
  }
  if (auto it = kv.find("name"); it != kv.end()) {
    if (auto s = ck.Str(it->second, "name")) {
      if (!ValidName(*s)) {
        ck.Error(it->second.Mark(), "rule name '" + s->substr(0, 64) +
                                        "' must be 1-64 letters, digits, '-', '_' or '.'");
      } else if (!names.insert(*s).second) {
        ck.Error(it->second.Mark(), "rule name '" + *s + "' used twice");
      }
      r.name = *s;
    }
  }
  if (auto it = kv.find("on"); it != kv.end()) {
    if (auto s = ck.Str(it->second, "on")) {
      if (*s != "regeneration" && *s != "match") {
        ck.Error(it->second.Mark(),
                 "'on' must be regeneration or match, not '" + s->substr(0, 40) + "'");
      }
      r.on = *s;
    }
  }
  if (auto it = kv.find("action"); it != kv.end()) {
    if (auto s = ck.Str(it->second, "action")) {
      if (*s == "takedown") {
        r.action = PolicyAction::kTakedown;
      } else if (*s == "review") {
        r.action = PolicyAction::kReview;
      } else if (*s == "watch") {
        r.action = PolicyAction::kWatch;
      } else {
        ck.Error(it->second.Mark(),
                 "'action' must be takedown, review or watch, not '" + s->substr(0, 40) + "'");
      }
    }
  }
  if (auto it = kv.find("reason"); it != kv.end()) {
    if (auto s = ck.Str(it->second, "reason")) {
      if (s->empty()) ck.Error(it->second.Mark(), "'reason' is empty");
      r.reason = *s;
    }
  } else if (r.action == PolicyAction::kTakedown && kv.count("action")) {
    ck.Error(node.Mark(), "a takedown rule needs a 'reason'");
  }
  auto only_for = [&](const char* key, const char* on) {
    auto it = kv.find(key);
    const bool known_on = r.on == "regeneration" || r.on == "match";
    if (it != kv.end() && known_on && r.on != on) {
      ck.Error(it->second.Mark(),
               std::string("'") + key + "' applies to 'on: " + on + "' rules only");
      return false;
    }
    return it != kv.end();
  };
  if (only_for("min_score", "regeneration")) {
    const YAML::Node& n = kv["min_score"];
    if (auto v = ck.Number(n, "min_score")) {
      if (*v <= 0 || *v > 1) ck.Error(n.Mark(), "'min_score' must be in (0, 1]");
      r.min_score = *v;
    }
  } else if (r.on == "regeneration" && kv.count("min_score") == 0) {
    ck.Error(node.Mark(), "a regeneration rule needs 'min_score'");
  }
  if (only_for("banks", "match")) {
    if (auto v = ck.Strings(kv["banks"], "banks")) {
      if (v->empty()) ck.Error(kv["banks"].Mark(), "'banks' is empty (leave it out for all banks)");
      r.banks = *v;
    }
  }
  if (only_for("max_distance", "match")) {
    if (auto v = ck.Integer(kv["max_distance"], "max_distance", 0, 256))
      r.max_distance = static_cast<int>(*v);
  }
  if (only_for("min_matches", "match")) {
    if (auto v = ck.Integer(kv["min_matches"], "min_matches", 1, 1000000))
      r.min_matches = static_cast<int>(*v);
  }
  if (auto it = kv.find("kinds"); it != kv.end()) {
    if (auto v = ck.Strings(it->second, "kinds")) {
      for (const std::string& k : *v) {
        auto kind = ParseEntityKind(k);
        if (!kind || *kind == EntityKind::kUnknown) {
          ck.Error(it->second.Mark(),
                   "unknown kind '" + k.substr(0, 40) + "' (channel, group, user, bot)");
        } else {
          r.kinds.push_back(*kind);
        }
      }
    }
  }
  if (ck.errors().size() == before) out.rules.push_back(std::move(r));
}

std::string_view ActionRef(PolicyAction a) { return PolicyActionName(a); }

struct Signal {
  std::string entity;
  const PolicyRule* rule = nullptr;
  TimeMs time = 0;
  std::string evidence;  // JSON object for this rule's signal
};

}  // namespace

std::string_view PolicyActionName(PolicyAction a) {
  switch (a) {
    case PolicyAction::kTakedown:
      return "takedown";
    case PolicyAction::kReview:
      return "review";
    case PolicyAction::kWatch:
      return "watch";
  }
  return "watch";
}

StatusOr<Policy> ParsePolicy(std::string_view yaml, const std::string& file,
                             std::vector<Status>* problems) {
  Checker ck(file);
  Policy out;
  out.file = file;
  auto finish = [&]() -> StatusOr<Policy> {
    std::stable_sort(ck.errors().begin(), ck.errors().end(), [](const Status& a, const Status& b) {
      return a.where().line < b.where().line;
    });
    if (problems != nullptr) *problems = ck.errors();
    if (!ck.errors().empty()) return ck.errors().front();
    return out;
  };
  if (yaml.size() > kMaxPolicyBytes) {
    ck.Error(YAML::Mark::null_mark(), "policy file larger than 1 MiB");
    return finish();
  }
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) {
      ck.Error(root.Mark(), "a policy is a map with 'version' and 'rules'");
      return finish();
    }
    std::map<std::string, YAML::Node> kv;
    for (auto& [k, v] : ck.Keys(root, {"version", "preserve_months", "rules"}, "the policy")) {
      kv.emplace(k, v);
    }
    if (auto it = kv.find("version"); it != kv.end()) {
      if (auto v = ck.Integer(it->second, "version", 1, 1000)) {
        if (*v != 1)
          ck.Error(it->second.Mark(),
                   "unsupported policy version " + std::to_string(*v) + " (this cordon reads 1)");
      }
    } else {
      ck.Error(root.Mark(), "policy without 'version: 1'");
    }
    if (auto it = kv.find("preserve_months"); it != kv.end()) {
      if (auto v = ck.Integer(it->second, "preserve_months", 0, 1200))
        out.preserve_months = static_cast<int>(*v);
    }
    auto it = kv.find("rules");
    if (it == kv.end()) {
      ck.Error(root.Mark(), "policy without 'rules'");
    } else if (!it->second.IsSequence()) {
      ck.Error(it->second.Mark(), "'rules' must be a list of rules");
    } else if (it->second.size() == 0) {
      ck.Error(it->second.Mark(), "'rules' is empty");
    } else if (it->second.size() > kMaxRules) {
      ck.Error(it->second.Mark(), "more than 1000 rules");
    } else {
      std::set<std::string> names;
      for (const YAML::Node& rule : it->second) CheckRule(ck, rule, names, out);
    }
  } catch (const YAML::Exception& e) {
    ck.Error(e.mark, e.msg);
  } catch (const std::exception& e) {
    ck.Error(YAML::Mark::null_mark(), std::string("cannot read policy: ") + e.what());
  }
  return finish();
}

StatusOr<Policy> LoadPolicy(const std::string& path, std::vector<Status>* problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read policy file", Location{path});
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxPolicyBytes) break;
  }
  return ParsePolicy(text, path, problems);
}

StatusOr<std::vector<ProposedAction>> PlanPolicy(Store& store, const Policy& policy) {
  std::vector<Signal> signals;
  // Regeneration detections.
  bool any_regen = false;
  for (const PolicyRule& r : policy.rules) any_regen |= r.on == "regeneration";
  if (any_regen) {
    ASSIGN_OR_RETURN(std::vector<RegenDetection> dets, LoadDetections(store));
    for (const RegenDetection& d : dets) {
      for (const PolicyRule& r : policy.rules) {
        if (r.on != "regeneration" || d.score < r.min_score) continue;
        std::string ev;
        JsonWriter w(ev);
        w.BeginObject().Field("parent", std::string_view(d.parent)).Field("score", d.score);
        w.Field("detected_at", std::string_view(FormatRfc3339Ms(d.detected_at)));
        WriteEvidenceListJson(w.Key("signals"), d.evidence);
        w.EndObject();
        signals.push_back({d.entity, &r, d.detected_at, ev});
      }
    }
  }
  // Known-content matches, per chat.
  for (const PolicyRule& r : policy.rules) {
    if (r.on != "match") continue;
    const MatchFilter filter{r.banks, r.max_distance};
    ASSIGN_OR_RETURN(std::vector<ChatPolicyMatches> chats, MatchesByChat(store, filter));
    for (const ChatPolicyMatches& c : chats) {
      if (c.messages < r.min_matches) continue;
      // Each matched message as the evidence of its closest match (model/evidence.h).
      ASSIGN_OR_RETURN(std::vector<Evidence> matches,
                       MatchedMessageEvidence(store, filter, c.chat, kMaxEvidenceMessages));
      std::string ev;
      JsonWriter w(ev);
      w.BeginObject().Field("messages_matched", c.messages).Field("min_distance", c.min_distance);
      w.Field("banks", std::string_view(c.banks));
      WriteEvidenceListJson(w.Key("signals"), matches);
      w.EndObject();
      signals.push_back({c.chat, &r, c.last.value_or(0), ev});
    }
  }
  // Kinds, then the strongest action per entity.
  std::map<std::string, std::vector<const Signal*>> by_entity;
  for (const Signal& s : signals) by_entity[s.entity].push_back(&s);
  std::vector<std::string> keys;
  for (const auto& entry : by_entity) keys.push_back(entry.first);
  ASSIGN_OR_RETURN(std::vector<std::optional<EntityKind>> kinds, StoredEntityKinds(store, keys));
  std::vector<ProposedAction> out;
  ledger::Ledger ledger(store);
  size_t index = 0;
  for (auto& [entity, sigs] : by_entity) {
    const EntityKind kind = kinds[index++].value_or(KindFromKey(entity));
    std::vector<const Signal*> fired;
    for (const Signal* s : sigs) {
      const auto& kinds = s->rule->kinds;
      if (kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
        fired.push_back(s);
      }
    }
    if (fired.empty()) continue;
    // Strongest action; among equals the rule that comes first in the file.
    const Signal* win = fired.front();
    for (const Signal* s : fired) {
      if (s->rule->action > win->rule->action ||
          (s->rule->action == win->rule->action && s->rule->line < win->rule->line)) {
        win = s;
      }
    }
    ProposedAction a;
    a.entity = entity;
    a.action = win->rule->action;
    a.reason = win->rule->reason.empty() ? "policy:" + win->rule->name : win->rule->reason;
    a.rule = win->rule->name;
    a.signal_time = win->time;
    std::string ev;
    JsonWriter w(ev);
    w.BeginObject().Field("policy", std::string_view(policy.file));
    w.Field("rule", std::string_view(win->rule->name));
    w.Key("fired").BeginArray();
    for (const Signal* s : fired) {
      a.rules.push_back(s->rule->name);
      w.BeginObject().Field("rule", std::string_view(s->rule->name));
      w.Field("on", std::string_view(s->rule->on));
      w.Field("action", PolicyActionName(s->rule->action));
      w.Key("signal").Raw(s->evidence).EndObject();
    }
    w.EndArray().EndObject();
    a.evidence = ev;
    // Done before?
    if (a.action == PolicyAction::kTakedown) {
      ASSIGN_OR_RETURN(std::optional<TimeMs> down, ledger.DownSince(entity));
      if (down) {
        a.skip = true;
        a.skip_why = "down since " + FormatRfc3339Ms(*down);
      }
    } else {
      ASSIGN_OR_RETURN(bool done,
                       LedgerHasEntry(store, entity, ActionRef(a.action), "policy:" + a.rule));
      if (done) {
        a.skip = true;
        a.skip_why = "already " +
                     std::string(a.action == PolicyAction::kReview ? "queued" : "watched") +
                     " by this rule";
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

StatusOr<std::vector<ProposedAction>> ApplyPolicy(Store& store, ledger::Ledger& ledger,
                                                  const Policy& policy,
                                                  const ApplyOptions& options) {
  ASSIGN_OR_RETURN(std::vector<ProposedAction> plan, PlanPolicy(store, policy));
  if (options.dry_run) return plan;
  for (ProposedAction& a : plan) {
    if (a.skip) continue;
    // The operator who ran the policy goes into the evidence.
    std::string evidence = a.evidence;
    evidence.pop_back();
    evidence += ",\"applied_by\":";
    AppendJsonString(evidence, options.by);
    evidence += '}';
    const TimeMs t = options.time.value_or(a.signal_time);
    if (a.action == PolicyAction::kTakedown) {
      ledger::TakedownRequest r;
      r.entity = a.entity;
      r.time = t;
      r.reason = a.reason;
      r.source = "policy";
      r.decided_by = "policy:" + a.rule;
      r.evidence = evidence;
      r.ref = "policy:" + a.rule;
      r.preserve_months = policy.preserve_months;
      RETURN_IF_ERROR(ledger.Takedown(r).status());
    } else {
      ledger::Entry e;
      e.time = t;
      e.action = std::string(PolicyActionName(a.action));
      e.entity = a.entity;
      e.reason = a.reason;
      e.source = "policy";
      e.decided_by = "policy:" + a.rule;
      e.evidence = evidence;
      e.ref = "policy:" + a.rule;
      RETURN_IF_ERROR(ledger.Append(std::move(e)).status());
    }
  }
  return plan;
}

void AppendProposedActionJson(std::string& out, const ProposedAction& a) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("entity", std::string_view(a.entity)).Field("action", PolicyActionName(a.action));
  w.Field("reason", std::string_view(a.reason)).Field("rule", std::string_view(a.rule));
  w.Key("rules").BeginArray();
  for (const std::string& r : a.rules) w.String(r);
  w.EndArray();
  w.Field("signal_time", std::string_view(FormatRfc3339Ms(a.signal_time)));
  w.Field("skip", a.skip);
  if (a.skip) w.Field("skip_why", std::string_view(a.skip_why));
  w.Key("evidence").Raw(a.evidence);
  w.EndObject();
}

}  // namespace cordon::enforce
