// The one rule that keeps the link graph the same on every platform (docs/formats/links.md,
// "Mentions are not links"): a link is an address where content is read or a chat is joined;
// a mention is markup that names a person. The target of a message's markup (Matrix's
// formatted_body hrefs, Telegram's text_link and MessageEntityTextUrl) that is a user is a
// mention and is not stored as a link. A URL written in the text stays a link.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include "cordon/model/links.h"

namespace cordon {

// Whether the target of a markup link names a user (matrix.to/#/@user:server,
// tg://user?id=42, a Rocket.Chat /direct/ link).
inline bool IsMentionHref(std::string_view href) {
  auto link = NormalizeLink(href);
  return link && link->kind == "user";
}

}  // namespace cordon
