#include "cordon/model/event_json.h"

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

void Put(JsonWriter& w, std::string_view k, const std::optional<std::string>& v) {
  if (v) w.Field(k, std::string_view(*v));
}
void PutNonEmpty(JsonWriter& w, std::string_view k, const std::string& v) {
  if (!v.empty()) w.Field(k, std::string_view(v));
}
void PutTime(JsonWriter& w, std::string_view k, TimeMs t) {
  w.Field(k, std::string_view(FormatRfc3339Ms(t)));
}

struct Writer {
  JsonWriter& w;
  void operator()(const EntityEvent& e) {
    w.Field("type", "entity").Field("key", std::string_view(e.key));
    w.Field("kind", EntityKindName(e.kind));
    PutTime(w, "time", e.time);
    Put(w, "name", e.name);
    Put(w, "username", e.username);
    Put(w, "about", e.about);
    if (e.created) PutTime(w, "created", *e.created);
    Put(w, "creator", e.creator);
    if (e.subscribers) w.Field("subscribers", *e.subscribers);
    if (e.avatar_sha256 || e.avatar_pdq) {
      w.Key("avatar").BeginObject();
      Put(w, "sha256", e.avatar_sha256);
      Put(w, "pdq", e.avatar_pdq);
      w.EndObject();
    }
  }
  void operator()(const MessageEvent& m) {
    w.Field("type", "message").Field("key", std::string_view(m.key));
    w.Field("chat", std::string_view(m.chat));
    PutTime(w, "time", m.time);
    PutNonEmpty(w, "from", m.from);
    PutNonEmpty(w, "text", m.text);
    if (!m.links.empty()) {
      w.Key("links").BeginArray();
      for (const auto& l : m.links) w.String(l);
      w.EndArray();
    }
    if (!m.media.empty()) {
      w.Key("media").BeginArray();
      for (const auto& md : m.media) {
        w.BeginObject().Field("kind", std::string_view(md.kind));
        PutNonEmpty(w, "sha256", md.sha256);
        PutNonEmpty(w, "md5", md.md5);
        PutNonEmpty(w, "pdq", md.pdq);
        PutNonEmpty(w, "path", md.path);
        w.EndObject();
      }
      w.EndArray();
    }
    if (m.forward) {
      w.Key("forward").BeginObject();
      PutNonEmpty(w, "chat", m.forward->chat);
      PutNonEmpty(w, "message", m.forward->message);
      PutNonEmpty(w, "name", m.forward->name);
      if (m.forward->time) PutTime(w, "time", *m.forward->time);
      w.EndObject();
    }
    if (m.views) w.Field("views", *m.views);
    PutNonEmpty(w, "via_bot", m.via_bot);
    PutNonEmpty(w, "reply_to", m.reply_to);
    if (m.edited) PutTime(w, "edited", *m.edited);
    if (m.reactions) w.Field("reactions", *m.reactions);
    if (m.poll_voters) w.Field("poll_voters", *m.poll_voters);
    PutNonEmpty(w, "thread", m.thread);
  }
  void operator()(const MemberEvent& m) {
    w.Field("type", "member").Field("chat", std::string_view(m.chat));
    w.Field("user", std::string_view(m.user));
    PutTime(w, "time", m.time);
    w.Field("action", MemberActionName(m.action));
    PutNonEmpty(w, "reason", m.reason);
  }
  void operator()(const InviteEvent& i) {
    w.Field("type", "invite").Field("link", std::string_view(i.link));
    w.Field("chat", std::string_view(i.chat));
    PutTime(w, "time", i.time);
  }
  void operator()(const TakedownEvent& t) {
    w.Field("type", "takedown").Field("entity", std::string_view(t.entity));
    PutTime(w, "time", t.time);
    w.Field("reason", std::string_view(t.reason));
    PutNonEmpty(w, "source", t.source);
  }
  void operator()(const ReinstateEvent& r) {
    w.Field("type", "reinstate").Field("entity", std::string_view(r.entity));
    PutTime(w, "time", r.time);
    PutNonEmpty(w, "reason", r.reason);
  }
};

}  // namespace

void AppendEventJson(const Event& event, std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  std::visit(Writer{w}, event);
  w.EndObject();
  out.push_back('\n');
}

}  // namespace cordon
