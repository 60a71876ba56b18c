#include "cordon/network/graph.h"

#include <algorithm>

#include "cordon/util/time.h"

namespace cordon::network {

std::string_view NodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::kChannel:
      return "channel";
    case NodeKind::kGroup:
      return "group";
    case NodeKind::kUser:
      return "user";
    case NodeKind::kBot:
      return "bot";
    case NodeKind::kName:
      return "name";
    case NodeKind::kUnknown:
      break;
  }
  return "unknown";
}

NodeKind NodeKindFromEntity(EntityKind k) {
  switch (k) {
    case EntityKind::kChannel:
      return NodeKind::kChannel;
    case EntityKind::kGroup:
      return NodeKind::kGroup;
    case EntityKind::kUser:
      return NodeKind::kUser;
    case EntityKind::kBot:
      return NodeKind::kBot;
    case EntityKind::kUnknown:
      break;
  }
  return NodeKind::kUnknown;
}

std::string_view EdgeKindName(EdgeKind k) {
  switch (k) {
    case EdgeKind::kForward:
      return "forward";
    case EdgeKind::kReupload:
      return "reupload";
    case EdgeKind::kAdvert:
      return "advert";
    case EdgeKind::kAdmin:
      return "admin";
    case EdgeKind::kBot:
      return "bot";
    case EdgeKind::kPost:
      return "post";
  }
  return "unknown";
}

void EdgeEvidence::Add(Evidence r, size_t cap) {
  ++count;
  const TimeMs t = r.time.value_or(0);
  if (first == kNoTime || t < first) first = t;
  if (last == kNoTime || t > last) last = t;
  if (sample.size() < cap) sample.push_back(std::move(r));
}

namespace {

uint64_t Pack(int32_t from, int32_t to) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(from)) << 32) | static_cast<uint32_t>(to);
}

std::string TimeText(TimeMs t) { return t == kNoTime ? "-" : FormatRfc3339Ms(t); }

}  // namespace

int32_t Network::Find(std::string_view key) const {
  auto it = by_key_.find(std::string(key));
  return it == by_key_.end() ? -1 : it->second;
}

int32_t Network::FindEdge(int32_t from, int32_t to, EdgeKind kind) const {
  const auto& index = edge_index_[static_cast<int>(kind)];
  auto it = index.find(Pack(from, to));
  return it == index.end() ? -1 : it->second;
}

int32_t Network::AddNode(std::string key, NodeKind kind) {
  const int32_t id = static_cast<int32_t>(nodes_.size());
  by_key_.emplace(key, id);
  Node n;
  n.key = std::move(key);
  n.kind = kind;
  nodes_.push_back(std::move(n));
  out_.emplace_back();
  in_.emplace_back();
  return id;
}

Edge& Network::TouchEdge(int32_t from, int32_t to, EdgeKind kind) {
  auto& index = edge_index_[static_cast<int>(kind)];
  auto [it, inserted] = index.emplace(Pack(from, to), static_cast<int32_t>(edges_.size()));
  if (inserted) {
    Edge e;
    e.from = from;
    e.to = to;
    e.kind = kind;
    edges_.push_back(std::move(e));
    out_[static_cast<size_t>(from)].push_back(it->second);
    in_[static_cast<size_t>(to)].push_back(it->second);
  }
  return edges_[static_cast<size_t>(it->second)];
}

void Network::MergeNode(int32_t from, int32_t into, size_t cap) {
  if (from == into) return;
  Node& f = nodes_[static_cast<size_t>(from)];
  Node& t = nodes_[static_cast<size_t>(into)];
  f.merged = true;
  t.messages += f.messages;
  t.sent += f.sent;
  t.forwarded += f.forwarded;
  t.views_max = std::max(t.views_max, f.views_max);
  t.members += f.members;
  by_key_[f.key] = into;
  // Every edge of `from` moves to `into`; edges that already exist there absorb its evidence.
  std::vector<int32_t> touched = out_[static_cast<size_t>(from)];
  touched.insert(touched.end(), in_[static_cast<size_t>(from)].begin(),
                 in_[static_cast<size_t>(from)].end());
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (int32_t id : touched) {
    Edge old = edges_[static_cast<size_t>(id)];
    if (old.from < 0) continue;
    auto& index = edge_index_[static_cast<int>(old.kind)];
    index.erase(Pack(old.from, old.to));
    auto drop = [id](std::vector<int32_t>& v) { std::erase(v, id); };
    drop(out_[static_cast<size_t>(old.from)]);
    drop(in_[static_cast<size_t>(old.to)]);
    Edge& dead = edges_[static_cast<size_t>(id)];
    dead.from = dead.to = -1;
    dead.evidence = EdgeEvidence{};
    const int32_t a = old.from == from ? into : old.from;
    const int32_t b = old.to == from ? into : old.to;
    if (a == b) continue;
    Edge& e = TouchEdge(a, b, old.kind);
    e.active = e.active || old.active;
    for (auto& r : old.evidence.sample) e.evidence.sample.push_back(std::move(r));
    e.evidence.count += old.evidence.count;
    if (e.evidence.first == kNoTime || old.evidence.first < e.evidence.first) {
      e.evidence.first = old.evidence.first;
    }
    if (e.evidence.last == kNoTime || old.evidence.last > e.evidence.last) {
      e.evidence.last = old.evidence.last;
    }
    std::stable_sort(e.evidence.sample.begin(), e.evidence.sample.end(),
                     [](const Evidence& x, const Evidence& y) { return x.time < y.time; });
    if (e.evidence.sample.size() > cap) e.evidence.sample.resize(cap);
  }
  out_[static_cast<size_t>(from)].clear();
  in_[static_cast<size_t>(from)].clear();
  for (ContentItem& item : items_) {
    for (Carrier& c : item.carriers) {
      if (c.source == from) c.source = into;
      if (c.sender == from) c.sender = into;
      if (c.via_bot == from) c.via_bot = into;
    }
  }
}

std::string Network::Dump() const {
  std::vector<std::string> lines;
  auto key_of = [&](int32_t id) -> std::string {
    return id < 0 ? std::string("-") : nodes_[static_cast<size_t>(id)].key;
  };
  for (const Node& n : nodes_) {
    if (n.merged) continue;
    std::string l = "node " + n.key + " " + std::string(NodeKindName(n.kind));
    l += " name=" + n.name + " username=" + n.username;
    l += " subscribers=" + (n.subscribers ? std::to_string(*n.subscribers) : std::string("-"));
    l += " creator=" + n.creator;
    l += " first=" + TimeText(n.first_seen) + " active=" + TimeText(n.first_active) + ".." +
         TimeText(n.last_active);
    l += std::string(" down=") + (n.down ? "1" : "0") + " since=" + TimeText(n.down_since);
    l += " takedowns=" + std::to_string(n.takedowns);
    l += " messages=" + std::to_string(n.messages) + " sent=" + std::to_string(n.sent);
    l += " forwarded=" + std::to_string(n.forwarded) + " views=" + std::to_string(n.views_max);
    l += " members=" + std::to_string(n.members);
    lines.push_back(std::move(l));
  }
  for (const Edge& e : edges_) {
    if (e.from < 0) continue;
    std::string l =
        "edge " + key_of(e.from) + " -> " + key_of(e.to) + " " + std::string(EdgeKindName(e.kind));
    l += " count=" + std::to_string(e.evidence.count);
    l += " first=" + TimeText(e.evidence.first) + " last=" + TimeText(e.evidence.last);
    l += std::string(" active=") + (e.active ? "1" : "0");
    for (const Evidence& r : e.evidence.sample) {
      l += " [" + r.refs[0] + (r.refs.size() < 2 ? "" : " < " + r.refs[1]) + " " + r.signal + "]";
    }
    lines.push_back(std::move(l));
  }
  for (const ContentItem& item : items_) {
    std::string l = "item postings=" + std::to_string(item.postings);
    if (!item.known.empty()) l += " known=" + item.known;
    for (const Carrier& c : item.carriers) {
      l += " [" + c.message + " " + TimeText(c.time) + (c.forwarded ? " fwd" : "") +
           " src=" + key_of(c.source) + " by=" + key_of(c.sender) + " via=" + key_of(c.via_bot) +
           "]";
    }
    lines.push_back(std::move(l));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace cordon::network
