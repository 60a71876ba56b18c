#include "cordon/ingest/telegram_common.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "cordon/ingest/mentions.h"
#include "cordon/model/links.h"

namespace cordon::telegram {
namespace {

// Seconds of 0000-01-01 and 9999-12-31 relative to the epoch.
constexpr int64_t kMinSeconds = -62167219200;
constexpr int64_t kMaxSeconds = 253402300799;
// Telethon marks channel ids by subtracting them from -10^12.
constexpr int64_t kChannelMark = 1000000000000;

}  // namespace

std::string ChannelKey(int64_t id) { return "telegram:channel" + std::to_string(id); }
std::string ChatKey(int64_t id) { return "telegram:chat" + std::to_string(id); }
std::string UserKey(int64_t id) { return "telegram:user" + std::to_string(id); }

std::optional<std::string> KeyFromPeerRef(std::string_view ref) {
  for (std::string_view prefix : {"user", "channel", "chat"}) {
    if (!ref.starts_with(prefix)) continue;
    std::string_view digits = ref.substr(prefix.size());
    int64_t id = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || id <= 0) {
      return std::nullopt;
    }
    return "telegram:" + std::string(prefix) + std::to_string(id);
  }
  return std::nullopt;
}

std::optional<std::string> KeyFromMarkedId(int64_t id) {
  if (id > 0) return UserKey(id);
  if (id == 0 || id == INT64_MIN) return std::nullopt;
  if (id < -kChannelMark) return ChannelKey(-id - kChannelMark);
  if (id == -kChannelMark) return std::nullopt;
  return ChatKey(-id);
}

std::optional<int64_t> MarkedIdFromKey(std::string_view key) {
  for (std::string_view prefix : {"telegram:user", "telegram:channel", "telegram:chat"}) {
    if (!key.starts_with(prefix)) continue;
    std::string_view digits = key.substr(prefix.size());
    int64_t id = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || id <= 0 ||
        id >= kChannelMark) {
      return std::nullopt;
    }
    if (prefix == "telegram:user") return id;
    return prefix == "telegram:chat" ? -id : -id - kChannelMark;
  }
  return std::nullopt;
}

std::optional<TimeMs> SecondsToMs(int64_t seconds) {
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  return seconds * 1000;
}

std::optional<TimeMs> SecondsToMs(double seconds) {
  if (!std::isfinite(seconds) || seconds < static_cast<double>(kMinSeconds) ||
      seconds > static_cast<double>(kMaxSeconds)) {
    return std::nullopt;
  }
  return static_cast<TimeMs>(std::llround(seconds * 1000.0));
}

void AddLink(std::vector<std::string>& links, std::string_view url) {
  if (url.empty()) return;
  if (std::find(links.begin(), links.end(), url) != links.end()) return;
  links.emplace_back(url);
}

void AddHrefLink(std::vector<std::string>& links, std::string_view href) {
  if (!IsMentionHref(href)) AddLink(links, href);
}

void AddTextLinks(std::vector<std::string>& links, std::string_view text) {
  for (const std::string& url : ExtractUrls(text)) AddLink(links, url);
}

std::vector<size_t> Utf16ToByteOffsets(std::string_view text, const std::vector<int64_t>& units) {
  std::vector<size_t> out(units.size(), std::string_view::npos);
  size_t i = 0;
  int64_t u = 0;
  for (size_t k = 0; k < units.size(); ++k) {
    const int64_t target = units[k];
    while (u < target && i < text.size()) {
      const auto c = static_cast<unsigned char>(text[i]);
      size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;  // stray bytes count as one
      len = std::min(len, text.size() - i);
      // Code points above U+FFFF (4-byte UTF-8) take two UTF-16 units.
      u += len == 4 ? 2 : 1;
      i += len;
    }
    if (u == target) out[k] = i;
  }
  return out;
}

std::optional<std::string_view> Utf16Slice(std::string_view text, int64_t offset, int64_t length) {
  if (offset < 0 || length < 0 || offset > INT64_MAX - length) return std::nullopt;
  std::vector<size_t> at = Utf16ToByteOffsets(text, {offset, offset + length});
  if (at[0] == std::string_view::npos || at[1] == std::string_view::npos) return std::nullopt;
  return text.substr(at[0], at[1] - at[0]);
}

EntityEvent& EntityTable::Observe(std::string_view key, EntityKind kind, std::optional<TimeMs> time,
                                  const Location& where) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    Entry e;
    e.event.key = std::string(key);
    e.where = where;
    it = entries_.emplace(std::string(key), std::move(e)).first;
  }
  Entry& e = it->second;
  if (e.event.kind == EntityKind::kUnknown) e.event.kind = kind;
  if (time && (!e.seen_time || *time > e.event.time)) {
    e.event.time = *time;
    e.seen_time = true;
  }
  return e.event;
}

EntityEvent* EntityTable::Find(std::string_view key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second.event;
}

Status EntityTable::Flush(EventSink& sink) {
  for (auto& [key, e] : entries_) {
    RETURN_IF_ERROR(sink.OnEvent(std::move(e.event), e.where));
  }
  entries_.clear();
  return Status::Ok();
}

}  // namespace cordon::telegram
