// libFuzzer target: takedown CSV (docs/formats/takedown-csv.md). Every row is either parsed or
// reported at a line inside the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cordon/ledger/ledger.h"
#include "cordon/ledger/takedown_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = cordon::ledger::ParseTakedownCsv(text, "fuzz.csv");
  int64_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const auto& row : r.rows) {
    if (row.entity.empty() || row.reason.empty() || row.line < 1 || row.line > lines) std::abort();
    if (!cordon::ledger::IsKnownSource(row.source)) std::abort();
  }
  for (const auto& p : r.problems) {
    if (p.where.line < 1 || p.where.line > lines) std::abort();
  }
  return 0;
}
