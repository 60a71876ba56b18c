// libFuzzer target: the URLs `GET /h/hash?url=` is given (serve/fetch.h). Besides not crashing,
// it checks fetch.h's promises: a parsed URL has an http(s) scheme, a lower-case host, a port in
// range and a path starting with '/'; a URL is allowed under itself as the only prefix, and never
// under an empty list.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cordon/serve/fetch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = cordon::serve::ParseFetchUrl(text);
  if (!url.ok()) return 0;
  if (url->scheme != "http" && url->scheme != "https") std::abort();
  if (url->host.empty() || url->port < 1 || url->port > 65535) std::abort();
  if (url->path.empty() || url->path[0] != '/') std::abort();
  for (char c : url->host) {
    if (c >= 'A' && c <= 'Z') std::abort();
  }
  if (!cordon::serve::FetchAllowed({std::string(text)}, *url)) std::abort();
  if (cordon::serve::FetchAllowed({}, *url)) std::abort();
  return 0;
}
