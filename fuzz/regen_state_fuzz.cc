// libFuzzer target: the regeneration detector's saved state (RegenDetector::Restore), read
// back from a store whose file anyone with disk access could have altered.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cordon/enforce/regen.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto restored = cordon::enforce::RegenDetector::Restore({}, bytes);
  if (!restored.ok()) return 0;
  // A state that was accepted is usable: it takes events and saves again.
  cordon::EntityEvent e;
  e.key = "telegram:channel1";
  e.kind = cordon::EntityKind::kChannel;
  e.name = "a fuzzed channel";
  e.time = 1572566400000;
  (*restored)->OnEvent(e);
  cordon::TakedownEvent t{"telegram:channel1", 1572566400001, "tos", "platform"};
  (*restored)->OnEvent(t);
  (*restored)->Flush();
  std::string again;
  if (!(*restored)->SaveState(again).ok()) __builtin_trap();
  if (!cordon::enforce::RegenDetector::Restore({}, again).ok()) __builtin_trap();
  return 0;
}
