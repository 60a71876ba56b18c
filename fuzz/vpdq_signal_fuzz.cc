// libFuzzer target: the vPDQ text forms (content/vpdq.h), ThreatExchange's JSON signal and the
// reference's hash file, as bank imports and /m/lookup?signal_type=vpdq read them. Whatever
// parses must format canonically and parse back to the same canonical text.
#include <cstdint>
#include <string>
#include <string_view>

#include "cordon/content/vpdq.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto check = [](const std::vector<cordon::VpdqFrame>& frames) {
    for (const auto& f : frames) {
      if (f.quality < 0 || f.quality > 100 || f.frame < 0 || !(f.timestamp >= 0)) __builtin_trap();
    }
    const std::string signal = cordon::FormatVpdqSignal(frames);
    auto again = cordon::ParseVpdqSignal(signal);
    if (!frames.empty() && (!again.ok() || cordon::FormatVpdqSignal(*again) != signal)) {
      __builtin_trap();
    }
    const std::string file = cordon::FormatVpdqHashFile(frames);
    auto back = cordon::ParseVpdqHashFile(file, "fuzz");
    if (!back.ok() || cordon::FormatVpdqHashFile(*back) != file) __builtin_trap();
  };
  if (auto s = cordon::ParseVpdqSignal(text, 1000); s.ok()) check(*s);
  if (auto h = cordon::ParseVpdqHashFile(text, "fuzz"); h.ok()) check(*h);
  return 0;
}
