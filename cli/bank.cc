// cordon bank import|export|list|add|remove: the banks of known signals (docs/matching.md).
//
//   cordon bank import --db F --bank NAME [--format auto|csv|te|te-file|tat] [--type T]
//                      [--label L] [--provenance P] [--strict] FILE
//   cordon bank export --db F --bank NAME [--output FILE]
//   cordon bank list   --db F [--json]
//   cordon bank add    --db F --bank NAME [--label L] [--provenance P] [--type T SIGNAL...]
//   cordon bank remove --db F --bank NAME (--type T SIGNAL... | --whole)
//
// Changes take effect in running matchers (an ingest in progress) without a restart.
#include <chrono>
#include <cstdio>
#include <fstream>

#include "command.h"
#include "cordon/content/bank.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/line_reader.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

TimeMs NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kMaxRejectsShown = 20;

struct Args {
  std::string db;
  std::string bank;
  std::string format = "auto";
  std::string type;
  std::string label;
  std::string provenance;
  std::string file;
  std::string output;
  std::vector<std::string> signals;
  bool strict = false;
  bool json = false;
  bool whole = false;
  bool quiet = false;
};

std::optional<SignalType> TypeArg(const std::string& s, int& rc) {
  if (s.empty()) return std::nullopt;
  auto t = ParseSignalType(s);
  if (!t) rc = Fail("unknown signal type '" + s + "' (pdq, md5, sha256, text)");
  return t;
}

// The bank, created with the given label and provenance when missing.
Status EnsureBank(Store& store, const Args& a, const std::string& default_provenance) {
  auto found = FindBank(store, a.bank);
  if (!found.ok()) return found.status();
  if (found->has_value()) return Status::Ok();
  return CreateBank(
      store, {a.bank, a.label, a.provenance.empty() ? default_provenance : a.provenance}, NowMs());
}

int Import(const Args& a) {
  int rc = 0;
  ImportOptions opt;
  auto format = ParseBankFormat(a.format);
  if (!format) return Fail("unknown format '" + a.format + "' (auto, csv, te, te-file, tat)");
  opt.format = *format;
  opt.type = TypeArg(a.type, rc);
  if (rc) return rc;
  opt.label = a.label;
  opt.provenance = a.provenance;
  const std::unique_ptr<Progress> progress = MakeTerminalProgress(a.quiet);
  opt.progress = progress.get();
  std::string content;
  Status s = ReadWholeFile(a.file, size_t{4} << 30, content);
  if (!s.ok()) return Fail(s.ToString());
  auto parsed = ParseBankFile(content, a.file, opt);
  if (!parsed.ok()) return Fail(parsed.status().ToString());
  for (size_t i = 0; i < parsed->rejects.size() && i < kMaxRejectsShown; ++i) {
    std::fprintf(stderr, "cordon: rejected %s: %s\n", parsed->rejects[i].where.ToString().c_str(),
                 parsed->rejects[i].reason.c_str());
  }
  if (parsed->rejects.size() > kMaxRejectsShown) {
    std::fprintf(stderr, "cordon: ... %zu rejected rows in all\n", parsed->rejects.size());
  }
  if (a.strict && !parsed->rejects.empty()) {
    return Fail("nothing imported (--strict): " + std::to_string(parsed->rejects.size()) +
                " rows rejected");
  }
  auto store = Store::Open(a.db);
  if (!store.ok()) return Fail(store.status().ToString());
  s = EnsureBank(**store, a, "imported from " + a.file);
  if (!s.ok()) return Fail(s.ToString());
  auto added = AddEntries(**store, a.bank, parsed->entries, NowMs(), progress.get());
  if (!added.ok()) return Fail(added.status().ToString());
  std::printf("bank %s: %zu entries read (%s), %lld new, %zu rejected\n", a.bank.c_str(),
              parsed->entries.size(), std::string(BankFormatName(parsed->format)).c_str(),
              static_cast<long long>(*added), parsed->rejects.size());
  return 0;
}

int Export(const Args& a) {
  auto store = Store::Open(a.db, OpenMode::kExisting);
  if (!store.ok()) return Fail(store.status().ToString());
  auto found = FindBank(**store, a.bank);
  if (!found.ok()) return Fail(found.status().ToString());
  if (!found->has_value()) return Fail("no bank named '" + a.bank + "'");
  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "wb");
    if (out == nullptr) return Fail("cannot write " + a.output);
  }
  std::string buf;
  AppendCsvHeader(buf);
  Status s = ForEachEntry(**store, a.bank, [&](const StoredEntry& e) {
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
  if (out != stdout && std::fclose(out) != 0 && s.ok()) s = Status::IoError("write failed");
  if (!s.ok()) return Fail(s.ToString());
  return 0;
}

int List(const Args& a) {
  auto store = Store::Open(a.db, OpenMode::kExisting);
  if (!store.ok()) return Fail(store.status().ToString());
  auto banks = ListBanks(**store);
  if (!banks.ok()) return Fail(banks.status().ToString());
  if (a.json) {
    for (const BankInfo& b : *banks) {
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
      std::printf("%s\n", out.c_str());
    }
    return 0;
  }
  std::printf("%-24s %10s  %-20s %s\n", "bank", "entries", "label", "provenance");
  for (const BankInfo& b : *banks) {
    std::printf("%-24s %10lld  %-20s %s\n", b.name.c_str(), static_cast<long long>(b.entries),
                b.label.c_str(), b.provenance.c_str());
  }
  return 0;
}

int Add(const Args& a) {
  int rc = 0;
  auto type = TypeArg(a.type, rc);
  if (rc) return rc;
  if (!a.signals.empty() && !type) return Fail("give --type for the signals");
  auto store = Store::Open(a.db, OpenMode::kExisting);
  if (!store.ok()) return Fail(store.status().ToString());
  auto found = FindBank(**store, a.bank);
  if (!found.ok()) return Fail(found.status().ToString());
  if (!found->has_value() || (a.signals.empty() && (!a.label.empty() || !a.provenance.empty()))) {
    BankInfo info{a.bank, a.label, a.provenance};
    if (found->has_value()) {
      if (a.label.empty()) info.label = (*found)->label;
      if (a.provenance.empty()) info.provenance = (*found)->provenance;
    }
    Status s = CreateBank(**store, info, NowMs());
    if (!s.ok()) return Fail(s.ToString());
  }
  if (a.signals.empty()) {
    std::printf("bank %s ready\n", a.bank.c_str());
    return 0;
  }
  std::vector<BankEntry> entries;
  for (const auto& sig : a.signals) {
    BankEntry e;
    e.type = *type;
    e.signal = sig;
    e.label = a.label;
    e.provenance = a.provenance;
    entries.push_back(std::move(e));
  }
  auto added = AddEntries(**store, a.bank, entries, NowMs());
  if (!added.ok()) return Fail(added.status().ToString());
  std::printf("bank %s: %lld new of %zu\n", a.bank.c_str(), static_cast<long long>(*added),
              entries.size());
  return 0;
}

int Remove(const Args& a) {
  int rc = 0;
  auto type = TypeArg(a.type, rc);
  if (rc) return rc;
  if (a.signals.empty() != a.whole) {
    return Fail(a.whole ? "--whole removes the bank: give no signals with it"
                        : "give --type and signals to remove, or --whole for the bank");
  }
  if (!a.signals.empty() && !type) return Fail("give --type for the signals");
  auto store = Store::Open(a.db, OpenMode::kExisting);
  if (!store.ok()) return Fail(store.status().ToString());
  if (a.whole) {
    Status s = DeleteBank(**store, a.bank);
    if (!s.ok()) return Fail(s.ToString());
    std::printf("bank %s removed\n", a.bank.c_str());
    return 0;
  }
  std::vector<std::pair<SignalType, std::string>> signals;
  for (const auto& sig : a.signals) signals.emplace_back(*type, sig);
  auto removed = RemoveEntries(**store, a.bank, signals);
  if (!removed.ok()) return Fail(removed.status().ToString());
  std::printf("bank %s: %lld removed\n", a.bank.c_str(), static_cast<long long>(*removed));
  return 0;
}

std::function<int()> Setup(CLI::App& app) {
  auto a = std::make_shared<Args>();
  app.require_subcommand(1);
  auto db = [&](CLI::App* sub) { sub->add_option("--db", a->db, "database")->required(); };
  CLI::App* imp = app.add_subcommand("import", "Import a bank file (CSV, ThreatExchange, TAT)");
  db(imp);
  imp->add_option("--bank", a->bank, "bank name (created when missing)")->required();
  imp->add_option("--format", a->format, "auto, csv, te, te-file, tat");
  imp->add_option("--type", a->type, "signal type of rows that do not say: pdq, md5, sha256, text");
  imp->add_option("--label", a->label, "label for rows without one (and a new bank)");
  imp->add_option("--provenance", a->provenance, "where the file came from");
  imp->add_flag("--strict", a->strict, "import nothing when any row is rejected");
  imp->add_flag("--quiet,-q", a->quiet, "no progress bar on stderr");
  imp->add_option("file", a->file, "bank file")->required()->check(CLI::ExistingFile);
  CLI::App* exp = app.add_subcommand("export", "Write a bank as cordon CSV");
  db(exp);
  exp->add_option("--bank", a->bank, "bank name")->required();
  exp->add_option("--output,-o", a->output, "file to write (default: standard output)");
  CLI::App* list = app.add_subcommand("list", "List the banks");
  db(list);
  list->add_flag("--json", a->json, "one JSON object per bank");
  CLI::App* add = app.add_subcommand("add", "Create a bank, or add signals to it");
  db(add);
  add->add_option("--bank", a->bank, "bank name")->required();
  add->add_option("--type", a->type, "type of the signals: pdq, md5, sha256, text");
  add->add_option("--label", a->label, "label");
  add->add_option("--provenance", a->provenance, "provenance");
  add->add_option("signals", a->signals, "signals to add");
  CLI::App* rm = app.add_subcommand("remove", "Remove signals from a bank, or the bank");
  db(rm);
  rm->add_option("--bank", a->bank, "bank name")->required();
  rm->add_option("--type", a->type, "type of the signals");
  rm->add_flag("--whole", a->whole, "remove the bank and all its entries");
  rm->add_option("signals", a->signals, "signals to remove");
  return [a, imp, exp, list, add, rm]() -> int {
    if (imp->parsed()) return Import(*a);
    if (exp->parsed()) return Export(*a);
    if (list->parsed()) return List(*a);
    if (add->parsed()) return Add(*a);
    if (rm->parsed()) return Remove(*a);
    return Fail("bank: give a subcommand");
  };
}

CORDON_COMMAND(kBank, "bank", "Banks of known signals: import, export, list, add, remove", Setup);

}  // namespace
}  // namespace cordon::cli
