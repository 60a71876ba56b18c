// libFuzzer target: HMA bank content (`cordon bank import --format hma`, content/bank_json.h):
// content records as HMA's API answers them, an array or one a line.
#include "bank_json_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cordon::fuzz::CheckBankJson(data, size, cordon::BankFormat::kHma);
  return 0;
}
