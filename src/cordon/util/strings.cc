#include "cordon/util/strings.h"

namespace cordon {

std::string_view Trim(std::string_view s, std::string_view chars) {
  const size_t a = s.find_first_not_of(chars);
  if (a == std::string_view::npos) return s.substr(s.size());
  const size_t b = s.find_last_not_of(chars);
  return s.substr(a, b - a + 1);
}

std::string ToLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

}  // namespace cordon
