// Finding links in text and normalising them to one form per target.
//
//   t.me/Name, telegram.me/name, https://t.me/s/name   -> telegram username  "t.me/name"
//   t.me/+Code, t.me/joinchat/Code                      -> telegram invite    "t.me/+Code"
//   matrix.to/#/#room:server, riot.im/app/#/room/..., app.element.io/#/room/...
//                                                       -> matrix room        "matrix:#room:server"
//   https://host/channel/name, /group/name              -> rocketchat         "rocketchat:host/name"
//   tt.me/name                                          -> tamtam             "tt.me/name"
// Invite codes keep their case (they are case-sensitive); usernames are lowercased.
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cordon {

struct Link {
  std::string url;         // as written (scheme added when missing)
  std::string normalized;  // canonical form, see above; the lowercased URL for other web links
  std::string platform;    // telegram, matrix, rocketchat, tamtam, hoop, nandbox, web
  std::string kind;        // username, invite, post, room, alias, user, channel, web
  std::string target;      // the username, invite code, room id or alias, host/name
};

// Parses one URL (with or without scheme); nullopt when it is not a URL.
std::optional<Link> NormalizeLink(std::string_view url);

// Finds http(s) URLs and bare t.me/telegram.me/matrix.to/tt.me links in free text.
std::vector<std::string> ExtractUrls(std::string_view text);

}  // namespace cordon
