#include "cordon/content/bank_files.h"

#include <chrono>

#include "cordon/util/json_writer.h"
#include "cordon/util/line_reader.h"

namespace cordon {

TimeMs BankTimeNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StatusOr<ParsedBank> ReadBankFile(const std::string& path, const ImportOptions& options) {
  std::string content;
  RETURN_IF_ERROR(ReadWholeFile(path, size_t{4} << 30, content));
  return ParseBankFile(content, path, options);
}

StatusOr<int64_t> AddToBank(Store& store, const BankInfo& bank,
                            const std::vector<BankEntry>& entries, TimeMs now, Progress* progress) {
  ASSIGN_OR_RETURN(std::optional<BankInfo> found, FindBank(store, bank.name));
  if (!found) RETURN_IF_ERROR(CreateBank(store, bank, now));
  return AddEntries(store, bank.name, entries, now, progress);
}

StatusOr<BankImportCounts> ImportIntoBank(Store& store, const BankInfo& bank,
                                          const ParsedBank& parsed, TimeMs now,
                                          Progress* progress) {
  RETURN_IF_ERROR(store.Begin());
  BankImportCounts counts;
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(counts.added, AddToBank(store, bank, parsed.entries, now, progress));
    if (parsed.removals.empty()) return Status::Ok();
    std::vector<std::pair<SignalType, std::string>> gone;
    gone.reserve(parsed.removals.size());
    for (const BankEntry& e : parsed.removals) gone.emplace_back(e.type, e.signal);
    ASSIGN_OR_RETURN(counts.removed, RemoveEntries(store, bank.name, gone));
    return Status::Ok();
  }();
  if (s.ok()) s = store.Commit();
  if (!s.ok()) {
    (void)store.Rollback();
    return s;
  }
  return counts;
}

StatusOr<int64_t> DefineBank(Store& store, const BankInfo& given, SignalType type,
                             const std::vector<std::string>& signals, TimeMs now) {
  ASSIGN_OR_RETURN(std::optional<BankInfo> found, FindBank(store, given.name));
  if (!found || (signals.empty() && (!given.label.empty() || !given.provenance.empty()))) {
    BankInfo info{given.name, given.label, given.provenance};
    if (found) {
      if (given.label.empty()) info.label = found->label;
      if (given.provenance.empty()) info.provenance = found->provenance;
    }
    RETURN_IF_ERROR(CreateBank(store, info, now));
  }
  if (signals.empty()) return 0;
  std::vector<BankEntry> entries;
  for (const auto& sig : signals) {
    BankEntry e;
    e.type = type;
    e.signal = sig;
    e.label = given.label;
    e.provenance = given.provenance;
    entries.push_back(std::move(e));
  }
  return AddEntries(store, given.name, entries, now);
}

std::string BankInfoJson(const BankInfo& b) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Field("name", b.name)
      .Field("label", b.label)
      .Field("provenance", b.provenance)
      .Field("created", b.created)
      .Field("version", b.version)
      .Field("entries", b.entries)
      .EndObject();
  return out;
}

Status ExportBankCsv(Store& store, std::string_view bank, std::FILE* out) {
  std::string buf;
  AppendCsvHeader(buf);
  Status s = ForEachEntry(store, bank, [&](const StoredEntry& e) {
    AppendCsvRow(buf, e.entry);
    if (buf.size() > (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
        return Status::IoError("write failed");
      }
      buf.clear();
    }
    return Status::Ok();
  });
  if (s.ok() && std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
    s = Status::IoError("write failed");
  }
  return s;
}

}  // namespace cordon
