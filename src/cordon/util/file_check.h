// Why a path cannot be read as an input file, in words a newcomer can act on.
#pragma once

#include <string>

#include "cordon/util/status.h"

namespace cordon {

// Empty when `path` names a regular file this process may read (after following symbolic
// links); otherwise why not: no such file, a dangling symbolic link, a directory, a FIFO, socket
// or device, or permission denied. Never opens the file, so a FIFO cannot block the caller.
std::string UnreadableReason(const std::string& path);

// The same as a Status: an IoError "cannot read file: <reason>" located at `path`.
Status CheckReadableFile(const std::string& path);

}  // namespace cordon
