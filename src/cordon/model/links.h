// Finding links in text and normalising them to one form per target (docs/formats/links.md).
//
//   t.me/Name, telegram.me/name, t.me/s/name, name.t.me,
//   tg://resolve?domain=name                      -> telegram username  "t.me/name"
//   t.me/name/12, tg://resolve?domain=name&post=12 -> telegram post      "t.me/name/12"
//   t.me/c/123/45, tg://privatepost?...           -> telegram post      "t.me/c/123/45"
//   t.me/+Code, t.me/joinchat/Code, tg://join?invite=Code
//                                                 -> telegram invite    "t.me/+Code"
//   t.me/addlist/Slug                             -> telegram folder    "t.me/addlist/Slug"
//   matrix.to/#/#room:server, riot.im/app/#/room/#room:server, app.element.io/#/room/...,
//   matrix:r/room:server                          -> matrix alias       "matrix:#room:server"
//   matrix.to/#/!id:server                        -> matrix room        "matrix:!id:server"
//   matrix.to/#/@user:server                      -> matrix user        "matrix:@user:server"
//   matrix.to/#/!id:server/$event                 -> matrix post        "matrix:!id:server/$event"
//   https://host/channel/name, /group/name        -> rocketchat channel "rocketchat:host/name"
//   https://host/direct/name                      -> rocketchat user    "rocketchat:host/@name"
//   https://host/invite/Token                     -> rocketchat invite
//   "rocketchat:host/invite/Token" tt.me/name, tt.me/join/Code                   -> tamtam
//   "tt.me/name", "tt.me/join/Code" hoop.photo/..., nandbox.com/name              -> hoop, nandbox
//   anything else                                 -> web: host (lowercased, no www., no default
//                                                    port) + path + query without tracking
//                                                    parameters; the fragment is dropped
// Usernames, hosts and channel names are lowercased; invite codes, room ids and web paths keep
// their case. Normalising a normalised form gives it back unchanged.
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cordon {

struct Link {
  std::string url;         // as written (https:// added when it had no scheme)
  std::string normalized;  // canonical form, see above
  std::string platform;    // telegram, matrix, rocketchat, tamtam, hoop, nandbox, web
  // username, invite, post, folder, phone, channel, room, alias, user, web (a link to the
  // platform that names no target)
  std::string kind;
  std::string target;  // the username, invite code, room id or alias, host/name, ...
};

// Parses one URL (with or without scheme); nullopt when it is not a URL.
std::optional<Link> NormalizeLink(std::string_view url);

// Finds links in free text: http(s)://, tg:// and matrix: URLs, and scheme-less links to the
// known hosts (t.me/..., matrix.to/..., tt.me/..., www.example.org). Stops at spaces (also
// Unicode ones), bidi marks and closing punctuation (also Arabic and CJK); drops trailing
// punctuation and unbalanced brackets; zero-width characters inside a link are removed.
// Each occurrence is returned in order, as written.
std::vector<std::string> ExtractUrls(std::string_view text);

// The href values of the <a> tags in an HTML fragment, entity-decoded, in order.
std::vector<std::string> ExtractHtmlHrefs(std::string_view html);

// Collects the links of one message once each (by normalised form), in the order first seen.
// Not thread-safe.
class LinkList {
 public:
  void Add(std::string url);
  std::vector<std::string> Take() { return std::move(links_); }

 private:
  std::vector<std::string> seen_;  // normalised forms; messages carry few links
  std::vector<std::string> links_;
};

}  // namespace cordon
