// libFuzzer target: policy rules files (YAML, docs/formats/policy.md). Parsing and validation
// must never throw, crash or hang, and every problem must carry a location.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cordon/enforce/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<cordon::Status> problems;
  auto p = cordon::enforce::ParsePolicy(std::string_view(reinterpret_cast<const char*>(data), size),
                                        "fuzz.yaml", &problems);
  if (p.ok() != problems.empty()) std::abort();
  for (const auto& s : problems) {
    if (s.where().file != "fuzz.yaml") std::abort();
  }
  if (p.ok()) {
    for (const auto& r : p->rules) {
      if (r.name.empty() || (r.on != "regeneration" && r.on != "match")) std::abort();
    }
  }
  return 0;
}
