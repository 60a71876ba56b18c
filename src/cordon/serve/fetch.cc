#include "cordon/serve/fetch.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace cordon::serve {

StatusOr<FetchUrl> ParseFetchUrl(std::string_view url) {
  FetchUrl out;
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos) return Status::InvalidArgument("not an absolute URL");
  for (char c : url.substr(0, colon)) {
    out.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.scheme != "http" && out.scheme != "https") {
    return Status::InvalidArgument("only http and https URLs are fetched");
  }
  std::string_view rest = url.substr(colon + 3);
  const size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.path.empty() && out.path[0] != '/') out.path = "/" + out.path;
  if (out.path.find('#') != std::string::npos) {
    return Status::InvalidArgument("a URL with a fragment is not fetched");
  }
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("a URL with user information is not fetched");
  }
  out.port = out.scheme == "https" ? 443 : 80;
  std::string_view host = authority;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("bad IPv6 host");
    host = authority.substr(1, close - 1);
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority[0] != ':') return Status::InvalidArgument("bad host");
  } else {
    const size_t port_at = authority.find(':');
    host = authority.substr(0, port_at);
    authority = port_at == std::string_view::npos ? "" : authority.substr(port_at);
  }
  if (!authority.empty()) {
    const std::string_view digits = authority.substr(1);
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return Status::InvalidArgument("bad port");
    }
    out.port = std::stoi(std::string(digits));
    if (out.port < 1 || out.port > 65535) return Status::InvalidArgument("bad port");
  }
  if (host.empty()) return Status::InvalidArgument("no host");
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) {
      return Status::InvalidArgument("bad host");
    }
    out.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool FetchAllowed(const std::vector<std::string>& allow, const FetchUrl& url) {
  for (const std::string& entry : allow) {
    auto prefix = ParseFetchUrl(entry);
    if (!prefix.ok()) continue;
    if (prefix->scheme == url.scheme && prefix->host == url.host && prefix->port == url.port &&
        url.path.compare(0, prefix->path.size(), prefix->path) == 0) {
      return true;
    }
  }
  return false;
}

StatusOr<std::string> FetchBody(const FetchUrl& url, size_t max_bytes, int timeout_s) {
  httplib::Client client(
      url.scheme + "://" +
      (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
      std::to_string(url.port));
  client.set_follow_location(false);
  client.set_connection_timeout(timeout_s, 0);
  client.set_read_timeout(timeout_s, 0);
  client.set_write_timeout(timeout_s, 0);
  std::string body;
  bool too_big = false;
  auto res = client.Get(url.path, [&](const char* data, size_t n) {
    if (body.size() + n > max_bytes) {
      too_big = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (too_big) return Status::ResourceExhausted("the fetched media is over the server's limit");
  if (!res) {
    return Status::IoError("cannot fetch the URL: " + httplib::to_string(res.error()));
  }
  if (res->status != 200) {
    return Status::IoError("the URL answered HTTP " + std::to_string(res->status));
  }
  return body;
}

}  // namespace cordon::serve
