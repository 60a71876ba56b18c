// What the JSON hash-list readers (content/bank_json.h) must hold for any bytes: the file never
// fails as a whole, every entry and removal is canonical, a signal is never both added and
// removed, every reject names the file and says why. Aborts otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "cordon/content/bank.h"

namespace cordon::fuzz {

inline void CheckBankJson(const uint8_t* data, size_t size, BankFormat format) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ImportOptions opt;
  opt.format = format;
  opt.now = 1700000000000;
  auto parsed = ParseBankFile(bytes, "fuzz.json", opt);
  if (!parsed.ok()) std::abort();
  std::set<std::string> added;
  for (const auto& e : parsed->entries) {
    auto c = CanonicalSignal(e.type, e.signal);
    if (!c.ok() || *c != e.signal) std::abort();
    added.insert(std::string(SignalTypeName(e.type)) + " " + e.signal);
  }
  for (const auto& e : parsed->removals) {
    if (!CanonicalSignal(e.type, e.signal).ok()) std::abort();
    if (added.count(std::string(SignalTypeName(e.type)) + " " + e.signal) != 0) std::abort();
  }
  for (const auto& r : parsed->rejects) {
    if (r.where.file != "fuzz.json" || r.reason.empty()) std::abort();
  }
}

}  // namespace cordon::fuzz
