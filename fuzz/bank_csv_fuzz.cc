// libFuzzer target: bank files (cordon CSV, ThreatExchange CSV and file, TCAP and HMA JSON).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cordon/content/bank.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using cordon::BankFormat;
  for (BankFormat f : {BankFormat::kAuto, BankFormat::kCsv, BankFormat::kThreatExchange,
                       BankFormat::kTeFile, BankFormat::kTat, BankFormat::kHma}) {
    cordon::ImportOptions opt;
    opt.format = f;
    if (f == BankFormat::kThreatExchange) opt.type = cordon::SignalType::kText;
    auto parsed = cordon::ParseBankFile(bytes, "fuzz.csv", opt);
    if (!parsed.ok()) continue;
    // What was accepted must export and import back to the same entries.
    std::string csv;
    cordon::AppendCsvHeader(csv);
    for (const auto& e : parsed->entries) cordon::AppendCsvRow(csv, e);
    auto again = cordon::ParseBankFile(csv, "fuzz-export.csv", {});
    if (!again.ok() || !again->rejects.empty() || again->entries.size() != parsed->entries.size()) {
      __builtin_trap();
    }
    for (size_t i = 0; i < again->entries.size(); ++i) {
      if (again->entries[i].signal != parsed->entries[i].signal ||
          again->entries[i].label != parsed->entries[i].label ||
          again->entries[i].provenance != parsed->entries[i].provenance) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
