// libFuzzer target: TCAP hash lists (`cordon bank import --format tcap`, content/bank_json.h):
// records, API pages, a page a line.
#include "bank_json_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cordon::fuzz::CheckBankJson(data, size, cordon::BankFormat::kTat);
  return 0;
}
