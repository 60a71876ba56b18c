// libFuzzer target: `--config` files (util/flag_config.h). Parsing never throws or crashes; an
// error names the file; the words made from a parse are flags of the command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cordon/util/flag_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto values = cordon::ParseFlagConfig(yaml, "fuzz.yaml");
  if (!values.ok()) {
    if (values.status().where().file != "fuzz.yaml") std::abort();
    return 0;
  }
  const std::vector<cordon::ConfigFlag> flags = {
      {"a", true, false, false}, {"b", false, false, false}, {"c", true, true, false}};
  auto args = cordon::ConfigArgs(*values, flags, "fuzz.yaml", "cordon fuzz");
  if (!args.ok()) return 0;
  for (const auto& a : *args) {
    if (a != "--b" && a.rfind("--a=", 0) != 0 && a.rfind("--c=", 0) != 0) std::abort();
  }
  return 0;
}
