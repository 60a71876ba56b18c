#include "cordon/network/build.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "cordon/content/pdq.h"
#include "cordon/model/links.h"
#include "cordon/store/network_rows.h"
#include "cordon/store/replay.h"
#include "cordon/util/progress.h"
#include "cordon/util/strings.h"
#include "cordon/util/time.h"

namespace cordon::network {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t HashBytes(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return Mix(h);
}

uint64_t ItemChat(int32_t item, int32_t chat) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(item)) << 32) | static_cast<uint32_t>(chat);
}

// Words of a text for near-duplicate matching: lowercase ASCII letters and digits and any
// non-ASCII bytes form words; links, hashtags and mentions are dropped (copies decorate them).
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) {
      ++i;
    }
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' &&
           text[j] != '\r') {
      ++j;
    }
    std::string_view tok = text.substr(i, j - i);
    i = j;
    if (tok.empty() || tok[0] == '#' || tok[0] == '@') continue;
    if (tok.find("://") != std::string_view::npos || tok.starts_with("t.me/") ||
        tok.starts_with("www.") || tok.find(".me/") != std::string_view::npos) {
      continue;
    }
    std::string w;
    auto flush = [&]() {
      if (!w.empty()) words.push_back(std::move(w));
      w.clear();
    };
    for (size_t k = 0; k < tok.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(tok[k]);
      if (c >= 0x80) {
        // A UTF-8 sequence: punctuation and emoji (U+2000..U+2BFF, U+3000..U+303F, and the
        // supplementary planes) split words; other letters belong to them.
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        len = std::min(len, tok.size() - k);
        bool letter = true;
        if (len == 4) letter = false;
        if (len == 3) {
          const unsigned c1 = static_cast<unsigned char>(tok[k + 1]);
          const unsigned cp = ((c & 0x0fu) << 12) | ((c1 & 0x3fu) << 6);
          if ((cp >= 0x2000 && cp < 0x2c00) || (cp >= 0x3000 && cp < 0x3040) ||
              (cp >= 0xfe00 && cp < 0xfe10)) {
            letter = false;
          }
        }
        if (letter) {
          w.append(tok.substr(k, len));
        } else {
          flush();
        }
        k += len - 1;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        w.push_back(static_cast<char>(c));
      } else if (c >= 'A' && c <= 'Z') {
        w.push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        flush();
      }
    }
    flush();
  }
  return words;
}

// 64-bit SimHash over words and word pairs.
uint64_t SimHash(const std::vector<std::string>& words) {
  std::array<int32_t, 64> acc{};
  auto add = [&](uint64_t h) {
    for (int b = 0; b < 64; ++b) acc[static_cast<size_t>(b)] += ((h >> b) & 1) ? 1 : -1;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    add(HashBytes(words[i]));
    if (i + 1 < words.size()) add(HashBytes(words[i] + " " + words[i + 1]));
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (acc[static_cast<size_t>(b)] > 0) out |= uint64_t{1} << b;
  }
  return out;
}

// A growing PDQ index: 16 ranges of 16 bits. Two hashes within distance 31 differ in at most
// one bit on at least one range (pigeonhole), so probing each range's value and its 16
// one-bit neighbours finds every match.
class PdqBands {
 public:
  // The closest entry within `radius` (0..31): its item and distance; item -1 when none.
  std::pair<int32_t, int> Search(const PdqHash& q, int radius) const {
    int32_t best = -1;
    int best_d = radius + 1;
    seen_.clear();
    for (int band = 0; band < 16; ++band) {
      const uint32_t v = Range(q, band);
      for (int flip = -1; flip < 16; ++flip) {
        const uint32_t probe = flip < 0 ? v : v ^ (1u << flip);
        auto it = table_.find((static_cast<uint32_t>(band) << 16) | probe);
        if (it == table_.end()) continue;
        for (int32_t e : it->second) {
          if (!seen_.insert(e).second) continue;
          const int d = Distance(q, entries_[static_cast<size_t>(e)].first);
          if (d < best_d || (d == best_d && entries_[static_cast<size_t>(e)].second < best)) {
            best_d = d;
            best = entries_[static_cast<size_t>(e)].second;
          }
        }
      }
    }
    return {best, best < 0 ? 0 : best_d};
  }
  void Add(const PdqHash& h, int32_t item) {
    const uint64_t key =
        h.bits[0] ^ Mix(h.bits[1]) ^ Mix(Mix(h.bits[2])) ^ Mix(Mix(Mix(h.bits[3])));
    if (!exact_.insert(key).second) return;
    const int32_t id = static_cast<int32_t>(entries_.size());
    entries_.push_back({h, item});
    for (int band = 0; band < 16; ++band) {
      table_[(static_cast<uint32_t>(band) << 16) | Range(h, band)].push_back(id);
    }
  }

 private:
  static uint32_t Range(const PdqHash& h, int band) {
    return static_cast<uint32_t>((h.bits[static_cast<size_t>(band / 4)] >> ((band % 4) * 16)) &
                                 0xffff);
  }
  std::vector<std::pair<PdqHash, int32_t>> entries_;
  std::unordered_map<uint32_t, std::vector<int32_t>> table_;
  std::unordered_set<uint64_t> exact_;
  mutable std::unordered_set<int32_t> seen_;
};

// SimHash index: 4 ranges of 16 bits; within distance 3 one range matches exactly.
class TextBands {
 public:
  std::pair<int32_t, int> Search(uint64_t q, int radius) const {
    int32_t best = -1;
    int best_d = radius + 1;
    for (int band = 0; band < 4; ++band) {
      auto it = table_.find(Key(q, band));
      if (it == table_.end()) continue;
      for (int32_t e : it->second) {
        const int d = std::popcount(q ^ entries_[static_cast<size_t>(e)].first);
        if (d < best_d || (d == best_d && entries_[static_cast<size_t>(e)].second < best)) {
          best_d = d;
          best = entries_[static_cast<size_t>(e)].second;
        }
      }
    }
    return {best, best < 0 ? 0 : best_d};
  }
  void Add(uint64_t h, int32_t item) {
    if (!exact_.insert(h).second) return;
    const int32_t id = static_cast<int32_t>(entries_.size());
    entries_.push_back({h, item});
    for (int band = 0; band < 4; ++band) table_[Key(h, band)].push_back(id);
  }

 private:
  static uint64_t Key(uint64_t h, int band) {
    return (static_cast<uint64_t>(band) << 16) | ((h >> (band * 16)) & 0xffff);
  }
  std::vector<std::pair<uint64_t, int32_t>> entries_;
  std::unordered_map<uint64_t, std::vector<int32_t>> table_;
  std::unordered_set<uint64_t> exact_;
};

struct PendingAdvert {
  int32_t chat;
  std::string message;
  std::string link;
  TimeMs time;
};

// What a display name is trimmed of before names are compared.
constexpr std::string_view kNameBlank = " \t\n";

int TypeRank(const Event& e) {
  if (std::holds_alternative<EntityEvent>(e)) return 0;
  if (std::holds_alternative<InviteEvent>(e)) return 1;
  if (std::holds_alternative<MemberEvent>(e)) return 2;
  if (std::holds_alternative<MessageEvent>(e)) return 3;
  if (std::holds_alternative<TakedownEvent>(e)) return 4;
  return 5;
}

// The key events of one type are ordered by at equal times (messages keep arrival order).
std::string OrderKey(const Event& e) {
  if (auto* x = std::get_if<EntityEvent>(&e)) return x->key;
  if (auto* x = std::get_if<InviteEvent>(&e)) return x->link + '\x01' + x->chat;
  if (auto* x = std::get_if<MemberEvent>(&e)) {
    return x->chat + '\x01' + x->user + '\x01' + std::string(MemberActionName(x->action));
  }
  if (auto* x = std::get_if<TakedownEvent>(&e)) return x->entity;
  if (auto* x = std::get_if<ReinstateEvent>(&e)) return x->entity;
  return {};
}

}  // namespace

bool EventBefore(const Event& a, const Event& b) {
  const TimeMs ta = EventTime(a), tb = EventTime(b);
  if (ta != tb) return ta < tb;
  const int ra = TypeRank(a), rb = TypeRank(b);
  if (ra != rb) return ra < rb;
  if (ra == 3) return false;
  return OrderKey(a) < OrderKey(b);
}

struct NetworkBuilder::State {
  BuildOptions opt;
  Network net;
  std::unordered_map<std::string, int32_t> sha_item;
  std::unordered_map<std::string, int32_t> known_item;  // "bank/type/signal" -> item
  PdqBands pdq;
  TextBands text;
  std::unordered_map<uint64_t, int32_t> carrier_of;  // (item, chat) -> index in carriers
  // Normalised link (username, alias, invite) -> node.
  std::unordered_map<std::string, int32_t> link_target;
  std::unordered_map<std::string, std::vector<PendingAdvert>> pending;
  size_t pending_count = 0;
  // Display name -> nodes that bore it (not placeholders).
  std::unordered_map<std::string, std::vector<int32_t>> by_name;
  std::unordered_map<std::string, int32_t> name_placeholder;  // display name -> node
  std::unordered_map<std::string, int32_t> link_placeholder;  // normalised link -> node

  Node& N(int32_t id) { return net.nodes_[static_cast<size_t>(id)]; }

  int32_t Touch(std::string_view key, NodeKind hint, TimeMs t) {
    int32_t id = net.Find(key);
    if (id < 0) {
      NodeKind kind = hint != NodeKind::kUnknown ? hint : NodeKindFromEntity(KindFromKey(key));
      id = net.AddNode(std::string(key), kind);
    }
    Node& n = N(id);
    if (n.kind == NodeKind::kUnknown && hint != NodeKind::kUnknown) n.kind = hint;
    if (n.first_seen == kNoTime || t < n.first_seen) n.first_seen = t;
    return id;
  }

  // One reference behind an edge (graph.h, EdgeEvidence); its strings are copied only while
  // the edge's sample has room.
  void AddEvidence(int32_t from, int32_t to, EdgeKind kind, std::string_view how,
                   std::string_view ref, TimeMs time, std::string_view source = {}) {
    if (from < 0 || to < 0 || from == to) return;
    Edge& e = net.TouchEdge(from, to, kind);
    Evidence r;
    r.time = time;
    if (e.evidence.sample.size() < opt.evidence_sample) {
      r.signal = how;
      r.refs.emplace_back(ref);
      if (!source.empty()) r.refs.emplace_back(source);
    }
    e.evidence.Add(std::move(r), opt.evidence_sample);
  }

  // --- link resolution

  // The lookup form of a link's target: the normalised link of the chat it opens.
  static std::string LookupForm(const Link& l) {
    if (l.platform == "telegram") {
      if (l.kind == "username" || l.kind == "invite") return l.normalized;
      if (l.kind == "post") {
        if (l.target.starts_with("c/")) {
          const size_t slash = l.target.find('/', 2);
          return "key:telegram:channel" + l.target.substr(2, slash - 2);
        }
        return "t.me/" + l.target.substr(0, l.target.find('/'));
      }
      if (l.kind == "channel" && l.target.starts_with("c/")) {
        return "key:telegram:channel" + l.target.substr(2);
      }
      return {};
    }
    if (l.platform == "matrix") {
      if (l.kind == "room" || l.kind == "user") return "key:" + l.normalized;
      if (l.kind == "alias") return l.normalized;
      if (l.kind == "post") {
        const size_t cut = l.normalized.find("/$");
        return "key:" + l.normalized.substr(0, cut);
      }
      return {};
    }
    if (l.platform == "rocketchat") {
      if (l.kind == "channel" || l.kind == "invite") return l.normalized;
      if (l.kind == "post") return l.normalized.substr(0, l.normalized.rfind('/'));
      return {};
    }
    return {};
  }

  void RegisterLink(const std::string& form, int32_t node) {
    if (form.empty()) return;
    link_target[form] = node;
    auto ph = link_placeholder.find(form);
    if (ph != link_placeholder.end() && ph->second != node && !N(ph->second).merged) {
      net.MergeNode(ph->second, node, opt.evidence_sample);
    }
    auto it = pending.find(form);
    if (it == pending.end()) return;
    for (PendingAdvert& p : it->second) {
      AddEvidence(p.chat, node, EdgeKind::kAdvert, "link:" + p.link, p.message, p.time);
    }
    pending_count -= it->second.size();
    pending.erase(it);
  }

  // The normalised forms under which an entity's username is linked to.
  static std::vector<std::string> UsernameForms(std::string_view key, std::string_view username) {
    std::vector<std::string> forms;
    if (username.empty()) return forms;
    std::string u(username);
    if (!u.empty() && u[0] == '@') u.erase(0, 1);
    switch (PlatformOfKey(key)) {
      case Platform::kTelegram:
        if (auto l = NormalizeLink("t.me/" + u)) forms.push_back(LookupForm(*l));
        break;
      case Platform::kMatrix:
        if (username[0] == '#') {
          if (auto l = NormalizeLink("https://matrix.to/#/" + std::string(username))) {
            forms.push_back(LookupForm(*l));
          }
        }
        break;
      case Platform::kRocketChat: {
        const size_t colon = key.find(':'), slash = key.find('/');
        if (colon != std::string_view::npos && slash != std::string_view::npos && slash > colon) {
          const std::string host(key.substr(colon + 1, slash - colon - 1));
          if (auto l = NormalizeLink("https://" + host + "/channel/" + u)) {
            forms.push_back(LookupForm(*l));
          }
        }
        break;
      }
      case Platform::kUnknown:
        break;
    }
    std::erase_if(forms, [](const std::string& f) { return f.empty(); });
    return forms;
  }

  int32_t ResolveForm(const std::string& form, TimeMs t) {
    if (form.starts_with("key:"))
      return Touch(std::string_view(form).substr(4), NodeKind::kUnknown, t);
    auto it = link_target.find(form);
    return it == link_target.end() ? -1 : it->second;
  }

  // --- names

  void RegisterName(const std::string& name, int32_t node) {
    if (name.empty()) return;
    auto& v = by_name[name];
    if (std::find(v.begin(), v.end(), node) == v.end()) v.push_back(node);
    auto ph = name_placeholder.find(name);
    if (ph != name_placeholder.end() && v.size() == 1 && !N(ph->second).merged) {
      net.MergeNode(ph->second, node, opt.evidence_sample);
    }
  }

  int32_t ResolveName(const std::string& name, TimeMs t) {
    auto it = by_name.find(name);
    if (it != by_name.end() && it->second.size() == 1) return it->second[0];
    auto ph = name_placeholder.find(name);
    if (ph != name_placeholder.end()) return net.Find("name:" + name);
    const int32_t id = Touch("name:" + name, NodeKind::kName, t);
    N(id).name = name;
    name_placeholder.emplace(name, id);
    return id;
  }

  int32_t ResolveBot(const std::string& via, TimeMs t) {
    if (via.empty()) return -1;
    if (via[0] != '@') return Touch(via, NodeKind::kBot, t);
    auto l = NormalizeLink("t.me/" + via.substr(1));
    const std::string form = l ? LookupForm(*l) : std::string();
    if (!form.empty()) {
      auto it = link_target.find(form);
      if (it != link_target.end()) return it->second;
    }
    const int32_t existing = net.Find(via);
    if (existing >= 0) return existing;
    const int32_t id = Touch(via, NodeKind::kBot, t);
    N(id).username = via.substr(1);
    if (!form.empty()) link_placeholder.emplace(form, id);
    return id;
  }

  // --- events

  void OnEntity(const EntityEvent& e) {
    const int32_t id = Touch(e.key, NodeKindFromEntity(e.kind), e.time);
    Node& n = N(id);
    if (e.kind != EntityKind::kUnknown) n.kind = NodeKindFromEntity(e.kind);
    if (e.subscribers) n.subscribers = e.subscribers;
    if (e.name && !e.name->empty()) {
      n.name = *e.name;
      RegisterName(std::string(Trim(*e.name, kNameBlank)), id);
    }
    if (e.username && !e.username->empty()) {
      N(id).username = *e.username;
      for (const std::string& form : UsernameForms(e.key, *e.username)) RegisterLink(form, id);
    }
    if (e.creator && !e.creator->empty() && N(id).creator.empty()) {
      N(id).creator = *e.creator;
      const int32_t c = Touch(*e.creator, NodeKind::kUnknown, e.time);
      AddEvidence(c, id, EdgeKind::kAdmin, "creator", "entity " + e.key + " creator",
                  e.created.value_or(e.time));
    }
  }

  void OnMember(const MemberEvent& m) {
    const int32_t chat = Touch(m.chat, NodeKind::kUnknown, m.time);
    const int32_t user = Touch(m.user, NodeKind::kUnknown, m.time);
    switch (m.action) {
      case MemberAction::kJoin:
        ++N(chat).members;
        break;
      case MemberAction::kAdmin:
      case MemberAction::kCreator: {
        if (chat == user) break;
        const std::string action(MemberActionName(m.action));
        AddEvidence(user, chat, EdgeKind::kAdmin, action,
                    "member " + m.chat + " " + m.user + " " + action, m.time);
        net.TouchEdge(user, chat, EdgeKind::kAdmin).active = true;
        break;
      }
      case MemberAction::kLeave:
      case MemberAction::kBan: {
        const int32_t e = net.FindEdge(user, chat, EdgeKind::kAdmin);
        if (e >= 0) net.edges_[static_cast<size_t>(e)].active = false;
        break;
      }
    }
  }

  void OnInvite(const InviteEvent& inv) {
    const int32_t chat = Touch(inv.chat, NodeKind::kUnknown, inv.time);
    auto l = NormalizeLink(inv.link);
    const std::string form = l ? LookupForm(*l) : inv.link;
    RegisterLink(form.empty() ? inv.link : form, chat);
  }

  // The content item a message carries (creating one when its content is new), and how it
  // matched an earlier one ("" when new). -1 when the message carries nothing matchable.
  std::pair<int32_t, std::string> MatchContent(const MessageEvent& m,
                                               const std::vector<KnownMatch>& known) {
    int32_t item = -1;
    std::string how;
    std::vector<std::string> known_keys;
    for (const KnownMatch& k : known) {
      known_keys.push_back(k.bank + "/" + k.signal_type + "/" + k.signal);
      if (item >= 0) continue;
      auto it = known_item.find(known_keys.back());
      if (it != known_item.end()) {
        item = it->second;
        how = "bank:" + k.bank + ":" + std::to_string(k.distance);
      }
    }
    for (const Media& md : m.media) {
      if (item >= 0) break;
      if (md.sha256.empty()) continue;
      auto it = sha_item.find(md.sha256);
      if (it != sha_item.end()) {
        item = it->second;
        how = "sha256";
        break;
      }
    }
    std::vector<PdqHash> hashes;
    for (const Media& md : m.media) {
      if (md.pdq.empty()) continue;
      auto h = PdqHash::FromHex(md.pdq);
      if (!h.ok() || *h == PdqHash{}) continue;
      hashes.push_back(*h);
    }
    if (item < 0) {
      for (const PdqHash& h : hashes) {
        auto [found, d] = pdq.Search(h, std::min(opt.pdq_distance, 31));
        if (found >= 0) {
          item = found;
          how = "pdq:" + std::to_string(d);
          break;
        }
      }
    }
    std::optional<uint64_t> sim;
    if (opt.text_min_words > 0 && !m.text.empty()) {
      std::vector<std::string> words = Words(m.text);
      if (static_cast<int>(words.size()) >= opt.text_min_words) sim = SimHash(words);
    }
    if (item < 0 && sim) {
      auto [found, d] = text.Search(*sim, std::min(opt.text_distance, 3));
      if (found >= 0) {
        item = found;
        how = "text:" + std::to_string(d);
      }
    }
    bool any_key = sim.has_value() || !hashes.empty() || !known_keys.empty();
    for (const Media& md : m.media) any_key = any_key || !md.sha256.empty();
    if (!any_key) return {-1, {}};
    if (item < 0) {
      item = static_cast<int32_t>(net.items_.size());
      net.items_.emplace_back();
    }
    for (const Media& md : m.media) {
      if (!md.sha256.empty()) sha_item.emplace(md.sha256, item);
    }
    for (const std::string& k : known_keys) known_item.emplace(k, item);
    if (!known_keys.empty() && net.items_[static_cast<size_t>(item)].known.empty()) {
      net.items_[static_cast<size_t>(item)].known = known_keys[0];
    }
    for (const PdqHash& h : hashes) pdq.Add(h, item);
    if (sim) text.Add(*sim, item);
    return {item, how};
  }

  void OnMessage(const MessageEvent& m, const std::vector<KnownMatch>& known) {
    const int32_t chat = Touch(m.chat, NodeKind::kUnknown, m.time);
    {
      Node& c = N(chat);
      ++c.messages;
      if (c.first_active == kNoTime || m.time < c.first_active) c.first_active = m.time;
      if (c.last_active == kNoTime || m.time > c.last_active) c.last_active = m.time;
      if (m.views && *m.views > c.views_max) c.views_max = *m.views;
    }
    int32_t sender = -1;
    if (!m.from.empty() && m.from != m.chat) {
      sender = Touch(m.from, NodeKind::kUnknown, m.time);
      Node& s = N(sender);
      ++s.sent;
      if (s.first_active == kNoTime || m.time < s.first_active) s.first_active = m.time;
      if (s.last_active == kNoTime || m.time > s.last_active) s.last_active = m.time;
      AddEvidence(sender, chat, EdgeKind::kPost, "sender", m.key, m.time);
    }
    const int32_t bot = ResolveBot(m.via_bot, m.time);
    if (bot >= 0) AddEvidence(bot, chat, EdgeKind::kBot, "via_bot", m.key, m.time);
    int32_t fwd = -1;
    if (m.forward) {
      const ForwardOrigin& f = *m.forward;
      std::string how;
      if (!f.chat.empty()) {
        fwd = Touch(f.chat, NodeKind::kUnknown, f.time.value_or(m.time));
        how = "forward";
      } else if (!Trim(f.name, kNameBlank).empty()) {
        fwd = ResolveName(std::string(Trim(f.name, kNameBlank)), m.time);
        how = "forward_name";
      }
      ++N(chat).forwarded;
      if (fwd >= 0) AddEvidence(fwd, chat, EdgeKind::kForward, how, m.key, m.time, f.message);
    }
    // Content.
    auto [item, how] = MatchContent(m, known);
    if (item >= 0) {
      ContentItem& it = net.items_[static_cast<size_t>(item)];
      ++it.postings;
      auto [pos, fresh] =
          carrier_of.emplace(ItemChat(item, chat), static_cast<int32_t>(it.carriers.size()));
      if (fresh) {
        Carrier c;
        c.chat = chat;
        c.sender = sender;
        c.via_bot = bot;
        c.time = m.time;
        c.message = m.key;
        if (m.forward) {
          c.forwarded = true;
          c.source = fwd;
        } else if (!it.carriers.empty() && m.time - it.carriers[0].time <= opt.reupload_window) {
          const int32_t src = ReuploadSource(item, chat);
          if (src >= 0) {
            c.source = it.carriers[static_cast<size_t>(src)].chat;
            AddEvidence(c.source, chat, EdgeKind::kReupload, how, m.key, m.time,
                        it.carriers[static_cast<size_t>(src)].message);
          }
        }
        it.carriers.push_back(std::move(c));
      }
    }
    // Adverts.
    for (const std::string& url : m.links) {
      auto l = NormalizeLink(url);
      if (!l) continue;
      const std::string form = LookupForm(*l);
      if (form.empty()) continue;
      const int32_t target = ResolveForm(form, m.time);
      if (target >= 0) {
        AddEvidence(chat, target, EdgeKind::kAdvert, "link:" + l->normalized, m.key, m.time);
      } else if (pending_count < opt.max_pending_links) {
        pending[form].push_back(PendingAdvert{chat, m.key, l->normalized, m.time});
        ++pending_count;
      }
    }
  }

  // Index into the item's carriers of the re-upload's source: the latest earlier carrier the
  // chat already forwards from, else the first carrier. -1 when the only carrier is the chat.
  int32_t ReuploadSource(int32_t item, int32_t chat) {
    const ContentItem& it = net.items_[static_cast<size_t>(item)];
    int32_t best = -1;
    TimeMs best_t = kNoTime;
    for (int32_t e : net.in_[static_cast<size_t>(chat)]) {
      const Edge& edge = net.edges_[static_cast<size_t>(e)];
      if (edge.kind != EdgeKind::kForward || edge.from == chat) continue;
      auto c = carrier_of.find(ItemChat(item, edge.from));
      if (c == carrier_of.end()) continue;
      const Carrier& cr = it.carriers[static_cast<size_t>(c->second)];
      if (cr.time > best_t || (cr.time == best_t && c->second < best)) {
        best = c->second;
        best_t = cr.time;
      }
    }
    if (best >= 0) return best;
    return it.carriers.empty() || it.carriers[0].chat == chat ? -1 : 0;
  }

  void OnTakedown(const std::string& key, TimeMs t, bool down) {
    const int32_t id = Touch(key, NodeKind::kUnknown, t);
    Node& n = N(id);
    if (down) {
      if (!n.down) n.down_since = t;
      n.down = true;
      ++n.takedowns;
    } else {
      n.down = false;
      n.down_since = kNoTime;
    }
  }
};

NetworkBuilder::NetworkBuilder(BuildOptions options) : s_(std::make_unique<State>()) {
  s_->opt = std::move(options);
}
NetworkBuilder::~NetworkBuilder() = default;
NetworkBuilder::NetworkBuilder(NetworkBuilder&&) noexcept = default;
NetworkBuilder& NetworkBuilder::operator=(NetworkBuilder&&) noexcept = default;

void NetworkBuilder::Add(const Event& event) {
  static const std::vector<KnownMatch> kNone;
  Add(event, kNone);
}

void NetworkBuilder::Add(const Event& event, const std::vector<KnownMatch>& matches) {
  State& s = *s_;
  const TimeMs t = EventTime(event);
  if (s.net.time_ == kNoTime || t > s.net.time_) s.net.time_ = t;
  ++s.net.events_;
  if (auto* m = std::get_if<MessageEvent>(&event)) return s.OnMessage(*m, matches);
  if (auto* e = std::get_if<EntityEvent>(&event)) return s.OnEntity(*e);
  if (auto* m = std::get_if<MemberEvent>(&event)) return s.OnMember(*m);
  if (auto* i = std::get_if<InviteEvent>(&event)) return s.OnInvite(*i);
  if (auto* d = std::get_if<TakedownEvent>(&event)) return s.OnTakedown(d->entity, d->time, true);
  if (auto* r = std::get_if<ReinstateEvent>(&event)) return s.OnTakedown(r->entity, r->time, false);
}

const Network& NetworkBuilder::network() const { return s_->net; }
Network NetworkBuilder::Take() { return std::move(s_->net); }

// ---------------------------------------------------------------- store replay

StatusOr<std::vector<std::string>> TakedownsBetween(Store& store, TimeMs from, TimeMs to) {
  return FirstTakedownsBetween(store, from, to);
}

StatusOr<TimeMs> LastEventTime(Store& store) { return LatestEventTime(store); }

StatusOr<Network> BuildNetwork(Store& store, const BuildOptions& options) {
  RETURN_IF_ERROR(store.EnsureAnalysisIndexes());
  const TimeMs as_of = options.as_of.value_or(std::numeric_limits<TimeMs>::max());
  // Everything but messages is small enough to sort in memory: each entity at its first
  // sighting, then what the replay gives besides messages.
  std::vector<Event> side;
  {
    ASSIGN_OR_RETURN(std::vector<EntityEvent> sightings, ReadEntitySightings(store, as_of));
    for (EntityEvent& e : sightings) side.emplace_back(std::move(e));
  }
  ReplayOptions ro;
  ro.until = as_of;
  ro.messages = false;
  RETURN_IF_ERROR(ReplayStore(
      store,
      [&](const Event& e) {
        if (const auto* x = std::get_if<EntityEvent>(&e)) {
          // Names alone: the entity's details came with its sighting.
          EntityEvent named;
          named.key = x->key;
          named.time = x->time;
          named.name = x->name;
          named.username = x->username;
          side.emplace_back(std::move(named));
        } else {
          side.push_back(e);
        }
        return Status::Ok();
      },
      ro));
  std::stable_sort(side.begin(), side.end(), EventBefore);
  int64_t total = static_cast<int64_t>(side.size());
  if (options.progress != nullptr) {
    ASSIGN_OR_RETURN(int64_t messages, CountMessages(store, as_of));
    total += messages;
  }
  ProgressStep step(options.progress, "network", total, "events", 1024);

  NetworkBuilder builder(options);
  MessageReadOptions mo;
  mo.until = as_of;
  mo.order = MessageOrder::kArrival;
  mo.matches = true;
  ASSIGN_OR_RETURN(std::unique_ptr<MessageReader> messages, MessageReader::Open(store, mo));
  MessageEvent m;
  std::vector<KnownMatch> known;
  size_t next_side = 0;
  while (messages->Next(&m, &known)) {
    Event ev(std::move(m));
    while (next_side < side.size() && EventBefore(side[next_side], ev)) {
      builder.Add(side[next_side++]);
      step.Advance();
    }
    builder.Add(ev, known);
    step.Advance();
  }
  RETURN_IF_ERROR(messages->status());
  while (next_side < side.size()) {
    builder.Add(side[next_side++]);
    step.Advance();
  }
  return builder.Take();
}

}  // namespace cordon::network
