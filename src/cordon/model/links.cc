#include "cordon/model/links.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "cordon/util/strings.h"

namespace cordon {
namespace {

using sv = std::string_view;
constexpr size_t npos = sv::npos;

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(sv s, sv prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (LowerChar(s[i]) != prefix[i]) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigits(sv s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit); }

// Telegram and TamTam usernames: letters, digits and '_'.
bool IsUsername(sv s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsAlnum(c) || c == '_'; });
}

// Invite codes and tokens: base64url.
bool IsCode(sv s) {
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  c = LowerChar(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// %XX sequences decoded; malformed ones are kept as written.
std::string PercentDecode(sv s) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        r += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    r += s[i];
  }
  return r;
}

// The non-empty '/'-separated parts of a path.
std::vector<sv> Segments(sv path) {
  std::vector<sv> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The decoded value of `key` in an "a=1&b=2" query.
std::optional<std::string> QueryParam(sv query, sv key) {
  size_t i = 0;
  while (i <= query.size()) {
    size_t j = query.find('&', i);
    if (j == npos) j = query.size();
    sv part = query.substr(i, j - i);
    size_t eq = part.find('=');
    sv k = part.substr(0, eq);
    if (k == key) return PercentDecode(eq == npos ? sv() : part.substr(eq + 1));
    i = j + 1;
  }
  return std::nullopt;
}

bool IsTrackingParam(sv key) {
  return key.starts_with("utm_") || key == "fbclid" || key == "gclid" || key == "igshid" ||
         key == "yclid" || key == "mc_cid" || key == "mc_eid";
}

// The query without tracking parameters.
std::string CleanQuery(sv query) {
  std::string r;
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == npos) j = query.size();
    sv part = query.substr(i, j - i);
    if (!part.empty() && !IsTrackingParam(part.substr(0, part.find('=')))) {
      if (!r.empty()) r += '&';
      r += part;
    }
    i = j + 1;
  }
  return r;
}

struct Url {
  std::string scheme;  // lowercased; empty when none was written
  std::string host;    // lowercased, without "www." and a trailing dot
  std::string port;    // digits; empty for none or the scheme's default
  sv path, query, fragment;

  std::string HostPort() const { return port.empty() ? host : host + ":" + port; }
};

bool ValidHost(sv host) {
  if (host.empty() || host.front() == '.' || host.front() == '-' || host.find("..") != npos) {
    return false;
  }
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' &&
           std::all_of(host.begin() + 1, host.end() - 1,
                       [](char c) { return HexValue(c) >= 0 || c == ':' || c == '.'; });
  }
  for (char c : host) {
    auto u = static_cast<unsigned char>(c);
    if (!(IsAlnum(c) || c == '.' || c == '-' || c == '_' || u >= 0x80)) return false;
  }
  return host.find('.') != npos || host == "localhost";
}

// Splits an http(s)/ftp URL or a scheme-less "host/path"; nullopt when it is neither.
std::optional<Url> SplitUrl(sv s) {
  Url u;
  sv rest = s;
  size_t colon = rest.starts_with("[") ? npos : rest.find(':');
  size_t delim = rest.find_first_of("/?#");
  if (colon != npos && (delim == npos || colon < delim)) {
    std::string scheme = ToLower(rest.substr(0, colon));
    if (scheme == "http" || scheme == "https" || scheme == "ftp") {
      rest.remove_prefix(colon + 1);
      if (!rest.starts_with("//")) return std::nullopt;
      rest.remove_prefix(2);
      u.scheme = std::move(scheme);
    } else {
      // "host:port/..." has digits after the colon; anything else is a scheme we do not read.
      sv after = rest.substr(colon + 1);
      size_t end = after.find_first_of("/?#");
      if (!IsDigits(after.substr(0, end))) return std::nullopt;
    }
  }
  sv authority = rest.substr(0, rest.find_first_of("/?#"));
  rest.remove_prefix(authority.size());
  if (size_t at = authority.rfind('@'); at != npos) {
    if (u.scheme.empty()) return std::nullopt;  // an e-mail address, not a link
    authority.remove_prefix(at + 1);
  }
  sv host = authority, port;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    sv after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (size_t pc = authority.rfind(':'); pc != npos) {
    host = authority.substr(0, pc);
    port = authority.substr(pc + 1);
  }
  if (!port.empty() && !IsDigits(port)) return std::nullopt;
  u.host = ToLower(host);
  while (!u.host.empty() && u.host.back() == '.') u.host.pop_back();
  while (u.host.starts_with("www.") && u.host.find('.', 4) != npos) u.host.erase(0, 4);
  if (!ValidHost(u.host)) return std::nullopt;
  // Default ports name the same place as none.
  port = port.substr(std::min(port.find_first_not_of('0'), port.size()));
  if (!((port == "80" && u.scheme != "https") || (port == "443" && u.scheme != "http"))) {
    u.port = std::string(port);
  }
  size_t q = rest.find_first_of("?#");
  u.path = rest.substr(0, q);
  rest.remove_prefix(u.path.size());
  if (rest.starts_with("?")) {
    size_t h = rest.find('#');
    u.query = rest.substr(1, h == npos ? npos : h - 1);
    rest.remove_prefix(h == npos ? rest.size() : h);
  }
  if (rest.starts_with("#")) u.fragment = rest.substr(1);
  return u;
}

std::string WebNormalized(const Url& u) {
  std::string r = u.HostPort();
  sv path = u.path;
  while (path.ends_with("/")) path.remove_suffix(1);
  r += path;
  std::string q = CleanQuery(u.query);
  if (!q.empty()) r += "?" + q;
  return r;
}

void SetWeb(const Url& u, std::string_view platform, Link& l) {
  l.platform = std::string(platform);
  l.kind = "web";
  l.target.clear();
  l.normalized = WebNormalized(u);
}

bool HostIs(sv host, sv domain) {
  return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                            host[host.size() - domain.size() - 1] == '.');
}

// ---- Telegram ----

void SetTelegramUsername(sv name, sv post, Link& l) {
  l.platform = "telegram";
  std::string n = ToLower(name);
  if (IsDigits(post)) {
    l.kind = "post";
    l.target = n + "/" + std::string(post);
  } else {
    l.kind = "username";
    l.target = n;
  }
  l.normalized = "t.me/" + l.target;
}

void SetTelegramInvite(sv code, Link& l) {
  l.platform = "telegram";
  l.kind = "invite";
  l.target = std::string(code);
  // An all-digit "+code" would read back as a phone number.
  l.normalized = (IsDigits(code) ? "t.me/joinchat/" : "t.me/+") + l.target;
}

void SetTelegramPrivatePost(sv chat, sv post, Link& l) {
  l.platform = "telegram";
  if (IsDigits(post)) {
    l.kind = "post";
    l.target = "c/" + std::string(chat) + "/" + std::string(post);
  } else {
    l.kind = "channel";
    l.target = "c/" + std::string(chat);
  }
  l.normalized = "t.me/" + l.target;
}

// Paths of t.me that are no chat names.
bool IsTelegramReserved(const std::string& lower) {
  static constexpr std::array<sv, 21> kReserved = {
      "s",        "c",       "joinchat",     "addlist", "boost",    "addstickers", "addemoji",
      "addtheme", "share",   "proxy",        "socks",   "iv",       "login",       "setlanguage",
      "bg",       "invoice", "confirmphone", "contact", "giftcode", "nft",         "m"};
  return std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end();
}

// A username: starts with a letter, then letters, digits and '_'; not a reserved path.
bool IsTelegramName(sv s) {
  return IsUsername(s) && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) &&
         !IsTelegramReserved(ToLower(s));
}

bool IsTelegramHost(sv host) {
  return host == "t.me" || host == "telegram.me" || host == "telegram.dog";
}

void NormalizeTelegram(const Url& u, Link& l) {
  std::vector<sv> segs = Segments(u.path);
  if (!IsTelegramHost(u.host)) {
    // name.t.me
    sv name = sv(u.host).substr(0, u.host.find('.'));
    if (IsTelegramName(name) &&
        (u.host == std::string(name) + ".t.me" || u.host == std::string(name) + ".telegram.me")) {
      SetTelegramUsername(name, segs.empty() ? sv() : segs[0], l);
      return;
    }
    SetWeb(u, "telegram", l);
    return;
  }
  if (!segs.empty() && ToLower(segs[0]) == "s") segs.erase(segs.begin());
  if (segs.empty()) return SetWeb(u, "telegram", l);
  sv first = segs[0];
  std::string lower_first = ToLower(first);
  auto second = segs.size() > 1 ? segs[1] : sv();
  if (first.starts_with("+")) {
    sv code = first.substr(1);
    if (IsDigits(code)) {
      l.platform = "telegram";
      l.kind = "phone";
      l.target = std::string(code);
      l.normalized = "t.me/+" + l.target;
      return;
    }
    if (IsCode(code)) return SetTelegramInvite(code, l);
    return SetWeb(u, "telegram", l);
  }
  if (lower_first == "joinchat") {
    if (IsCode(second)) return SetTelegramInvite(second, l);
    return SetWeb(u, "telegram", l);
  }
  if (lower_first == "addlist") {
    if (!IsCode(second)) return SetWeb(u, "telegram", l);
    l.platform = "telegram";
    l.kind = "folder";
    l.target = std::string(second);
    l.normalized = "t.me/addlist/" + l.target;
    return;
  }
  if (lower_first == "c") {
    if (!IsDigits(second)) return SetWeb(u, "telegram", l);
    sv post = segs.size() > 2 ? segs[2] : sv();
    if (segs.size() > 3 && IsDigits(segs[3])) post = segs[3];  // forum topic/message
    return SetTelegramPrivatePost(second, post, l);
  }
  if (lower_first == "boost") {
    if (IsTelegramName(second)) return SetTelegramUsername(second, sv(), l);
    return SetWeb(u, "telegram", l);
  }
  if (!IsTelegramName(first)) return SetWeb(u, "telegram", l);
  sv post = second;
  if (segs.size() > 2 && IsDigits(second) && IsDigits(segs[2])) post = segs[2];  // forum topic
  SetTelegramUsername(first, post, l);
}

// tg://resolve?domain=name, tg://join?invite=code, ...
std::optional<Link> NormalizeTg(sv s) {
  Link l;
  l.url = std::string(s);
  l.platform = "telegram";
  sv rest = s.substr(3);
  if (rest.starts_with("//")) rest.remove_prefix(2);
  rest = rest.substr(0, rest.find('#'));
  size_t q = rest.find('?');
  std::string action = ToLower(rest.substr(0, q));
  while (action.ends_with("/")) action.pop_back();
  sv query = q == npos ? sv() : rest.substr(q + 1);
  if (action.empty() ||
      !std::all_of(action.begin(), action.end(), [](char c) { return IsAlnum(c) || c == '_'; })) {
    return std::nullopt;
  }
  auto param = [&](sv key) { return QueryParam(query, key).value_or(""); };
  if (action == "resolve") {
    std::string domain = param("domain");
    if (IsTelegramName(domain)) {
      SetTelegramUsername(domain, param("post"), l);
      return l;
    }
    std::string phone = param("phone");
    if (IsDigits(phone)) {
      l.kind = "phone";
      l.target = phone;
      l.normalized = "t.me/+" + phone;
      return l;
    }
  } else if (action == "join") {
    std::string code = param("invite");
    if (IsCode(code)) {
      SetTelegramInvite(code, l);
      return l;
    }
  } else if (action == "addlist") {
    std::string slug = param("slug");
    if (IsCode(slug)) {
      l.kind = "folder";
      l.target = slug;
      l.normalized = "t.me/addlist/" + slug;
      return l;
    }
  } else if (action == "privatepost") {
    std::string chat = param("channel");
    if (IsDigits(chat)) {
      SetTelegramPrivatePost(chat, param("post"), l);
      return l;
    }
  } else if (action == "user") {
    std::string id = param("id");
    if (IsDigits(id)) {
      l.kind = "user";
      l.target = id;
      l.normalized = "tg://user?id=" + id;
      return l;
    }
  }
  l.kind = "web";
  l.normalized = "tg://" + action;
  return l;
}

// ---- Matrix ----

struct MatrixId {
  std::string kind;  // alias, room, user
  std::string id;
};

bool MatrixIdChars(sv s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '?' || c == '#' || c == '\\') return false;
  }
  return true;
}

// A room alias, room id or user id; server names are lowercased (room ids are opaque).
std::optional<MatrixId> ParseMatrixId(sv id) {
  if (id.size() < 2 || !MatrixIdChars(id.substr(1))) return std::nullopt;
  char sigil = id.front();
  if (sigil == '!') return MatrixId{"room", std::string(id)};
  if (sigil != '#' && sigil != '@') return std::nullopt;
  size_t colon = id.find(':', 1);
  if (colon == npos || colon == 1 || colon + 1 == id.size()) return std::nullopt;
  return MatrixId{sigil == '#' ? "alias" : "user",
                  std::string(id.substr(0, colon + 1)) + ToLower(id.substr(colon + 1))};
}

// "[room/|user/]<id>[/$event]" with each part percent-encoded.
bool SetMatrixTarget(sv path, Link& l) {
  path = path.substr(0, path.find('?'));
  std::vector<sv> segs = Segments(path);
  if (!segs.empty() && (ToLower(segs[0]) == "room" || ToLower(segs[0]) == "user")) {
    segs.erase(segs.begin());
  }
  if (segs.empty()) return false;
  auto id = ParseMatrixId(PercentDecode(segs[0]));
  if (!id) return false;
  l.platform = "matrix";
  l.kind = id->kind;
  l.target = id->id;
  if (segs.size() > 1 && id->kind != "user") {
    std::string event = PercentDecode(segs[1]);
    if (event.size() > 1 && event.front() == '$' && MatrixIdChars(event.substr(1))) {
      l.kind = "post";
      l.target += "/" + event;
    }
  }
  l.normalized = "matrix:" + l.target;
  return true;
}

bool IsMatrixHost(sv host) {
  return host == "matrix.to" || HostIs(host, "riot.im") || HostIs(host, "element.io");
}

// matrix:r/room:server, matrix:roomid/id:server/e/event, matrix:u/user:server (the spec's URI
// scheme), and cordon's own "matrix:#room:server" keys.
std::optional<Link> NormalizeMatrixUri(sv s) {
  Link l;
  l.url = std::string(s);
  sv rest = s.substr(7);
  if (!rest.empty() && (rest.front() == '#' || rest.front() == '!' || rest.front() == '@')) {
    if (SetMatrixTarget(rest, l)) return l;
    return std::nullopt;
  }
  if (rest.starts_with("//")) {
    size_t slash = rest.find('/', 2);
    rest = slash == npos ? sv() : rest.substr(slash + 1);
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::vector<sv> segs = Segments(rest);
  if (segs.size() < 2) return std::nullopt;
  std::string type = ToLower(segs[0]);
  char sigil = type == "r" ? '#' : type == "u" ? '@' : type == "roomid" ? '!' : 0;
  if (sigil == 0) return std::nullopt;
  auto id = ParseMatrixId(std::string(1, sigil) + PercentDecode(segs[1]));
  if (!id) return std::nullopt;
  l.platform = "matrix";
  l.kind = id->kind;
  l.target = id->id;
  if (segs.size() > 3 && ToLower(segs[2]) == "e" && sigil != '@') {
    std::string event = "$" + PercentDecode(segs[3]);
    if (MatrixIdChars(event.substr(1)) && event.size() > 1) {
      l.kind = "post";
      l.target += "/" + event;
    }
  }
  l.normalized = "matrix:" + l.target;
  return l;
}

// ---- Rocket.Chat ----

// Sites whose own paths look like Rocket.Chat's /channel/ and /group/.
bool NotRocketChatHost(sv host) {
  for (sv d : {"youtube.com", "youtu.be", "youtube-nocookie.com", "bitchute.com", "rutube.ru",
               "dailymotion.com", "ok.ru", "minds.com", "t.me", "tt.me", "matrix.to"}) {
    if (HostIs(host, d)) return true;
  }
  return false;
}

bool IsRoomName(sv s) {
  if (s.empty() || s.size() > 256) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\') {
      return false;
    }
  }
  return true;
}

bool IsMessageId(sv s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), IsAlnum);
}

void SetRocketChat(std::string kind, std::string target, Link& l) {
  l.platform = "rocketchat";
  l.kind = std::move(kind);
  l.target = std::move(target);
  l.normalized = "rocketchat:" + l.target;
}

// `segs` after the host: channel/<name>[/thread/<id>], group/..., direct/<name>, invite/<token>.
bool SetRocketChatPath(const std::string& hostport, const std::vector<sv>& segs, sv query,
                       Link& l) {
  if (segs.size() < 2) return false;
  std::string first = ToLower(segs[0]);
  if (first == "invite") {
    if (segs.size() != 2 || !IsCode(segs[1])) return false;
    SetRocketChat("invite", hostport + "/invite/" + std::string(segs[1]), l);
    return true;
  }
  if (first != "channel" && first != "group" && first != "direct") return false;
  std::string name = ToLower(PercentDecode(segs[1]));
  if (!IsRoomName(name)) return false;
  if (first == "direct") {
    SetRocketChat("user", hostport + "/@" + name, l);
    return true;
  }
  std::string msg = QueryParam(query, "msg").value_or("");
  if (segs.size() > 3 && ToLower(segs[2]) == "thread") msg = std::string(segs[3]);
  if (IsMessageId(msg)) {
    SetRocketChat("post", hostport + "/" + name + "/" + msg, l);
  } else {
    SetRocketChat("channel", hostport + "/" + name, l);
  }
  return true;
}

// rocketchat:host/name, host/@user, host/name/msg, host/invite/token (our normalised forms).
std::optional<Link> NormalizeRocketChatKey(sv s) {
  sv rest = s.substr(11);
  size_t slash = rest.find('/');
  if (slash == npos) return std::nullopt;
  auto u = SplitUrl(rest.substr(0, slash));
  if (!u || !u->path.empty() || !u->query.empty()) return std::nullopt;
  std::vector<sv> segs = Segments(rest.substr(slash));
  Link l;
  l.url = std::string(s);
  std::string hostport = u->HostPort();
  if (segs.size() == 1 && segs[0].size() > 1 && segs[0].front() == '@') {
    std::string name = ToLower(segs[0].substr(1));
    if (!IsRoomName(name)) return std::nullopt;
    SetRocketChat("user", hostport + "/@" + name, l);
    return l;
  }
  if (segs.size() == 2 && segs[0] == "invite" && IsCode(segs[1])) {
    SetRocketChat("invite", hostport + "/invite/" + std::string(segs[1]), l);
    return l;
  }
  if (segs.empty() || segs.size() > 2) return std::nullopt;
  std::string name = ToLower(segs[0]);
  if (!IsRoomName(name)) return std::nullopt;
  if (segs.size() == 2) {
    if (!IsMessageId(segs[1])) return std::nullopt;
    SetRocketChat("post", hostport + "/" + name + "/" + std::string(segs[1]), l);
  } else {
    SetRocketChat("channel", hostport + "/" + name, l);
  }
  return l;
}

// ---- TamTam, Hoop, nandbox ----

void NormalizeTamTam(const Url& u, Link& l) {
  std::vector<sv> segs = Segments(u.path);
  if (u.host != "tt.me" && u.host != "tamtam.chat") return SetWeb(u, "tamtam", l);
  if (segs.size() >= 2 && ToLower(segs[0]) == "join" && IsCode(segs[1])) {
    l.platform = "tamtam";
    l.kind = "invite";
    l.target = std::string(segs[1]);
    l.normalized = "tt.me/join/" + l.target;
    return;
  }
  if (segs.empty() || !IsUsername(segs[0])) return SetWeb(u, "tamtam", l);
  l.platform = "tamtam";
  l.kind = "username";
  l.target = ToLower(segs[0]);
  l.normalized = "tt.me/" + l.target;
}

void NormalizeHoop(const Url& u, Link& l) {
  std::vector<sv> segs = Segments(u.path);
  if ((u.host == "hoop.photo" || u.host == "hoop.app") && segs.size() >= 2 &&
      ToLower(segs[0]) == "share" && IsCode(segs[1])) {
    l.platform = "hoop";
    l.kind = "user";
    l.target = std::string(segs[1]);
    l.normalized = u.host + "/share/" + l.target;
    return;
  }
  SetWeb(u, "hoop", l);
}

void NormalizeNandbox(const Url& u, Link& l) {
  std::vector<sv> segs = Segments(u.path);
  if (u.host == "nandbox.com" && segs.size() == 1 && segs[0].size() >= 3 && segs[0].size() <= 64 &&
      std::all_of(segs[0].begin(), segs[0].end(), [](char c) { return IsAlnum(c) || c == '_'; })) {
    l.platform = "nandbox";
    l.kind = "username";
    l.target = ToLower(segs[0]);
    l.normalized = "nandbox.com/" + l.target;
    return;
  }
  SetWeb(u, "nandbox", l);
}

}  // namespace

std::optional<Link> NormalizeLink(std::string_view url) {
  size_t b = url.find_first_not_of(" \t\r\n");
  if (b == npos) return std::nullopt;
  url = url.substr(b, url.find_last_not_of(" \t\r\n") - b + 1);
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  }
  if (StartsWithNoCase(url, "tg:")) return NormalizeTg(url);
  if (StartsWithNoCase(url, "matrix:")) return NormalizeMatrixUri(url);
  if (StartsWithNoCase(url, "rocketchat:")) return NormalizeRocketChatKey(url);
  auto u = SplitUrl(url);
  if (!u) return std::nullopt;
  Link l;
  l.url = u->scheme.empty() ? "https://" + std::string(url) : std::string(url);
  const std::string& host = u->host;
  if (IsTelegramHost(host) || HostIs(host, "t.me") || HostIs(host, "telegram.me")) {
    NormalizeTelegram(*u, l);
    return l;
  }
  if (host == "tt.me" || HostIs(host, "tamtam.chat")) {
    NormalizeTamTam(*u, l);
    return l;
  }
  // Element/Riot web clients, also self-hosted ones: <host>/#/room/<id> and #/user/<id>.
  sv frag = u->fragment;
  if (host == "matrix.to" && SetMatrixTarget(frag, l)) return l;
  if ((frag.starts_with("/room/") || frag.starts_with("/user/")) && SetMatrixTarget(frag, l)) {
    return l;
  }
  if (IsMatrixHost(host)) {
    SetWeb(*u, "matrix", l);
    return l;
  }
  if (host == "go.rocket.chat") {
    // Rocket.Chat's app deep links: go.rocket.chat/invite?host=H&path=invite%2FT
    std::string h = QueryParam(u->query, "host").value_or("");
    std::string p = QueryParam(u->query, "path").value_or("");
    auto inner = h.empty() ? std::nullopt : SplitUrl(h);
    if (inner && inner->path.empty() && inner->host != "go.rocket.chat" &&
        SetRocketChatPath(inner->HostPort(), Segments(p.substr(0, p.find('?'))),
                          p.find('?') == npos ? sv() : sv(p).substr(p.find('?') + 1), l)) {
      return l;
    }
    SetWeb(*u, "rocketchat", l);
    return l;
  }
  if (HostIs(host, "hoop.photo") || HostIs(host, "hoop.app")) {
    NormalizeHoop(*u, l);
    return l;
  }
  if (HostIs(host, "nandbox.com")) {
    NormalizeNandbox(*u, l);
    return l;
  }
  if (!NotRocketChatHost(host) &&
      SetRocketChatPath(u->HostPort(), Segments(u->path), u->query, l)) {
    return l;
  }
  SetWeb(*u, "web", l);
  return l;
}

// ---- Finding links in text ----

namespace {

// One UTF-8 code point at s[i]: its length, or 0 when the bytes are not valid UTF-8.
size_t DecodeUtf8(sv s, size_t i, char32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? b : len == 2 ? (b & 0x1f) : len == 3 ? (b & 0x0f) : (b & 0x07);
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  return len;
}

enum class CharClass { kUrl, kStop, kSkip };

CharClass ClassifyNonAscii(char32_t cp) {
  switch (cp) {
    // Zero-width characters: pasted into links to dodge filters; dropped.
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF:
    case 0x00AD:
      return CharClass::kSkip;
    // Spaces.
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    // Bidi marks, around links in right-to-left text.
    case 0x061C:
    case 0x200E:
    case 0x200F:
    // Punctuation: Arabic, quotes, dashes, CJK and full-width forms.
    case 0x060C:
    case 0x061B:
    case 0x061F:
    case 0x06D4:
    case 0x00AB:
    case 0x00BB:
    case 0x2013:
    case 0x2014:
    case 0x2026:
    case 0x2039:
    case 0x203A:
    case 0x3001:
    case 0x3002:
    case 0x3010:
    case 0x3011:
    case 0xFF01:
    case 0xFF08:
    case 0xFF09:
    case 0xFF0C:
    case 0xFF1A:
    case 0xFF1B:
    case 0xFF1F:
      return CharClass::kStop;
    default:
      break;
  }
  if ((cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x2018 && cp <= 0x201F) ||
      (cp >= 0x300C && cp <= 0x300F)) {
    return CharClass::kStop;
  }
  return CharClass::kUrl;
}

bool IsAsciiStop(unsigned char c) {
  return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' ||
         c == '{' || c == '}' || c == '|' || c == '\\' || c == '^';
}

// Characters that may continue a Telegram or TamTam link (ASCII, no brackets or commas).
bool IsPlatformPathChar(char c) { return IsAlnum(c) || sv("_-+/?=&#%.:~").find(c) != npos; }

// A link may start at i only when the byte before cannot belong to a word, host or path.
bool LeftBoundary(sv text, size_t i) {
  if (i == 0) return true;
  char p = text[i - 1];
  return !(IsAlnum(p) || sv(".-@/\\%+~").find(p) != npos);
}

bool IsBareHost(sv host) {
  for (sv h : {"t.me", "telegram.me", "telegram.dog", "tt.me", "tamtam.chat", "matrix.to",
               "riot.im", "element.io", "app.element.io", "hoop.photo", "nandbox.com"}) {
    if (host == h) return true;
  }
  return false;
}

// Whether a link starts at text[i] (a letter or digit at a left boundary). On success
// `host_start` is where its host begins (after the scheme). `token_end` is where the word
// scanned for a bare host ends, to skip it when no link starts here.
bool LinkStartsAt(sv text, size_t i, size_t& host_start, size_t& token_end) {
  sv rest = text.substr(i);
  token_end = i;
  for (sv scheme : {"https://", "http://", "tg://"}) {
    if (StartsWithNoCase(rest, scheme)) {
      host_start = scheme.size();
      return rest.size() > scheme.size();
    }
  }
  for (sv scheme : {"matrix:r/", "matrix:u/", "matrix:roomid/"}) {
    if (StartsWithNoCase(rest, scheme)) {
      host_start = npos;  // no host
      return rest.size() > scheme.size();
    }
  }
  size_t k = i;
  while (k < text.size() &&
         (IsAlnum(text[k]) || text[k] == '.' || text[k] == '-' || text[k] == '_')) {
    ++k;
  }
  token_end = k;
  host_start = 0;
  sv token = text.substr(i, k - i);
  while (token.ends_with(".")) token.remove_suffix(1);
  std::string host = ToLower(token);
  bool www = host.starts_with("www.");
  if (www) host.erase(0, 4);
  size_t after = i + token.size();
  bool slash = after + 1 < text.size() && text[after] == '/' &&
               !IsAsciiStop(static_cast<unsigned char>(text[after + 1]));
  if (IsBareHost(host)) return slash;
  if (HostIs(host, "t.me") && host != "t.me") {
    return IsTelegramName(sv(host).substr(0, host.find('.')));
  }
  return www && host.find('.') != npos && host.find('.') + 1 < host.size();
}

// The host of a link found in text, lowercased, without "www.".
std::string HostOf(sv url) {
  size_t s = url.find("://");
  sv rest = s == npos ? url : url.substr(s + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  std::string h = ToLower(rest);
  if (h.starts_with("www.")) h.erase(0, 4);
  return h;
}

void TrimTrailing(std::string& url, bool platform) {
  while (!url.empty()) {
    char c = url.back();
    if (sv(".,;:!?*'\"~").find(c) != npos || (platform && c == '_')) {
      url.pop_back();
      continue;
    }
    if (c == ')' || c == ']') {
      char open = c == ')' ? '(' : '[';
      if (std::count(url.begin(), url.end(), open) < std::count(url.begin(), url.end(), c)) {
        url.pop_back();
        continue;
      }
    }
    break;
  }
}

}  // namespace

std::vector<std::string> ExtractUrls(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (!IsAlnum(text[i]) || !LeftBoundary(text, i)) {
      ++i;
      continue;
    }
    size_t host_start = 0, token_end = i;
    if (!LinkStartsAt(text, i, host_start, token_end)) {
      i = std::max(token_end, i + 1);
      continue;
    }
    std::string url;
    int parens = 0, brackets = 0;
    // Telegram and TamTam links are ASCII only: they end where other text begins.
    bool platform = false, host_seen = host_start == npos;
    auto see_host = [&] {
      host_seen = true;
      std::string host = HostOf(url);
      platform =
          IsTelegramHost(host) || HostIs(host, "t.me") || host == "tt.me" || host == "tamtam.chat";
    };
    size_t j = i;
    while (j < n) {
      auto b = static_cast<unsigned char>(text[j]);
      if (b < 0x80) {
        if (IsAsciiStop(b)) break;
        if (b == ')' && parens <= 0) break;
        if (b == ']' && brackets <= 0) break;
        if ((b == ',' || b == ';') && (StartsWithNoCase(text.substr(j + 1), "http://") ||
                                       StartsWithNoCase(text.substr(j + 1), "https://"))) {
          break;
        }
        if (!host_seen && url.size() > host_start && (b == '/' || b == '?' || b == '#')) {
          see_host();
        }
        if (platform && !IsPlatformPathChar(static_cast<char>(b))) break;
        parens += b == '(' ? 1 : b == ')' ? -1 : 0;
        brackets += b == '[' ? 1 : b == ']' ? -1 : 0;
        url += static_cast<char>(b);
        ++j;
        continue;
      }
      char32_t cp = 0;
      size_t len = DecodeUtf8(text, j, cp);
      if (len == 0) break;
      CharClass cls = ClassifyNonAscii(cp);
      if (cls == CharClass::kStop) break;
      if (cls == CharClass::kSkip) {
        j += len;
        continue;
      }
      if (platform) break;
      url.append(text.substr(j, len));
      j += len;
    }
    if (!host_seen) see_host();
    TrimTrailing(url, platform);
    if (NormalizeLink(url)) out.push_back(std::move(url));
    i = std::max(j, i + 1);
  }
  return out;
}

namespace {

std::string HtmlUnescape(sv s) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      r += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == npos || semi - i > 10) {
      r += s[i];
      continue;
    }
    sv name = s.substr(i + 1, semi - i - 1);
    int code = -1;
    if (name == "amp") {
      code = '&';
    } else if (name == "lt") {
      code = '<';
    } else if (name == "gt") {
      code = '>';
    } else if (name == "quot") {
      code = '"';
    } else if (name == "apos") {
      code = '\'';
    } else if (name.starts_with("#")) {
      // Numeric references, ASCII only (enough for URLs).
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      sv digits = name.substr(hex ? 2 : 1);
      int v = 0;
      for (char c : digits) {
        int d = hex ? HexValue(c) : IsDigit(c) ? c - '0' : -1;
        if (d < 0 || v > 0xff) {
          v = -1;
          break;
        }
        v = v * (hex ? 16 : 10) + d;
      }
      if (!digits.empty() && v > 0 && v < 0x80) code = v;
    }
    if (code <= 0) {
      r += s[i];
      continue;
    }
    r += static_cast<char>(code);
    i = semi;
  }
  return r;
}

}  // namespace

std::vector<std::string> ExtractHtmlHrefs(std::string_view html) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p + 4 <= html.size()) {
    size_t h = npos;
    for (size_t k = p; k + 4 <= html.size(); ++k) {
      if (StartsWithNoCase(html.substr(k), "href")) {
        h = k;
        break;
      }
    }
    if (h == npos) break;
    p = h + 4;
    // An attribute name: after a space, not part of a longer word.
    if (h == 0 || !(html[h - 1] == ' ' || html[h - 1] == '\t' || html[h - 1] == '\n')) continue;
    size_t q = html.find_first_not_of(" \t\r\n", p);
    if (q == npos || html[q] != '=') continue;
    q = html.find_first_not_of(" \t\r\n", q + 1);
    if (q == npos) break;
    size_t end;
    sv value;
    if (html[q] == '"' || html[q] == '\'') {
      end = html.find(html[q], q + 1);
      if (end == npos) break;
      value = html.substr(q + 1, end - q - 1);
    } else {
      end = html.find_first_of(" \t\r\n>", q);
      if (end == npos) end = html.size();
      value = html.substr(q, end - q);
    }
    p = end;
    std::string v = HtmlUnescape(value);
    size_t b = v.find_first_not_of(" \t\r\n");
    if (b == npos) continue;
    v = v.substr(b, v.find_last_not_of(" \t\r\n") - b + 1);
    out.push_back(std::move(v));
  }
  return out;
}

void LinkList::Add(std::string url) {
  auto l = NormalizeLink(url);
  std::string key = l ? std::move(l->normalized) : url;
  if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) return;
  seen_.push_back(std::move(key));
  links_.push_back(std::move(url));
}

}  // namespace cordon
