#include "cordon/serve/lookup_index.h"

#include "cordon/content/bank.h"
#include "cordon/content/pdq.h"
#include "cordon/store/serve_tables.h"

namespace cordon::serve {

std::vector<std::string> SplitBankList(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    if (comma > start) out.emplace_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::shared_ptr<const LookupSnapshot> LookupIndex::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

Status LookupIndex::Refresh(Store& store) {
  std::lock_guard refresh(refresh_mu_);
  std::shared_ptr<const LookupSnapshot> old = Current();
  ASSIGN_OR_RETURN(int64_t generation, BankGeneration(store));
  if (loaded() && generation == old->generation) return Status::Ok();
  // One read transaction: the banks, their entries and flags as of one moment.
  RETURN_IF_ERROR(store.BeginRead());
  auto built = [&]() -> StatusOr<std::shared_ptr<LookupSnapshot>> {
    auto next = std::make_shared<LookupSnapshot>();
    ASSIGN_OR_RETURN(next->generation, BankGeneration(store));
    ASSIGN_OR_RETURN(std::vector<BankInfo> banks, ListBanks(store));
    ASSIGN_OR_RETURN(auto flags, ReadBankMatching(store));
    for (const BankInfo& info : banks) {
      LookupSnapshot::Entry entry;
      auto flag = flags.find(info.name);
      entry.enabled = flag == flags.end() || flag->second;
      auto was = old->banks.find(info.name);
      if (was != old->banks.end() && was->second.bank->version == info.version) {
        entry.bank = was->second.bank;
      } else {
        auto bank = std::make_shared<LookupBank>();
        bank->version = info.version;
        std::vector<PdqHash> hashes;
        RETURN_IF_ERROR(ForEachBankPdqId(store, info.name, [&](int64_t id, std::string_view s) {
          auto h = PdqHash::FromHex(s);
          if (!h.ok()) return Status::Ok();  // stored signals are canonical; skip if not
          hashes.push_back(*h);
          bank->ids.push_back(id);
          return Status::Ok();
        }));
        bank->index = PdqIndex(std::move(hashes), options_);
        entry.bank = std::move(bank);
      }
      next->entries += entry.bank->ids.size();
      next->banks.emplace(info.name, std::move(entry));
    }
    return next;
  }();
  Status end = store.Commit();
  if (!built.ok()) return built.status();
  RETURN_IF_ERROR(end);
  {
    std::lock_guard lock(mu_);
    current_ = std::move(*built);
  }
  old.reset();
  reloads_.fetch_add(1, std::memory_order_relaxed);
  loaded_.store(true, std::memory_order_release);
  return Status::Ok();
}

}  // namespace cordon::serve
