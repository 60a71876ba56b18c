// UTF-8 validation and repair.
#pragma once

#include <string>
#include <string_view>

namespace cordon {

bool IsValidUtf8(std::string_view s);
// Replaces every invalid or truncated sequence with U+FFFD; valid text is returned unchanged.
std::string RepairUtf8(std::string_view s);

}  // namespace cordon
