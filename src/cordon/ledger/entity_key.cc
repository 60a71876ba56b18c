#include "cordon/ledger/entity_key.h"

#include "cordon/model/event.h"
#include "cordon/store/ledger_table.h"

namespace cordon::ledger {
namespace {

constexpr size_t kMaxIdBytes = 512;

std::string Quoted(std::string_view key) {
  // The key as the user typed it, cut short and with control characters shown as '?'.
  std::string s = "'";
  for (char c : key.substr(0, 80)) {
    const unsigned char u = static_cast<unsigned char>(c);
    s += u < 0x20 || u == 0x7f ? '?' : c;
  }
  if (key.size() > 80) s += "...";
  return s + "'";
}

}  // namespace

Status CheckEntityKeyForm(std::string_view key) {
  const Platform platform = PlatformOfKey(key);
  if (platform == Platform::kUnknown) {
    return Status::InvalidArgument(
        "entity key " + Quoted(key) +
        " names no entity: a key is <platform>:<id> with platform telegram, matrix or "
        "rocketchat, e.g. telegram:channel123");
  }
  const std::string_view id = key.substr(PlatformName(platform).size() + 1);
  if (id.empty()) {
    return Status::InvalidArgument("entity key " + Quoted(key) + " has no id after '" +
                                   std::string(PlatformName(platform)) + ":'");
  }
  if (id.size() > kMaxIdBytes) {
    return Status::InvalidArgument("entity key " + Quoted(key) + " is over " +
                                   std::to_string(kMaxIdBytes) + " bytes");
  }
  for (char c : id) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return Status::InvalidArgument("entity key " + Quoted(key) +
                                     " holds whitespace or a control character");
    }
  }
  return Status::Ok();
}

Status CheckEntityKey(Store& store, std::string_view key, bool allow_unknown) {
  RETURN_IF_ERROR(CheckEntityKeyForm(key));
  if (allow_unknown) return Status::Ok();
  ASSIGN_OR_RETURN(const bool known, IsKnownEntity(store, key));
  if (!known) {
    return Status::InvalidArgument("entity " + Quoted(key) + " is not in " + store.path() +
                                   ": nothing ingested mentions it (check the key; --force "
                                   "records it all the same)");
  }
  return Status::Ok();
}

}  // namespace cordon::ledger
