// cordon events v1: one JSON object per line, "type" first (docs/events.md).
#pragma once

#include <string>

#include "cordon/model/event.h"

namespace cordon {

// Appends one event as a single line of cordon events v1 JSON, with a trailing '\n'.
void AppendEventJson(const Event& event, std::string& out);

}  // namespace cordon
