// cordon bank import|export|list|add|remove|publish: the banks of known signals
// (docs/matching.md).
//
//   cordon bank import --db F --bank NAME [--format auto|csv|te|te-file|tat|tcap|hma|vpdq]
//                      [--type T] [--label L] [--provenance P] [--strict] FILE
//   cordon bank export --db F --bank NAME [--output FILE]
//   cordon bank list   --db F [--json]
//   cordon bank add    --db F --bank NAME [--label L] [--provenance P] [--type T SIGNAL...]
//   cordon bank remove --db F --bank NAME (--type T SIGNAL... | --whole)
//   cordon bank publish --nats URL --db F [--stream NAME] [--json]   (bank_publish.cc)
// Changes take effect in running matchers (an ingest in progress) without a restart.
#include <fmt/core.h>

#include <cstdio>

#include "bank_publish.h"
#include "command.h"
#include "cordon/content/bank.h"
#include "cordon/content/bank_files.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

constexpr size_t kMaxRejectsShown = 20;
constexpr const char* kFormats = "auto, csv, te, te-file, tat (or tcap), hma, vpdq";

struct Args {
  std::string db, bank, format = "auto", type, label, provenance, file, output;
  std::vector<std::string> signals;
  bool strict = false, json = false, whole = false, quiet = false;
};

std::optional<SignalType> TypeArg(const std::string& s, int& rc) {
  if (s.empty()) return std::nullopt;
  auto t = ParseSignalType(s);
  if (!t) rc = Fail("unknown signal type '" + s + "' (pdq, md5, sha256, text)");
  return t;
}

int Import(const Args& a) {
  int rc = 0;
  ImportOptions opt;
  auto format = ParseBankFormat(a.format);
  if (!format) return Fail("unknown format '" + a.format + "' (" + kFormats + ")");
  opt.format = *format;
  opt.type = TypeArg(a.type, rc);
  if (rc) return rc;
  opt.label = a.label;
  opt.provenance = a.provenance;
  const std::unique_ptr<Progress> progress = MakeTerminalProgress(a.quiet);
  opt.progress = progress.get();
  auto parsed = ReadBankFile(a.file, opt);
  if (!parsed.ok()) return Fail(parsed.status().ToString());
  for (size_t i = 0; i < parsed->rejects.size() && i < kMaxRejectsShown; ++i) {
    fmt::print(stderr, "cordon: rejected {}: {}\n", parsed->rejects[i].where.ToString(),
               parsed->rejects[i].reason);
  }
  if (parsed->rejects.size() > kMaxRejectsShown) {
    fmt::print(stderr, "cordon: ... {} rejected rows in all\n", parsed->rejects.size());
  }
  if (a.strict && !parsed->rejects.empty()) {
    return Fail("nothing imported (--strict): " + std::to_string(parsed->rejects.size()) +
                " rows rejected");
  }
  auto store = Store::Open(a.db);
  if (!store.ok()) return Fail(store.status().ToString());
  const BankInfo info{a.bank, a.label,
                      a.provenance.empty() ? "imported from " + a.file : a.provenance};
  auto n = ImportIntoBank(**store, info, *parsed, BankTimeNow(), progress.get());
  if (!n.ok()) return Fail(n.status().ToString());
  fmt::print("bank {}: {} entries read ({}), {} new, {} rejected, {} removed\n", a.bank,
             parsed->entries.size(), BankFormatName(parsed->format), n->added,
             parsed->rejects.size(), n->removed);
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
  Status s = ExportBankCsv(**store, a.bank, out);
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
    for (const BankInfo& b : *banks) fmt::print("{}\n", BankInfoJson(b));
    return 0;
  }
  fmt::print("{:<24} {:>10}  {:<20} {}\n", "bank", "entries", "label", "provenance");
  for (const BankInfo& b : *banks) {
    fmt::print("{:<24} {:>10}  {:<20} {}\n", b.name, b.entries, b.label, b.provenance);
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
  const BankInfo given{a.bank, a.label, a.provenance};
  auto added =
      DefineBank(**store, given, type.value_or(SignalType::kPdq), a.signals, BankTimeNow());
  if (!added.ok()) return Fail(added.status().ToString());
  if (a.signals.empty()) {
    fmt::print("bank {} ready\n", a.bank);
  } else {
    fmt::print("bank {}: {} new of {}\n", a.bank, *added, a.signals.size());
  }
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
    fmt::print("bank {} removed\n", a.bank);
    return 0;
  }
  std::vector<std::pair<SignalType, std::string>> signals;
  for (const auto& sig : a.signals) signals.emplace_back(*type, sig);
  auto removed = RemoveEntries(**store, a.bank, signals);
  if (!removed.ok()) return Fail(removed.status().ToString());
  fmt::print("bank {}: {} removed\n", a.bank, *removed);
  return 0;
}

std::function<int()> Setup(CLI::App& app) {
  auto a = std::make_shared<Args>();
  app.require_subcommand(1);
  auto db = [&](CLI::App* sub) { sub->add_option("--db", a->db, "database")->required(); };
  CLI::App* imp = app.add_subcommand("import", "Import a bank file (CSV, TE, TCAP, HMA)");
  db(imp);
  imp->add_option("--bank", a->bank, "bank name (created when missing)")->required();
  imp->add_option("--format", a->format, kFormats);
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
  std::function<int()> publish = SetupBankPublish(app);
  CLI::App* pub = app.get_subcommand("publish");
  return [a, imp, exp, list, add, rm, pub, publish]() -> int {
    if (imp->parsed()) return Import(*a);
    if (exp->parsed()) return Export(*a);
    if (list->parsed()) return List(*a);
    if (add->parsed()) return Add(*a);
    if (rm->parsed()) return Remove(*a);
    if (pub->parsed()) return publish();
    return Fail("bank: give a subcommand");
  };
}

CORDON_COMMAND(kBank, "bank", "Banks of known signals: import, export, list, add, remove, publish",
               Setup);

}  // namespace
}  // namespace cordon::cli
