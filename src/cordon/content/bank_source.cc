#include "cordon/content/bank_source.h"

namespace cordon {

StatusOr<int64_t> StoreBankSource::Generation() { return BankGeneration(store_); }

StatusOr<std::vector<BankInfo>> StoreBankSource::Banks() { return ListBanks(store_); }

Status StoreBankSource::ForEachEntry(const BankInfo& bank,
                                     const std::function<Status(const StoredEntry&)>& f) {
  return cordon::ForEachEntry(store_, bank.name, f);
}

}  // namespace cordon
