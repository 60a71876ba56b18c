#include "cordon/ingest/links.h"

#include <algorithm>
#include <cctype>

namespace cordon {
namespace {

std::string Lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

bool IsUrlChar(unsigned char c) {
  return c > 0x20 && c != '<' && c != '>' && c != '"' && c != '\'' && c != '`' && c != '{' &&
         c != '}' && c != '|' && c != '\\' && c != '^';
}

}  // namespace

std::optional<Link> NormalizeLink(std::string_view url) {
  Link l;
  std::string_view rest = url;
  for (std::string_view scheme : {"https://", "http://", "tg://"}) {
    if (Lower(rest.substr(0, scheme.size())) == scheme) {
      rest.remove_prefix(scheme.size());
      break;
    }
  }
  size_t slash = rest.find_first_of("/?#");
  std::string host = Lower(rest.substr(0, slash));
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (host.empty() || host.find('.') == std::string::npos) return std::nullopt;
  if (host.starts_with("www.")) host.erase(0, 4);
  l.url = url.find("://") == std::string_view::npos ? "https://" + std::string(url)
                                                     : std::string(url);
  l.platform = "web";
  l.kind = "web";
  l.normalized = host + Lower(path);
  if (host == "t.me" || host == "telegram.me" || host == "telegram.dog") {
    l.platform = "telegram";
    std::string_view p = path;
    if (p.starts_with("/")) p.remove_prefix(1);
    if (p.starts_with("s/")) p.remove_prefix(2);
    std::string_view first = p.substr(0, p.find_first_of("/?#"));
    if (first.starts_with("+")) {
      l.kind = "invite";
      l.target = std::string(first.substr(1));
    } else if (first == "joinchat") {
      std::string_view code = p.substr(first.size());
      if (code.starts_with("/")) code.remove_prefix(1);
      l.kind = "invite";
      l.target = std::string(code.substr(0, code.find_first_of("/?#")));
    } else if (!first.empty()) {
      l.kind = "username";
      l.target = Lower(first);
    }
    if (l.target.empty()) return l;
    l.normalized = l.kind == "invite" ? "t.me/+" + l.target : "t.me/" + l.target;
    return l;
  }
  return l;
}

std::vector<std::string> ExtractUrls(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t best = std::string_view::npos;
    for (std::string_view marker : {"http://", "https://", "t.me/", "telegram.me/"}) {
      size_t p = text.find(marker, i);
      if (p < best) best = p;
    }
    if (best == std::string_view::npos) break;
    size_t end = best;
    while (end < text.size() && IsUrlChar(static_cast<unsigned char>(text[end]))) ++end;
    while (end > best && std::string_view(".,;:!?)]").find(text[end - 1]) != std::string_view::npos)
      --end;
    if (end > best) out.emplace_back(text.substr(best, end - best));
    i = std::max(end, best + 1);
  }
  return out;
}

}  // namespace cordon
