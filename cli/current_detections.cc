// Shared by the commands that read stored regeneration detections (report, impact, policy).
#include <fmt/core.h>

#include <cstdio>

#include "command.h"
#include "cordon/enforce/stage.h"

namespace cordon::cli {

StatusOr<std::string> UseCurrentDetections(Store& store, Progress* progress) {
  ASSIGN_OR_RETURN(std::string note, enforce::UseCurrentDetections(store, progress));
  if (!note.empty()) fmt::print(stderr, "cordon: note: {}\n", note);
  return note;
}

}  // namespace cordon::cli
