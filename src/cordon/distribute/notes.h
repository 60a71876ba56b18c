// The notes of a cordon stream (NAME.notes): what ingest records in the store besides events,
// as one JSON object each (docs/formats/stream.md): a rejected record, a weird, a file read
// whole. Publishers write them; workers apply them to the store.
// Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include "cordon/store/store.h"

namespace cordon::distribute {

std::string RejectNote(const Location& where, std::string_view reason);
std::string WeirdNote(const Location& where, std::string_view name, std::string_view what);
std::string FileNote(const FileIdentity& file, std::string_view importer, int64_t events,
                     int64_t rejected);

// Records a note in the store, as ingest would have (inside the caller's transaction). A note
// that does not parse is Corrupt, and changes nothing.
Status ApplyNote(Store& store, std::string_view note);

}  // namespace cordon::distribute
