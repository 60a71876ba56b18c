// Byte-wise ASCII string helpers. No locale: bytes outside ASCII pass through unchanged.
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cordon {

// The characters the C locale's isspace accepts.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";

// `s` without the leading and trailing characters that are in `chars`. A view into `s`.
std::string_view Trim(std::string_view s, std::string_view chars = kAsciiSpace);

// `s` with A-Z mapped to a-z.
std::string ToLower(std::string_view s);

}  // namespace cordon
