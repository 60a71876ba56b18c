#include "cordon/model/event.h"

namespace cordon {

std::string_view PlatformName(Platform p) {
  switch (p) {
    case Platform::kTelegram:
      return "telegram";
    case Platform::kMatrix:
      return "matrix";
    case Platform::kRocketChat:
      return "rocketchat";
    case Platform::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view EntityKindName(EntityKind k) {
  switch (k) {
    case EntityKind::kChannel:
      return "channel";
    case EntityKind::kGroup:
      return "group";
    case EntityKind::kUser:
      return "user";
    case EntityKind::kBot:
      return "bot";
    case EntityKind::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view MemberActionName(MemberAction a) {
  switch (a) {
    case MemberAction::kJoin:
      return "join";
    case MemberAction::kLeave:
      return "leave";
    case MemberAction::kAdmin:
      return "admin";
    case MemberAction::kCreator:
      return "creator";
    case MemberAction::kBan:
      return "ban";
  }
  return "join";
}

std::optional<EntityKind> ParseEntityKind(std::string_view s) {
  if (s == "channel") return EntityKind::kChannel;
  if (s == "group") return EntityKind::kGroup;
  if (s == "user") return EntityKind::kUser;
  if (s == "bot") return EntityKind::kBot;
  return std::nullopt;
}

std::optional<MemberAction> ParseMemberAction(std::string_view s) {
  if (s == "join") return MemberAction::kJoin;
  if (s == "leave") return MemberAction::kLeave;
  if (s == "admin") return MemberAction::kAdmin;
  if (s == "creator") return MemberAction::kCreator;
  if (s == "ban") return MemberAction::kBan;
  return std::nullopt;
}

Platform PlatformOfKey(std::string_view key) {
  if (key.starts_with("telegram:")) return Platform::kTelegram;
  if (key.starts_with("matrix:")) return Platform::kMatrix;
  if (key.starts_with("rocketchat:")) return Platform::kRocketChat;
  return Platform::kUnknown;
}

TimeMs EventTime(const Event& e) {
  return std::visit([](const auto& v) { return v.time; }, e);
}

}  // namespace cordon
