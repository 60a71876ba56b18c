#include "cordon/content/bank.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "cordon/content/bank_json.h"
#include "cordon/content/text.h"
#include "cordon/content/vpdq.h"
#include "cordon/util/csv.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_fields.h"
#include "cordon/util/progress.h"
#include "cordon/util/strings.h"
#include "cordon/util/utf8.h"

namespace cordon {

namespace {

std::string HexOf(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

std::string_view SignalTypeName(SignalType t) {
  switch (t) {
    case SignalType::kPdq:
      return "pdq";
    case SignalType::kMd5:
      return "md5";
    case SignalType::kSha256:
      return "sha256";
    case SignalType::kText:
      return "text";
    case SignalType::kVpdq:
      return "vpdq";
  }
  return "?";
}

std::optional<SignalType> ParseSignalType(std::string_view s) {
  std::string l = ToLower(Trim(s));
  if (l == "vpdq" || l == "video_vpdq" || l == "videovpdq" || l == "hash_video_vpdq") {
    return SignalType::kVpdq;
  }
  if (l == "pdq" || l == "imagepdq" || l == "photo_pdq" || l == "pdq_photo")
    return SignalType::kPdq;
  if (l == "md5" || l == "photo_md5" || l == "video_md5" || l == "videomd5" || l == "imagemd5") {
    return SignalType::kMd5;
  }
  if (l == "sha256" || l == "sha-256" || l == "photo_sha256" || l == "video_sha256") {
    return SignalType::kSha256;
  }
  if (l == "text" || l == "raw_text" || l == "rawtext") return SignalType::kText;
  return std::nullopt;
}

StatusOr<std::string> CanonicalSignal(SignalType type, std::string_view value) {
  if (type == SignalType::kText) {
    if (!IsValidUtf8(value)) return Status::InvalidArgument("text signal is not valid UTF-8");
    if (NormalizeText(value).empty()) {
      return Status::InvalidArgument("text signal has no letters or digits");
    }
    return std::string(value);
  }
  if (type == SignalType::kVpdq) {
    std::string_view v = Trim(value);
    // ThreatExchange's JSON form, or the reference tool's hash file text.
    auto frames =
        !v.empty() && v.front() == '[' ? ParseVpdqSignal(v) : ParseVpdqHashFile(v, "vpdq signal");
    if (!frames.ok()) return Status::InvalidArgument(frames.status().message());
    if (frames->empty()) return Status::InvalidArgument("vpdq signal has no frames");
    if (frames->size() > kMaxVpdqSignalFrames) {
      return Status::InvalidArgument("vpdq signal has too many frames");
    }
    return FormatVpdqSignal(*frames);
  }
  std::string_view v = Trim(value);
  const size_t want = type == SignalType::kMd5 ? 32 : 64;
  if (!IsHex(v, want)) {
    return Status::InvalidArgument(std::string(SignalTypeName(type)) + " signal must be " +
                                   std::to_string(want) + " hex digits, got '" +
                                   std::string(v.substr(0, 80)) + "'");
  }
  return ToLower(v);
}

Status CreateBank(Store& store, const BankInfo& bank, TimeMs now) {
  if (Trim(bank.name).empty() || bank.name != Trim(bank.name)) {
    return Status::InvalidArgument("bank name must be non-empty without surrounding spaces");
  }
  BankChange change(store);
  RETURN_IF_ERROR(change.status());
  BankInfo row = bank;
  if (row.created == 0) row.created = now;
  RETURN_IF_ERROR(UpsertBank(store, row));
  RETURN_IF_ERROR(BumpBankGeneration(store, bank.name).status());
  return change.Commit();
}

Status DeleteBank(Store& store, std::string_view name) {
  BankChange change(store);
  RETURN_IF_ERROR(change.status());
  RETURN_IF_ERROR(BumpBankGeneration(store, name).status());
  ASSIGN_OR_RETURN(const bool deleted, DeleteBankRows(store, name));
  if (!deleted) return Status::NotFound("no bank named '" + std::string(name) + "'");
  return change.Commit();
}

StatusOr<std::vector<BankInfo>> ListBanks(Store& store) { return ReadBanks(store); }

StatusOr<std::optional<BankInfo>> FindBank(Store& store, std::string_view name) {
  ASSIGN_OR_RETURN(std::vector<BankInfo> all, ListBanks(store));
  for (auto& b : all) {
    if (b.name == name) return std::optional<BankInfo>(std::move(b));
  }
  return std::optional<BankInfo>();
}

StatusOr<int64_t> AddEntries(Store& store, std::string_view bank,
                             const std::vector<BankEntry>& entries, TimeMs now,
                             Progress* progress) {
  // Check everything before writing anything.
  std::vector<std::string> canon(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto c = CanonicalSignal(entries[i].type, entries[i].signal);
    if (!c.ok()) {
      return Status::InvalidArgument("entry " + std::to_string(i + 1) + ": " +
                                     c.status().message());
    }
    canon[i] = std::move(*c);
  }
  BankChange change(store);
  RETURN_IF_ERROR(change.status());
  ASSIGN_OR_RETURN(const bool exists, BumpBankGeneration(store, bank));
  if (!exists) {
    return Status::NotFound("no bank named '" + std::string(bank) +
                            "' (cordon bank add creates it)");
  }
  ASSIGN_OR_RETURN(int64_t before, CountBankEntries(store, bank));
  BankEntryWriter writer(store);
  RETURN_IF_ERROR(writer.status());
  ProgressStep step(progress, "bank: storing", static_cast<int64_t>(entries.size()), "entries",
                    1024);
  BankEntryRow row;
  for (size_t i = 0; i < entries.size(); ++i) {
    step.Advance();
    const BankEntry& e = entries[i];
    row.signal_type = SignalTypeName(e.type);
    row.signal = canon[i];
    row.label = e.label;
    row.provenance = e.provenance;
    row.added = e.added != 0 ? e.added : now;
    row.digest.clear();
    row.fingerprint.clear();
    if (e.type == SignalType::kText) {
      std::string norm = NormalizeText(canon[i]);
      row.digest = TextDigest(norm);
      row.fingerprint = HexOf(SerializeFingerprint(FingerprintText(norm)));
    } else if (e.type == SignalType::kVpdq) {
      row.digest = DigestBytes(canon[i]).sha256;  // names the video in matches
    }
    RETURN_IF_ERROR(writer.Put(bank, row));
  }
  ASSIGN_OR_RETURN(int64_t after, CountBankEntries(store, bank));
  RETURN_IF_ERROR(change.Commit());
  return after - before;
}

StatusOr<int64_t> RemoveEntries(Store& store, std::string_view bank,
                                const std::vector<std::pair<SignalType, std::string>>& signals) {
  BankChange change(store);
  RETURN_IF_ERROR(change.status());
  ASSIGN_OR_RETURN(const bool exists, BumpBankGeneration(store, bank));
  if (!exists) return Status::NotFound("no bank named '" + std::string(bank) + "'");
  // A bad signal fails the call, and the change rolls back, before anything is deleted.
  std::vector<BankSignalKey> keys;
  keys.reserve(signals.size());
  for (const auto& [type, value] : signals) {
    ASSIGN_OR_RETURN(std::string canon, CanonicalSignal(type, value));
    keys.push_back({std::string(SignalTypeName(type)), std::move(canon)});
  }
  ASSIGN_OR_RETURN(int64_t removed, DeleteBankEntryRows(store, bank, keys));
  RETURN_IF_ERROR(change.Commit());
  return removed;
}

Status ForEachEntry(Store& store, std::string_view bank,
                    const std::function<Status(const StoredEntry&)>& f) {
  StoredEntry e;
  return ForEachBankEntryRow(store, bank, [&](const BankEntryRow& row) -> Status {
    auto type = ParseSignalType(row.signal_type);
    if (!type) {
      return Status::Corrupt("bank '" + std::string(bank) + "' has an entry of unknown type '" +
                             row.signal_type + "'");
    }
    e.entry.type = *type;
    e.entry.signal = row.signal;
    e.entry.label = row.label;
    e.entry.provenance = row.provenance;
    e.entry.added = row.added;
    e.digest = row.digest;
    e.fingerprint = row.fingerprint;
    return f(e);
  });
}

StatusOr<int64_t> BankGeneration(Store& store) { return ReadBankGeneration(store); }

// --- Import ----------------------------------------------------------------------------------

std::string_view BankFormatName(BankFormat f) {
  switch (f) {
    case BankFormat::kAuto:
      return "auto";
    case BankFormat::kCsv:
      return "csv";
    case BankFormat::kThreatExchange:
      return "te";
    case BankFormat::kTeFile:
      return "te-file";
    case BankFormat::kTat:
      return "tat";
    case BankFormat::kVpdqHashFile:
      return "vpdq";
    case BankFormat::kHma:
      return "hma";
  }
  return "?";
}

std::optional<BankFormat> ParseBankFormat(std::string_view s) {
  for (BankFormat f :
       {BankFormat::kAuto, BankFormat::kCsv, BankFormat::kThreatExchange, BankFormat::kTeFile,
        BankFormat::kTat, BankFormat::kVpdqHashFile, BankFormat::kHma}) {
    if (s == BankFormatName(f)) return f;
  }
  if (s == "tcap") return BankFormat::kTat;  // TAT's platform: the same hash list
  return std::nullopt;
}

namespace {

// Bank CSV is read strictly: a malformed record is rejected, not guessed at.
std::string CsvErrorText(CsvError e) {
  switch (e) {
    case CsvError::kNone:
      return "";
    case CsvError::kUnterminatedQuote:
      return "quoted field not closed before the end of the file";
    case CsvError::kTextAfterQuote:
      return "text after a closing quote";
    case CsvError::kQuoteInField:
      return "quote inside an unquoted field";
    case CsvError::kLoneCarriageReturn:
      return "carriage return without a line feed";
    case CsvError::kRecordTooLong:
      return "record too long";  // unseen: no limit is set here
  }
  return "";
}

std::string JoinProvenance(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

class Importer {
 public:
  Importer(const std::string& name, const ImportOptions& opt, ParsedBank& out)
      : name_(name), opt_(opt), out_(out) {}

  // Rows report the byte where they start to the progress step, if any.
  void set_progress(ProgressStep* step) { step_ = step; }
  void Reached(int64_t offset) {
    if (step_ != nullptr && offset >= 0) step_->Set(offset);
  }

  void Reject(int64_t line, int64_t offset, std::string reason) {
    Reached(offset);
    out_.rejects.push_back({Location{name_, line, offset}, std::move(reason)});
  }

  // Checks and adds one entry, or rejects the row when the signal is bad.
  void Add(const CsvRecord& r, SignalType type, std::string_view signal, std::string_view label,
           std::string_view provenance, TimeMs added) {
    Reached(r.offset);
    auto c = CanonicalSignal(type, signal);
    if (!c.ok()) return Reject(r.line, r.offset, c.status().message());
    BankEntry e;
    e.type = type;
    e.signal = std::move(*c);
    // Stored as valid UTF-8, as every CSV and report will show it (util/utf8.h).
    e.label = RepairUtf8(label.empty() ? opt_.label : label);
    e.provenance = RepairUtf8(JoinProvenance({opt_.provenance, provenance}));
    e.added = added;
    out_.entries.push_back(std::move(e));
  }

  void Csv(std::string_view data) {
    CsvReader reader(data);
    CsvRecord r;
    int type_col = -1, signal_col = -1, label_col = -1, prov_col = -1, added_col = -1;
    std::vector<std::string> header;
    bool have_header = false;
    while (reader.Next(r)) {
      if (r.error != CsvError::kNone) {
        Reject(r.line, r.offset, CsvErrorText(r.error));
        continue;
      }
      if (!have_header) {
        for (size_t i = 0; i < r.fields.size(); ++i) {
          std::string h = ToLower(Trim(r.fields[i]));
          int col = static_cast<int>(i);
          if (h == "signal_type" || h == "type") {
            type_col = col;
          } else if (h == "signal" || h == "hash" || h == "value") {
            signal_col = col;
          } else if (h == "label") {
            label_col = col;
          } else if (h == "provenance") {
            prov_col = col;
          } else if (h == "added") {
            added_col = col;
          }
          header.push_back(std::move(h));
        }
        have_header = true;
        if (signal_col < 0 || (type_col < 0 && !opt_.type)) {
          Reject(
              r.line,
              r.offset, "header must name signal_type and signal (or give --type), found '" + [&] {
                std::string h;
                for (const auto& f : r.fields) h += (h.empty() ? "" : ",") + f;
                return h;
              }() + "'");
          return;
        }
        continue;
      }
      if (r.fields.size() != header.size()) {
        Reject(r.line, r.offset,
               "expected " + std::to_string(header.size()) + " fields, found " +
                   std::to_string(r.fields.size()));
        continue;
      }
      // Export guards cells against formula injection (util/csv.h); read them back as written.
      for (std::string& f : r.fields) f.erase(0, f.size() - StripCsvFormulaGuard(f).size());
      std::optional<SignalType> type = opt_.type;
      if (type_col >= 0) {
        type = ParseSignalType(r.fields[static_cast<size_t>(type_col)]);
        if (!type) {
          Reject(r.line, r.offset,
                 "unknown signal_type '" + r.fields[static_cast<size_t>(type_col)] + "'");
          continue;
        }
      }
      TimeMs added = 0;
      if (added_col >= 0) {
        std::string_view a = Trim(r.fields[static_cast<size_t>(added_col)]);
        if (!a.empty()) {
          auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), added);
          if (ec != std::errc() || p != a.data() + a.size()) {
            Reject(r.line, r.offset,
                   "added must be milliseconds since the epoch, got '" + std::string(a) + "'");
            continue;
          }
        }
      }
      std::string extra;
      for (size_t i = 0; i < header.size(); ++i) {
        int col = static_cast<int>(i);
        if (col == type_col || col == signal_col || col == label_col || col == prov_col ||
            col == added_col || r.fields[i].empty()) {
          continue;
        }
        extra = JoinProvenance({extra, header[i] + "=" + r.fields[i]});
      }
      std::string_view prov;
      if (prov_col >= 0) prov = r.fields[static_cast<size_t>(prov_col)];
      Add(r, *type, r.fields[static_cast<size_t>(signal_col)],
          label_col >= 0 ? std::string_view(r.fields[static_cast<size_t>(label_col)]) : "",
          JoinProvenance({prov, extra}), added);
    }
  }

  // signal, descriptor id, time, space-separated tags; more columns kept in the provenance.
  void ThreatExchange(std::string_view data) {
    std::optional<SignalType> type = opt_.type;
    if (!type) {
      std::string lower = ToLower(name_);
      std::string base = lower.substr(lower.find_last_of('/') + 1);
      if (base.find("vpdq") != std::string::npos) {
        type = SignalType::kVpdq;
      } else if (base.find("pdq") != std::string::npos) {
        type = SignalType::kPdq;
      } else if (base.find("sha256") != std::string::npos) {
        type = SignalType::kSha256;
      } else if (base.find("md5") != std::string::npos) {
        type = SignalType::kMd5;
      } else if (base.find("text") != std::string::npos) {
        type = SignalType::kText;
      }
    }
    CsvReader reader(data);
    CsvRecord r;
    while (reader.Next(r)) {
      if (r.error != CsvError::kNone) {
        Reject(r.line, r.offset, CsvErrorText(r.error));
        continue;
      }
      std::optional<SignalType> t = type;
      if (!t && IsHex(Trim(r.fields[0]), 32)) t = SignalType::kMd5;
      if (!t) {
        Reject(r.line, r.offset, "signal type unknown for a ThreatExchange row: pass --type");
        continue;
      }
      auto field = [&](size_t i) { return i < r.fields.size() ? Trim(r.fields[i]) : ""; };
      std::string prov = "threatexchange";
      if (!field(1).empty()) prov += " id=" + std::string(field(1));
      if (!field(2).empty()) prov += " time=" + std::string(field(2));
      for (size_t i = 4; i < r.fields.size(); ++i) {
        if (!field(i).empty()) prov += " col" + std::to_string(i + 1) + "=" + std::string(field(i));
      }
      Add(r, *t, r.fields[0], field(3), prov, 0);
    }
  }

  // "signal_type signal" per line.
  void TeFile(std::string_view data) {
    size_t pos = 0;
    int64_t line = 0;
    while (pos < data.size()) {
      size_t end = data.find('\n', pos);
      if (end == std::string_view::npos) end = data.size();
      std::string_view l = Trim(data.substr(pos, end - pos));
      CsvRecord r;
      r.line = ++line;
      r.offset = static_cast<int64_t>(pos);
      pos = end + 1;
      if (l.empty()) continue;
      std::optional<SignalType> type = opt_.type;
      std::string_view signal = l;
      if (!type) {
        size_t sp = l.find(' ');
        type = ParseSignalType(l.substr(0, sp));
        if (!type || sp == std::string_view::npos) {
          Reject(r.line, r.offset,
                 "expected 'signal_type signal', got '" + std::string(l.substr(0, 80)) + "'");
          continue;
        }
        signal = Trim(l.substr(sp + 1));
      }
      Add(r, *type, signal, "", "threatexchange file", 0);
    }
  }

  // The reference vPDQ tool's hash file: one video, "frame,quality,pdq,timestamp" per line.
  // A bad line is rejected with its number; the good ones make the entry.
  void VpdqHashFile(std::string_view data) {
    std::vector<VpdqFrame> frames;
    size_t pos = 0;
    int64_t line = 0;
    while (pos < data.size()) {
      size_t end = data.find('\n', pos);
      if (end == std::string_view::npos) end = data.size();
      const std::string_view l = data.substr(pos, end - pos);
      const auto offset = static_cast<int64_t>(pos);
      ++line;
      pos = end + 1;
      auto parsed = ParseVpdqHashFile(l, name_);
      if (!parsed.ok()) {
        Reject(line, offset,
               "vPDQ hash line: " + std::string(Trim(l.substr(0, 80))) + ": " +
                   parsed.status().message());
        continue;
      }
      Reached(offset);
      frames.insert(frames.end(), parsed->begin(), parsed->end());
    }
    if (frames.empty()) {
      Reject(0, -1, "no vPDQ frame in the file");
      return;
    }
    CsvRecord r;
    r.line = 1;
    r.offset = 0;
    const std::string base = name_.substr(name_.find_last_of('/') + 1);
    Add(r, SignalType::kVpdq, FormatVpdqSignal(frames), "", "vpdq file=" + base, 0);
  }

 private:
  const std::string& name_;
  const ImportOptions& opt_;
  ParsedBank& out_;
  ProgressStep* step_ = nullptr;
};

// A reference vPDQ hash file line: "frame,quality,64 hex,timestamp".
bool LooksLikeVpdqLine(std::string_view l) {
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return ParseVpdqHashFile(l, "").ok() && !Trim(l).empty();
}

BankFormat Detect(std::string_view data, const ImportOptions& opt) {
  std::string_view t = Trim(data);
  if (!t.empty() && (t.front() == '[' || t.front() == '{')) {
    // HMA's content names its "signals"; TAT's records a "hash_digest".
    const std::string_view head = t.substr(0, 64 << 10);
    if (head.find("\"hash_digest\"") == std::string_view::npos &&
        head.find("\"signals\"") != std::string_view::npos) {
      return BankFormat::kHma;
    }
    return BankFormat::kTat;
  }
  const std::string_view first_line = t.substr(0, t.find('\n'));
  if (LooksLikeVpdqLine(first_line)) return BankFormat::kVpdqHashFile;
  // "vpdq [...]": its JSON quotes are not CSV.
  if (ParseSignalType(first_line.substr(0, first_line.find(' '))) == SignalType::kVpdq) {
    return BankFormat::kTeFile;
  }
  CsvReader reader(data);
  CsvRecord r;
  if (!reader.Next(r)) return BankFormat::kCsv;  // empty: nothing to import either way
  for (const auto& f : r.fields) {
    std::string h = ToLower(Trim(f));
    if (h == "signal_type" || h == "signal") return BankFormat::kCsv;
  }
  if (r.error == CsvError::kNone && r.fields.size() >= 3) return BankFormat::kThreatExchange;
  std::string_view first = r.fields.empty() ? "" : Trim(r.fields[0]);
  size_t sp = first.find(' ');
  if (sp != std::string_view::npos && ParseSignalType(first.substr(0, sp))) {
    return BankFormat::kTeFile;
  }
  if (opt.type || (!first.empty() && IsHex(first, 32))) return BankFormat::kThreatExchange;
  return BankFormat::kAuto;
}

}  // namespace

StatusOr<ParsedBank> ParseBankFile(std::string_view content, const std::string& name,
                                   const ImportOptions& options) {
  StripUtf8Bom(content);
  ParsedBank out;
  out.format = options.format == BankFormat::kAuto ? Detect(content, options) : options.format;
  ProgressStep step(options.progress, "bank: reading", static_cast<int64_t>(content.size()),
                    kProgressBytes, 1024);
  Importer imp(name, options, out);
  imp.set_progress(&step);
  switch (out.format) {
    case BankFormat::kCsv:
      imp.Csv(content);
      break;
    case BankFormat::kThreatExchange:
      imp.ThreatExchange(content);
      break;
    case BankFormat::kTeFile:
      imp.TeFile(content);
      break;
    case BankFormat::kTat:
      ReadTatHashList(content, name, options, &step, out);
      break;
    case BankFormat::kHma:
      ReadHmaBank(content, name, options, &step, out);
      break;
    case BankFormat::kVpdqHashFile:
      imp.VpdqHashFile(content);
      break;
    case BankFormat::kAuto:
      return Status::InvalidArgument(
          "cannot tell the bank file's format (no signal_type,signal header): use --format",
          Location{name, 1});
  }
  return out;
}

void AppendCsvHeader(std::string& out) { out += "signal_type,signal,label,provenance,added\n"; }

void AppendCsvRow(std::string& out, const BankEntry& e) {
  CsvRow(out)
      .Text(SignalTypeName(e.type))
      .Text(e.signal)
      .Text(e.label)
      .Text(e.provenance)
      .Number(e.added)
      .End();
}

}  // namespace cordon
