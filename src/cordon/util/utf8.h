// UTF-8 validation and repair.
#pragma once

#include <string>
#include <string_view>

namespace cordon {

bool IsValidUtf8(std::string_view s);
// Replaces every invalid or truncated sequence with U+FFFD; valid text is returned unchanged.
std::string RepairUtf8(std::string_view s);

// The UTF-8 byte order mark that Windows tools and spreadsheets put at the start of a file.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Removes a leading byte order mark; returns whether there was one.
bool StripUtf8Bom(std::string_view& s);
bool StripUtf8Bom(std::string& s);

}  // namespace cordon
