// cordon events v1 (docs/events.md): the project's own NDJSON stream.
#include "cordon/ingest/count_field.h"
#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/strings.h"

namespace cordon {
namespace {

bool KnownPlatformKey(std::string_view key) { return PlatformOfKey(key) != Platform::kUnknown; }

// Checks a key field and records an error in `f` when it lacks a platform prefix.
void CheckKey(Fields& f, std::string_view field, std::string_view key) {
  if (!key.empty() && !KnownPlatformKey(key)) {
    f.Fail("field '" + std::string(field) +
           "': key must start with telegram:, matrix: or rocketchat:");
  }
}

std::string HexField(Fields& f, simdjson::dom::object o, std::string_view key, size_t digits) {
  Fields sub(o);
  auto v = sub.Str(key);
  if (!sub.ok()) f.Fail(sub.error());
  if (!v) return {};
  if (!IsHex(*v, digits) && !(digits == 0 && IsHex(*v, v->size()))) {
    f.Fail("field '" + std::string(key) + "': expected " +
           (digits ? std::to_string(digits) + " hex digits" : std::string("hex digits")));
    return {};
  }
  return ToLower(*v);
}

RecordResult ParseEntity(Fields& f, EventSink& sink, const Location& where) {
  EntityEvent e;
  e.key = std::string(f.ReqStr("key"));
  CheckKey(f, "key", e.key);
  auto kind = ParseEntityKind(f.ReqStr("kind"));
  if (!kind && f.ok()) f.Fail("field 'kind': expected channel, group, user or bot");
  e.kind = kind.value_or(EntityKind::kUnknown);
  e.time = f.ReqTime("time");
  if (auto v = f.Str("name")) e.name = std::string(*v);
  if (auto v = f.Str("username")) e.username = std::string(*v);
  if (auto v = f.Str("about")) e.about = std::string(*v);
  e.created = f.Time("created");
  if (auto v = f.Str("creator")) {
    e.creator = std::string(*v);
    CheckKey(f, "creator", *e.creator);
  }
  e.subscribers = ReadCount(f, "subscribers", sink, where);
  if (auto av = f.Obj("avatar")) {
    std::string sha = HexField(f, *av, "sha256", 64);
    std::string pdq = HexField(f, *av, "pdq", 64);
    if (!sha.empty()) e.avatar_sha256 = sha;
    if (!pdq.empty()) e.avatar_pdq = pdq;
  }
  if (!f.ok()) return RecordResult::Reject(f.error());
  Status s = sink.OnEvent(std::move(e), where);
  return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(s);
}

RecordResult ParseMessage(Fields& f, EventSink& sink, const Location& where) {
  MessageEvent m;
  m.key = std::string(f.ReqStr("key"));
  m.chat = std::string(f.ReqStr("chat"));
  CheckKey(f, "chat", m.chat);
  if (f.ok() && !m.key.starts_with(m.chat + "/")) {
    f.Fail("field 'key': a message key is '<chat key>/<message id>'");
  }
  m.time = f.ReqTime("time");
  if (auto v = f.Str("from")) m.from = std::string(*v);
  if (auto v = f.Str("text")) m.text = std::string(*v);
  if (auto links = f.Arr("links")) {
    for (auto l : *links) {
      if (!l.is_string()) {
        f.Fail("field 'links': expected an array of strings");
        break;
      }
      m.links.emplace_back(std::string_view(l));
    }
  }
  if (auto media = f.Arr("media")) {
    for (auto item : *media) {
      if (!item.is_object()) {
        f.Fail("field 'media': expected an array of objects");
        break;
      }
      Fields mf(item);
      Media md;
      md.kind = std::string(mf.ReqStr("kind"));
      if (auto p = mf.Str("path")) md.path = std::string(*p);
      if (!mf.ok()) f.Fail("media: " + mf.error());
      md.sha256 = HexField(f, item, "sha256", 64);
      md.md5 = HexField(f, item, "md5", 32);
      md.pdq = HexField(f, item, "pdq", 64);
      m.media.push_back(std::move(md));
    }
  }
  if (auto fwd = f.Obj("forward")) {
    Fields ff(*fwd);
    ForwardOrigin o;
    if (auto v = ff.Str("chat")) o.chat = std::string(*v);
    if (auto v = ff.Str("message")) o.message = std::string(*v);
    if (auto v = ff.Str("name")) o.name = std::string(*v);
    o.time = ff.Time("time");
    if (!ff.ok()) f.Fail("forward: " + ff.error());
    m.forward = std::move(o);
  }
  m.views = ReadCount(f, "views", sink, where);
  if (auto v = f.Str("via_bot")) m.via_bot = std::string(*v);
  if (auto v = f.Str("reply_to")) m.reply_to = std::string(*v);
  m.edited = f.Time("edited");
  m.reactions = ReadCount(f, "reactions", sink, where);
  m.poll_voters = ReadCount(f, "poll_voters", sink, where);
  if (auto v = f.Str("thread")) m.thread = std::string(*v);
  if (!f.ok()) return RecordResult::Reject(f.error());
  Status s = sink.OnEvent(std::move(m), where);
  return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(s);
}

RecordResult ParseMember(Fields& f, EventSink& sink, const Location& where) {
  MemberEvent m;
  m.chat = std::string(f.ReqStr("chat"));
  m.user = std::string(f.ReqStr("user"));
  CheckKey(f, "chat", m.chat);
  CheckKey(f, "user", m.user);
  m.time = f.ReqTime("time");
  auto action = ParseMemberAction(f.ReqStr("action"));
  if (!action && f.ok()) f.Fail("field 'action': expected join, leave, admin, creator or ban");
  m.action = action.value_or(MemberAction::kJoin);
  if (auto v = f.Str("reason")) m.reason = std::string(*v);
  if (!f.ok()) return RecordResult::Reject(f.error());
  Status s = sink.OnEvent(std::move(m), where);
  return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(s);
}

RecordResult ParseInvite(Fields& f, EventSink& sink, const Location& where) {
  InviteEvent i;
  i.link = std::string(f.ReqStr("link"));
  i.chat = std::string(f.ReqStr("chat"));
  CheckKey(f, "chat", i.chat);
  i.time = f.ReqTime("time");
  if (!f.ok()) return RecordResult::Reject(f.error());
  Status s = sink.OnEvent(std::move(i), where);
  return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(s);
}

RecordResult ParseTakedown(Fields& f, EventSink& sink, const Location& where) {
  TakedownEvent t;
  t.entity = std::string(f.ReqStr("entity"));
  CheckKey(f, "entity", t.entity);
  t.time = f.ReqTime("time");
  t.reason = std::string(f.ReqStr("reason"));
  if (auto v = f.Str("source")) t.source = std::string(*v);
  if (!f.ok()) return RecordResult::Reject(f.error());
  Status s = sink.OnEvent(std::move(t), where);
  return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(s);
}

RecordResult ParseReinstate(Fields& f, EventSink& sink, const Location& where) {
  ReinstateEvent r;
  r.entity = std::string(f.ReqStr("entity"));
  CheckKey(f, "entity", r.entity);
  r.time = f.ReqTime("time");
  if (auto v = f.Str("reason")) r.reason = std::string(*v);
  if (!f.ok()) return RecordResult::Reject(f.error());
  Status s = sink.OnEvent(std::move(r), where);
  return s.ok() ? RecordResult::Ok() : RecordResult::Fatal(s);
}

class NativeImporter final : public Importer {
 public:
  std::string_view name() const override { return "cordon-events"; }

  int Sniff(std::string_view path, std::string_view head) const override {
    size_t p = head.find_first_not_of(" \t\r\n");
    if (p == std::string_view::npos || head[p] != '{') return 0;
    // Our writer puts "type" first; other NDJSON formats have no such field there.
    std::string_view rest = head.substr(p + 1);
    size_t q = rest.find_first_not_of(" \t");
    if (q != std::string_view::npos && rest.substr(q).starts_with("\"type\":")) {
      std::string_view t = rest.substr(q + 7);
      size_t r = t.find_first_not_of(" \t");
      if (r != std::string_view::npos) t = t.substr(r);
      for (std::string_view ty : {"\"entity\"", "\"message\"", "\"member\"", "\"invite\"",
                                  "\"takedown\"", "\"reinstate\""}) {
        if (t.starts_with(ty)) return 90;
      }
    }
    return path.ends_with(".ndjson") && head.find("\"type\"") != std::string_view::npos ? 10 : 0;
  }

  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    return ForEachJsonLine(file, limits, sink,
                           [&](simdjson::dom::element root, const Location& where) -> RecordResult {
                             if (!root.is_object())
                               return RecordResult::Reject("expected a JSON object");
                             Fields f{simdjson::dom::object(root)};
                             std::string_view type = f.ReqStr("type");
                             if (!f.ok()) return RecordResult::Reject(f.error());
                             if (type == "message") return ParseMessage(f, sink, where);
                             if (type == "entity") return ParseEntity(f, sink, where);
                             if (type == "member") return ParseMember(f, sink, where);
                             if (type == "invite") return ParseInvite(f, sink, where);
                             if (type == "takedown") return ParseTakedown(f, sink, where);
                             if (type == "reinstate") return ParseReinstate(f, sink, where);
                             sink.OnWeird(weird::kUnknownEventType, "unknown event type skipped",
                                          where);
                             return RecordResult::Ok();
                           });
  }
};

}  // namespace

std::unique_ptr<Importer> MakeNativeImporter() { return std::make_unique<NativeImporter>(); }

}  // namespace cordon
