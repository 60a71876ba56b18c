// The entity keys a person gives the ledger (a command's argument, a row of a takedown CSV).
//
// A ledger entry is evidence that a decision was taken about something: a key that names
// nothing ("foo", a typo, a key of the wrong platform) would record a takedown of nothing.
// Keys are "<platform>:<id>" as the importers form them (model/event.h): platform telegram,
// matrix or rocketchat; an id of 1 to 512 bytes without whitespace or control characters.
// And unless the caller allows it (--force), the store must know the entity: it was seen in
// something ingested (the entities table).
//
// Thread safety: like the Store it reads.
#pragma once

#include <string_view>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon::ledger {

// OK, or InvalidArgument saying which key and why.
Status CheckEntityKeyForm(std::string_view key);
// The form, and unless allow_unknown, that the store knows the entity.
Status CheckEntityKey(Store& store, std::string_view key, bool allow_unknown);

}  // namespace cordon::ledger
