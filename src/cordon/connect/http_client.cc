#include "cordon/connect/http_client.h"

#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

namespace cordon::connect {

struct HttpClient::Impl {
  std::unique_ptr<httplib::Client> client;
};

std::string PathSegment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  // "." and ".." are unreserved but name directories: encode them whole.
  if (out == ".") return "%2E";
  if (out == "..") return "%2E%2E";
  return out;
}

StatusOr<BaseUrl> ParseBaseUrl(std::string_view url) {
  BaseUrl b;
  const auto fail = [&](std::string_view why) {
    return Status::InvalidArgument("base URL '" + std::string(url) + "': " + std::string(why));
  };
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos) return fail("expected http:// or https://");
  b.scheme = std::string(url.substr(0, colon));
  if (b.scheme != "http" && b.scheme != "https") return fail("expected http:// or https://");
  std::string_view rest = url.substr(colon + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) return fail("no query or fragment");
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return fail("no user info");
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) return fail("spaces, control and non-ASCII bytes not allowed");
  }
  std::string_view host = authority;
  b.port = b.scheme == "https" ? 443 : 80;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed IPv6 address");
    host = authority.substr(0, close + 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return fail("bad port");
  } else {
    const size_t c = authority.rfind(':');
    host = authority.substr(0, c);
    authority = c == std::string_view::npos ? std::string_view() : authority.substr(c);
  }
  if (!authority.empty()) {  // ":port"
    std::string_view p = authority.substr(1);
    int port = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535) {
      return fail("bad port");
    }
    b.port = port;
  }
  if (host.empty()) return fail("no host");
  b.host = std::string(host);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  b.path = std::string(path);
  return b;
}

StoreOptions DurableOptions() {
  StoreOptions options;
  options.durable = true;
  return options;
}

namespace {

// A whole decimal number; nullopt for anything else.
std::optional<int64_t> WholeNumber(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool SafeHeaderText(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

int64_t RetryAfterMs(std::string_view body, std::string_view retry_after_header,
                     std::string_view rate_limit_reset_header, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (!parser.parse(padded).get(doc)) {
    int64_t ms = 0;
    if (!doc["retry_after_ms"].get_int64().get(ms) && ms >= 0) return ms;
    // Newer servers may nest it under "error" objects; only the top level is read.
    int64_t seconds = 0;
    if (!doc["parameters"]["retry_after"].get_int64().get(seconds) && seconds >= 0 &&
        seconds < 86400) {
      return seconds * 1000;
    }
  }
  if (auto seconds = WholeNumber(retry_after_header);
      seconds && *seconds >= 0 && *seconds < 86400) {
    return *seconds * 1000;
  }
  if (auto reset = WholeNumber(rate_limit_reset_header); reset && now_ms > 0) {
    return std::clamp<int64_t>(*reset - now_ms, 0, int64_t{86400} * 1000);
  }
  return -1;
}

StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read the token file", Location{path});
  std::string text(4097, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > 4096) return Status::InvalidArgument("token file over 4 KiB", Location{path});
  const size_t eol = text.find('\n');
  if (eol != std::string::npos) text.resize(eol);
  const size_t b = text.find_first_not_of(" \t\r");
  const size_t e = text.find_last_not_of(" \t\r");
  text = b == std::string::npos ? "" : text.substr(b, e - b + 1);
  if (text.empty()) return Status::InvalidArgument("token file is empty", Location{path});
  for (unsigned char c : text) {
    if (c < 0x21 || c == 0x7f) {
      return Status::InvalidArgument("token holds a space or control character", Location{path});
    }
  }
  return text;
}

HttpClient::HttpClient(BaseUrl base, std::string token, HttpOptions options)
    : base_(std::move(base)),
      token_(std::move(token)),
      options_(std::move(options)),
      impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() = default;

StatusOr<std::unique_ptr<HttpClient>> HttpClient::Open(std::string_view base_url, std::string token,
                                                       HttpOptions options) {
  ASSIGN_OR_RETURN(BaseUrl base, ParseBaseUrl(base_url));
  if (!SafeHeaderText(token)) {
    return Status::InvalidArgument("the access token holds a control character");
  }
  for (const auto& [name, value] : options.headers) {
    if (!SafeHeaderText(name) || !SafeHeaderText(value) || name.empty()) {
      return Status::InvalidArgument("header '" + name + "' holds a control character");
    }
  }
  // Said without the prefix: it holds the secret.
  for (unsigned char c : options.secret_path_prefix) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == ':' || c == '/';
    if (!ok) return Status::InvalidArgument("the token holds a character not allowed in a path");
  }
  if (!options.sleep) {
    options.sleep = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
  if (!options.now_ms) {
    options.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  std::unique_ptr<HttpClient> c(new HttpClient(base, std::move(token), std::move(options)));
  const std::string origin = base.scheme + "://" + base.host + ":" + std::to_string(base.port);
  c->impl_->client = std::make_unique<httplib::Client>(origin);
  if (!c->impl_->client->is_valid()) {
    return Status::InvalidArgument("cannot open a client for '" + std::string(base_url) + "'");
  }
  httplib::Client& h = *c->impl_->client;
  h.set_follow_location(false);
  h.set_url_encode(false);
  h.set_keep_alive(true);
  h.set_connection_timeout(c->options_.connect_timeout_s, 0);
  h.set_read_timeout(c->options_.read_timeout_s, 0);
  h.set_write_timeout(c->options_.read_timeout_s, 0);
  if (base.scheme == "https") h.enable_server_certificate_verification(true);
  return c;
}

StatusOr<HttpResponse> HttpClient::Once(std::string_view method, const std::string& path,
                                        std::string_view body, int64_t* retry_after_ms) {
  httplib::Request req;
  req.method = std::string(method);
  req.path = base_.path + options_.secret_path_prefix + path;
  // What logs and errors say: never the secret.
  const std::string shown = base_.path + options_.shown_path_prefix + path;
  if (!token_.empty()) req.headers.emplace("Authorization", "Bearer " + token_);
  for (const auto& [name, value] : options_.headers) req.headers.emplace(name, value);
  if (!body.empty() || method == "PUT" || method == "POST") {
    req.body = body.empty() ? "{}" : std::string(body);
    req.headers.emplace("Content-Type", "application/json");
  }
  HttpResponse out;
  bool too_big = false;
  const size_t cap = options_.max_response_bytes;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (out.body.size() + n > cap) {
      too_big = true;
      return false;
    }
    out.body.append(data, n);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool ok = impl_->client->send(req, res, error);
  log_.push_back({req.method, shown, std::string(body), ok ? res.status : 0});
  if (too_big) {
    log_.back().status = 0;
    return Status::ResourceExhausted(req.method + " " + shown + ": answer over " +
                                     std::to_string(cap) + " bytes");
  }
  if (!ok) return Status::IoError(req.method + " " + shown + ": " + httplib::to_string(error));
  out.status = res.status;
  if (out.status == 429) {
    *retry_after_ms = RetryAfterMs(out.body, res.get_header_value("Retry-After"),
                                   res.get_header_value("X-RateLimit-Reset"), options_.now_ms());
  }
  return out;
}

StatusOr<HttpResponse> HttpClient::Send(std::string_view method, std::string_view path,
                                        std::string_view body) {
  int64_t backoff = options_.first_backoff_ms;
  StatusOr<HttpResponse> last = Status::IoError("no attempt");
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    int64_t retry_after = -1;
    last = Once(method, std::string(path), body, &retry_after);
    int64_t wait = -1;
    if (!last.ok()) {
      if (last.status().code() != StatusCode::kIoError) return last;  // too big: no retry
      wait = backoff;
    } else if (last->status == 429) {
      wait = std::max(retry_after, backoff);
    } else if (last->status == 502 || last->status == 503 || last->status == 504) {
      wait = backoff;
    } else {
      return last;
    }
    if (attempt == options_.max_attempts) break;
    options_.sleep(std::min(wait, options_.max_wait_ms));
    backoff = std::min(backoff * 2, options_.max_wait_ms);
  }
  return last;
}

}  // namespace cordon::connect
