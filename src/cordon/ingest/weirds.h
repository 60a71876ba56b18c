// The names of weirds: oddities in input that an importer survives (zeek's "weird"). A weird
// is stored with its name, which is stable and counted by `cordon stats` and `cordon ingest`,
// and a sentence for a human (which may quote the input). Every name an importer reports is
// one of kAllWeirds; docs/weirds.md explains each (a test keeps the two in step).
#pragma once

#include <array>
#include <string_view>

namespace cordon::weird {

// Any input.
inline constexpr std::string_view kInvalidUtf8Repaired = "invalid_utf8_repaired";
inline constexpr std::string_view kNegativeCountIgnored = "negative_count_ignored";
inline constexpr std::string_view kUnknownEventType = "unknown_event_type";
// Media files named by input (ingest/media_files.h).
inline constexpr std::string_view kMediaUrlNotFetched = "media_url_not_fetched";
inline constexpr std::string_view kMediaPathInvalid = "media_path_invalid";
inline constexpr std::string_view kMediaOutsideRoot = "media_outside_root";
inline constexpr std::string_view kMediaSymlinkEscape = "media_symlink_escape";
inline constexpr std::string_view kMediaMissing = "media_missing";
inline constexpr std::string_view kMediaNotRegular = "media_not_regular";
inline constexpr std::string_view kMediaUnreadable = "media_unreadable";
inline constexpr std::string_view kMediaVideoUndecodable = "media_video_undecodable";
// Telegram (Desktop exports and collection-tool NDJSON).
inline constexpr std::string_view kEmptyMessage = "telegram_empty_message";
inline constexpr std::string_view kUrlEntityOutsideText = "telegram_url_entity_outside_text";
inline constexpr std::string_view kServiceWithoutAction = "telegram_service_without_action";
inline constexpr std::string_view kServiceActionNotMapped = "telegram_service_action_not_mapped";
inline constexpr std::string_view kLocalTimeAsUtc = "telegram_local_time_as_utc";
inline constexpr std::string_view kUnsupportedMessage = "telegram_unsupported_message";
inline constexpr std::string_view kUnknownMessageType = "telegram_unknown_message_type";
inline constexpr std::string_view kPeerNotMapped = "telegram_peer_not_mapped";
// Telegram Bot API updates.
inline constexpr std::string_view kBotUpdateNotRead = "telegram_bot_update_not_read";
// Matrix.
inline constexpr std::string_view kMatrixRedaction = "matrix_redaction_not_applied";
inline constexpr std::string_view kMatrixPolicyRule = "matrix_policy_rule";
inline constexpr std::string_view kMatrixEncrypted = "matrix_encrypted_event";
inline constexpr std::string_view kMatrixEventTypeNotRead = "matrix_event_type_not_read";
inline constexpr std::string_view kMatrixEditSkipped = "matrix_edit_skipped";
inline constexpr std::string_view kMatrixRedactedEvent = "matrix_redacted_event";
inline constexpr std::string_view kMatrixMsgtypeAsText = "matrix_msgtype_as_text";
inline constexpr std::string_view kMatrixInvite = "matrix_invite";
inline constexpr std::string_view kMatrixInvitedRoomState = "matrix_invited_room_state";
inline constexpr std::string_view kMatrixKnock = "matrix_knock";
inline constexpr std::string_view kMatrixMembershipNotRead = "matrix_membership_not_read";
inline constexpr std::string_view kMatrixSyncGap = "matrix_sync_gap";
// Rocket.Chat.
inline constexpr std::string_view kRocketHiddenMessage = "rocketchat_hidden_message";
inline constexpr std::string_view kRocketDeletedMessage = "rocketchat_deleted_message";
inline constexpr std::string_view kRocketUsernameOnly = "rocketchat_username_only";
inline constexpr std::string_view kRocketRoleNotRead = "rocketchat_role_not_read";
inline constexpr std::string_view kRocketRemovedMessage = "rocketchat_removed_message";
inline constexpr std::string_view kRocketSystemMessage = "rocketchat_system_message_not_read";
inline constexpr std::string_view kRocketSyncGap = "rocketchat_sync_gap";

inline constexpr std::array kAllWeirds = {
    kInvalidUtf8Repaired,     kNegativeCountIgnored,
    kUnknownEventType,        kMediaUrlNotFetched,
    kMediaPathInvalid,        kMediaOutsideRoot,
    kMediaSymlinkEscape,      kMediaMissing,
    kMediaNotRegular,         kMediaUnreadable,
    kMediaVideoUndecodable,   kEmptyMessage,
    kUrlEntityOutsideText,    kServiceWithoutAction,
    kServiceActionNotMapped,  kLocalTimeAsUtc,
    kUnsupportedMessage,      kUnknownMessageType,
    kPeerNotMapped,           kBotUpdateNotRead,
    kMatrixRedaction,         kMatrixPolicyRule,
    kMatrixEncrypted,         kMatrixEventTypeNotRead,
    kMatrixEditSkipped,       kMatrixRedactedEvent,
    kMatrixMsgtypeAsText,     kMatrixInvite,
    kMatrixInvitedRoomState,  kMatrixKnock,
    kMatrixMembershipNotRead, kMatrixSyncGap,
    kRocketHiddenMessage,     kRocketDeletedMessage,
    kRocketUsernameOnly,      kRocketRoleNotRead,
    kRocketRemovedMessage,    kRocketSystemMessage,
    kRocketSyncGap,
};

}  // namespace cordon::weird
