// Files an ingest could not read at all (a Telegram export whose root has no `id`, a file no
// importer recognises), kept in table failed_files by the same identity as files read whole
// (store.h, FileIdentity) and the format the user chose ("" when detected). A later ingest of
// the same bytes with the same choice skips the file and says why once, instead of failing
// again; a changed file, another --format, or `cordon ingest --retry-failed` reads it again.
//
// Thread safety: as Store (one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// The reason the file failed before, when this identity failed with this format choice.
StatusOr<std::optional<std::string>> FailedBefore(Store& store, const FileIdentity& file,
                                                  std::string_view format);
// Records the failure (replacing an earlier one for the path and format).
Status MarkFileFailed(Store& store, const FileIdentity& file, std::string_view format,
                      std::string_view reason, TimeMs now);
// Forgets every failure recorded for the path: it has been read since.
Status ClearFileFailed(Store& store, const FileIdentity& file);

}  // namespace cordon
