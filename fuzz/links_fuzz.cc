// libFuzzer target: link extraction and normalisation. Besides not crashing, it checks the
// promises of links.h: every extracted link normalises, and normalising is idempotent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cordon/model/links.h"

namespace {

void CheckIdempotent(std::string_view url) {
  auto l = cordon::NormalizeLink(url);
  if (!l) return;
  auto again = cordon::NormalizeLink(l->normalized);
  if (!again || again->normalized != l->normalized || again->kind != l->kind ||
      again->platform != l->platform || again->target != l->target) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckIdempotent(text);
  for (const auto& url : cordon::ExtractUrls(text)) {
    if (!cordon::NormalizeLink(url)) std::abort();
    CheckIdempotent(url);
  }
  for (const auto& href : cordon::ExtractHtmlHrefs(text)) CheckIdempotent(href);
  return 0;
}
