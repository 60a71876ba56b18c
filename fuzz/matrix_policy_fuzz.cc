// libFuzzer target: the Matrix policy-room state parser and the glob matcher
// (connect/policy_rules.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cordon/connect/policy_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto state = cordon::connect::ParsePolicyState(in);
  if (state.ok()) {
    for (const auto& r : state->rules) {
      (void)cordon::connect::GlobMatch(r.row.entity, "@user:server.example");
      (void)cordon::connect::RuleForTakedown("matrix:" + r.row.entity, r.row.reason);
    }
  }
  const size_t half = size / 2;
  (void)cordon::connect::GlobMatch(in.substr(0, half), in.substr(half));
  return 0;
}
