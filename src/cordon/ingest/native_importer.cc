// cordon events v1 (docs/events.md): the project's own NDJSON stream.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "cordon/ingest/count_field.h"
#include "cordon/ingest/importer.h"
#include "cordon/ingest/json_walk.h"
#include "cordon/ingest/weirds.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/strings.h"
#include "cordon/util/time.h"

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

// The fast path for "message" records (nearly all of a stream): the line read once with
// simdjson On-Demand, fields in document order, every value read and type-checked as it goes.
// Read() fills `m` only when the record is one ParseMessage would accept as the very same event
// and with no weird; anything else (an error at any point, trailing text, an unknown, escaped or
// repeated key, a value ParseMessage would convert or report) answers false and nothing is
// emitted: the caller then parses the line with the DOM path, which rejects it or reads it
// exactly as before. So a bad line is never half-ingested, and its reason is the DOM's.
class FastMessageReader {
 public:
  explicit FastMessageReader(size_t depth) : depth_(depth) {}

  bool Read(std::string_view raw, MessageEvent& m) {
    if (parser_.capacity() < raw.size() || !allocated_) {
      if (parser_.allocate(std::max<size_t>(raw.size(), 1 << 16), depth_) != simdjson::SUCCESS) {
        return false;
      }
      allocated_ = true;
    }
    // `m` is reused from line to line: its strings keep their capacity (the sink may have
    // moved them away, then they are empty), so a steady stream allocates nothing here.
    Reset(m);
    size_t links = 0, media = 0;
    simdjson::ondemand::document doc;
    // `raw` is a line of LineReader's buffer, readable for kReadPadding bytes past its end.
    if (parser_.iterate(raw.data(), raw.size(), raw.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
      return false;
    }
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) return false;
    uint32_t seen = 0;
    int next = kType;
    bool has_time = false;
    for (auto item : obj) {
      // Used in place, not copied out: a copy of the fresh iterator costs a store-forwarding
      // stall per field (perf).
      if (item.error()) return false;
      simdjson::ondemand::field& field = item.value_unsafe();
      const int bit = KeyBit(field.key(), next);
      next = bit + 1;
      if (bit < 0 || (seen & (1u << bit))) return false;
      if (seen == 0 && bit != kType) return false;  // "type" first, as our writer puts it
      seen |= 1u << bit;
      simdjson::ondemand::value& v = field.value();
      std::string_view s;
      switch (bit) {
        case kType:
          if (v.get_string().get(s) || s != "message") return false;
          break;
        case kKey:
          if (!Str(v, m.key)) return false;
          break;
        case kChat:
          if (!Str(v, m.chat)) return false;
          break;
        case kTime: {
          std::optional<int64_t> t;
          if (!Time(v, t) || !t) return false;
          m.time = *t;
          has_time = true;
          break;
        }
        case kFrom:
          if (!Str(v, m.from)) return false;
          break;
        case kText:
          if (!Str(v, m.text)) return false;
          break;
        case kLinks:
          if (!Links(v, m.links, links)) return false;
          break;
        case kMedia:
          if (!MediaList(v, m.media, media)) return false;
          break;
        case kForward:
          if (!Forward(v, m.forward, spare_forward_)) return false;
          break;
        case kViews:
          if (!Count(v, m.views)) return false;
          break;
        case kViaBot:
          if (!Str(v, m.via_bot)) return false;
          break;
        case kReplyTo:
          if (!Str(v, m.reply_to)) return false;
          break;
        case kEdited:
          if (!Time(v, m.edited)) return false;
          break;
        case kReactions:
          if (!Count(v, m.reactions)) return false;
          break;
        case kPollVoters:
          if (!Count(v, m.poll_voters)) return false;
          break;
        case kThread:
          if (!Str(v, m.thread)) return false;
          break;
        default:
          return false;
      }
    }
    // Trailing text after the object: the DOM says TRAILING_CONTENT.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return false;
    // ParseMessage's checks; a failure goes to it for the reason.
    if (m.key.empty() || m.chat.empty() || !has_time || !KnownPlatformKey(m.chat)) return false;
    if (m.key.size() <= m.chat.size() || !m.key.starts_with(m.chat) || m.key[m.chat.size()] != '/')
      return false;
    m.links.resize(links);
    m.media.resize(media);
    if (!(seen & (1u << kForward)) && m.forward) {
      spare_forward_ = std::move(*m.forward);  // kept for the next forward's strings
      m.forward.reset();
    }
    return true;
  }

 private:
  enum Key {
    kType,
    kKey,
    kChat,
    kTime,
    kFrom,
    kText,
    kLinks,
    kMedia,
    kForward,
    kViews,
    kViaBot,
    kReplyTo,
    kEdited,
    kReactions,
    kPollVoters,
    kThread,
  };

  // A key name and its closing quote as one 16-byte pattern: KeyIs compares a key in two
  // 8-byte loads instead of a memcmp call (the keys are a few bytes long).
  struct KeyPattern {
    uint64_t word[2] = {0, 0};
    uint64_t mask[2] = {0, 0};
    std::string_view name;
  };
  static constexpr KeyPattern Pattern(std::string_view name) {
    KeyPattern p;
    p.name = name;
    for (size_t i = 0; i <= name.size() && i < 16; ++i) {
      const uint64_t byte = i < name.size() ? static_cast<unsigned char>(name[i]) : '"';
      p.word[i / 8] |= byte << (8 * (i % 8));
      p.mask[i / 8] |= uint64_t{0xff} << (8 * (i % 8));
    }
    return p;
  }
  // Whether the key is `p.name` written without escapes, as raw_json_string::unsafe_is_equal
  // says. Reads 16 bytes from the key's start: the line has kReadPadding (64) readable bytes
  // past its end, and the key starts inside the line.
  static bool KeyIs(simdjson::ondemand::raw_json_string k, const KeyPattern& p) {
    if constexpr (std::endian::native != std::endian::little) {
      return k.unsafe_is_equal(p.name);
    } else {
      uint64_t w[2];
      std::memcpy(w, k.raw(), sizeof w);
      return (((w[0] ^ p.word[0]) & p.mask[0]) | ((w[1] ^ p.word[1]) & p.mask[1])) == 0;
    }
  }

  // The field's bit, or -1 for a key ParseMessage does not read (or one written with escapes).
  // `hint` is the bit expected next: our writer puts the fields in this order, so the first
  // comparison nearly always hits.
  static int KeyBit(simdjson::ondemand::raw_json_string k, int hint) {
    static constexpr KeyPattern kNames[] = {
        Pattern("type"),    Pattern("key"),       Pattern("chat"),        Pattern("time"),
        Pattern("from"),    Pattern("text"),      Pattern("links"),       Pattern("media"),
        Pattern("forward"), Pattern("views"),     Pattern("via_bot"),     Pattern("reply_to"),
        Pattern("edited"),  Pattern("reactions"), Pattern("poll_voters"), Pattern("thread")};
    constexpr int n = static_cast<int>(std::size(kNames));
    if (hint < n && KeyIs(k, kNames[hint])) return hint;
    for (int i = 0; i < n; ++i) {
      if (KeyIs(k, kNames[i])) return i;
    }
    return -1;
  }

  // A null is absent (Fields reads it so); false for any other non-string or an error.
  static bool IsNull(simdjson::ondemand::value& v, bool& null) {
    return v.is_null().get(null) == simdjson::SUCCESS;
  }
  static bool Str(simdjson::ondemand::value& v, std::string& out) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out.assign(s);
    return true;
  }
  static bool Time(simdjson::ondemand::value& v, std::optional<int64_t>& out) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    std::string_view s;
    if (v.get_string().get(s)) return false;
    int64_t t;
    if (!ParseRfc3339Ms(s, t)) return false;
    out = t;
    return true;
  }
  // Only a plain non-negative int64 takes the fast path (Fields::Int converts more; a negative
  // count is a weird): the rest goes to the DOM path.
  static bool Count(simdjson::ondemand::value& v, std::optional<int64_t>& out) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    int64_t n = 0;
    if (v.get_int64().get(n) || n < 0) return false;
    out = n;
    return true;
  }
  static bool Hex(simdjson::ondemand::value& v, size_t digits, std::string& out) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    std::string_view s;
    if (v.get_string().get(s) || s.size() != digits) return false;
    // IsHex and ToLower in one pass, without branches (the loop vectorises).
    out.resize(s.size());
    const unsigned char* in = reinterpret_cast<const unsigned char*>(s.data());
    char* d = out.data();
    unsigned bad = 0;
    for (size_t i = 0; i < digits; ++i) {
      const unsigned c = in[i];
      const unsigned lower = c | 0x20u;
      const unsigned digit = (c - '0') < 10u;
      const unsigned letter = (lower - 'a') < 6u;
      bad |= (digit | letter) ^ 1u;
      d[i] = static_cast<char>(digit ? c : lower);
    }
    const bool hex = bad == 0;
    return hex;
  }
  // A field added to these structs must be reset below (Reset, MediaList, Forward).
  static_assert(sizeof(Media) == 6 * sizeof(std::string));
  static_assert(sizeof(ForwardOrigin) == 3 * sizeof(std::string) + sizeof(std::optional<TimeMs>));
  // Empties every field Read fills, keeping the strings' capacity. `links`, `media` and
  // `forward` are trimmed at the end of a successful Read instead, so their elements are reused.
  static void Reset(MessageEvent& m) {
    m.key.clear();
    m.chat.clear();
    m.time = 0;
    m.from.clear();
    m.text.clear();
    m.views.reset();
    m.via_bot.clear();
    m.reply_to.clear();
    m.edited.reset();
    m.reactions.reset();
    m.poll_voters.reset();
    m.thread.clear();
  }
  // Appends element `used` (reusing a string left from an earlier line when there is one).
  static bool Links(simdjson::ondemand::value& v, std::vector<std::string>& out, size_t& used) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    simdjson::ondemand::array arr;
    if (v.get_array().get(arr)) return false;
    for (auto item : arr) {
      std::string_view s;
      if (item.get_string().get(s)) return false;
      if (used < out.size()) {
        out[used].assign(s);
      } else {
        out.emplace_back(s);
      }
      ++used;
    }
    return true;
  }
  static bool MediaList(simdjson::ondemand::value& v, std::vector<Media>& out, size_t& used) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    simdjson::ondemand::array arr;
    if (v.get_array().get(arr)) return false;
    for (auto item : arr) {
      simdjson::ondemand::object o;
      if (item.get_object().get(o)) return false;
      if (used == out.size()) out.emplace_back();
      Media& md = out[used++];
      md.kind.clear();
      md.path.clear();
      md.sha256.clear();
      md.md5.clear();
      md.pdq.clear();
      md.vpdq.clear();
      uint32_t seen = 0;
      for (auto fi : o) {
        if (fi.error()) return false;
        simdjson::ondemand::field& f = fi.value_unsafe();
        simdjson::ondemand::raw_json_string k = f.key();
        static constexpr KeyPattern kKind = Pattern("kind"), kPath = Pattern("path"),
                                    kSha256 = Pattern("sha256"), kMd5 = Pattern("md5"),
                                    kPdq = Pattern("pdq");
        int bit = KeyIs(k, kKind)     ? 0
                  : KeyIs(k, kPath)   ? 1
                  : KeyIs(k, kSha256) ? 2
                  : KeyIs(k, kMd5)    ? 3
                  : KeyIs(k, kPdq)    ? 4
                                      : -1;
        if (bit < 0 || (seen & (1u << bit))) return false;
        seen |= 1u << bit;
        simdjson::ondemand::value& fv = f.value();
        bool good = bit == 0   ? Str(fv, md.kind)
                    : bit == 1 ? Str(fv, md.path)
                    : bit == 2 ? Hex(fv, 64, md.sha256)
                    : bit == 3 ? Hex(fv, 32, md.md5)
                               : Hex(fv, 64, md.pdq);
        if (!good) return false;
      }
      if (md.kind.empty()) return false;
    }
    return true;
  }
  // `spare` holds the strings of an earlier forward, reused when this line has one.
  static bool Forward(simdjson::ondemand::value& v, std::optional<ForwardOrigin>& out,
                      ForwardOrigin& spare) {
    bool null = false;
    if (!IsNull(v, null)) return false;
    if (null) return true;
    simdjson::ondemand::object o;
    if (v.get_object().get(o)) return false;
    if (!out) out.emplace(std::move(spare));
    ForwardOrigin& origin = *out;
    origin.chat.clear();
    origin.message.clear();
    origin.name.clear();
    origin.time.reset();
    uint32_t seen = 0;
    for (auto fi : o) {
      if (fi.error()) return false;
      simdjson::ondemand::field& f = fi.value_unsafe();
      simdjson::ondemand::raw_json_string k = f.key();
      static constexpr KeyPattern kOriginChat = Pattern("chat"),
                                  kOriginMessage = Pattern("message"),
                                  kOriginName = Pattern("name"), kOriginTime = Pattern("time");
      int bit = KeyIs(k, kOriginChat)      ? 0
                : KeyIs(k, kOriginMessage) ? 1
                : KeyIs(k, kOriginName)    ? 2
                : KeyIs(k, kOriginTime)    ? 3
                                           : -1;
      if (bit < 0 || (seen & (1u << bit))) return false;
      seen |= 1u << bit;
      simdjson::ondemand::value& fv = f.value();
      bool good = bit == 0   ? Str(fv, origin.chat)
                  : bit == 1 ? Str(fv, origin.message)
                  : bit == 2 ? Str(fv, origin.name)
                             : Time(fv, origin.time);
      if (!good) return false;
    }
    return true;
  }

  size_t depth_;
  bool allocated_ = false;
  ForwardOrigin spare_forward_;
  simdjson::ondemand::parser parser_;
};

RecordResult ParseRecord(simdjson::dom::element root, EventSink& sink, const Location& where) {
  if (!root.is_object()) return RecordResult::Reject("expected a JSON object");
  Fields f{simdjson::dom::object(root)};
  std::string_view type = f.ReqStr("type");
  if (!f.ok()) return RecordResult::Reject(f.error());
  if (type == "message") return ParseMessage(f, sink, where);
  if (type == "entity") return ParseEntity(f, sink, where);
  if (type == "member") return ParseMember(f, sink, where);
  if (type == "invite") return ParseInvite(f, sink, where);
  if (type == "takedown") return ParseTakedown(f, sink, where);
  if (type == "reinstate") return ParseReinstate(f, sink, where);
  sink.OnWeird(weird::kUnknownEventType, "unknown event type skipped", where);
  return RecordResult::Ok();
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

  explicit NativeImporter(bool on_demand) : on_demand_(on_demand) {}

  Status Import(const InputFile& file, const ImportLimits& limits, EventSink& sink) const override {
    auto dom = [&](simdjson::dom::element root, const Location& where) {
      return ParseRecord(root, sink, where);
    };
    if (!on_demand_) return ForEachJsonLine(file, limits, sink, dom);
    // ForEachJsonLine's loop, with each line tried on the fast path first.
    JsonWalker walker(limits, sink);
    FastMessageReader fast(limits.parser_depth());
    // One event for the whole file, handed to the sink as an rvalue: a sink that keeps it moves
    // its strings away; one that only reads it leaves them for the next line to reuse.
    Event event{std::in_place_type<MessageEvent>};
    return ForEachJsonRoot(
        file, limits, sink,
        [&](const JsonRoot& root) -> Status {
          auto* m = std::get_if<MessageEvent>(&event);
          if (m == nullptr) m = &event.emplace<MessageEvent>();
          if (root.text.size() <= limits.max_record_bytes && fast.Read(root.text, *m)) {
            return sink.OnEvent(std::move(event), root.where);
          }
          return walker.ParseRecord(root.text, root.where, dom);
        },
        JsonFileShape::kLines);
  }

 private:
  bool on_demand_;
};

}  // namespace

std::unique_ptr<Importer> MakeNativeImporter() { return std::make_unique<NativeImporter>(true); }

std::unique_ptr<Importer> MakeNativeDomImporter() {
  return std::make_unique<NativeImporter>(false);
}

}  // namespace cordon
