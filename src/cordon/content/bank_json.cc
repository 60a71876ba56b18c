#include "cordon/content/bank_json.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include "cordon/util/json_fields.h"
#include "cordon/util/progress.h"
#include "cordon/util/strings.h"
#include "cordon/util/utf8.h"

namespace cordon {
namespace {

// Where a record is: its number in the file (1-based) and its line when the file has one a line.
struct RecordPlace {
  int64_t index = 0;
  int64_t line = 0;
  int64_t offset = -1;
};

using RecordFn = std::function<void(simdjson::dom::element, const RecordPlace&)>;

// Collects what the records say, in order, and resolves it: the last word on a signal wins.
class Collector {
 public:
  Collector(const std::string& name, const ImportOptions& opt, ProgressStep* progress,
            ParsedBank& out)
      : name_(name), opt_(opt), progress_(progress), out_(out) {}

  void Reject(const RecordPlace& at, const std::string& reason) {
    const std::string prefix = at.index > 0 ? "record " + std::to_string(at.index) + ": " : "";
    out_.rejects.push_back({Location{name_, at.line, at.offset}, prefix + reason});
  }
  void Reached(int64_t offset) {
    if (progress_ != nullptr && offset >= 0) progress_->Set(offset);
  }

  // Checks one signal and records it as added (or removed); a bad one is rejected.
  void Put(const RecordPlace& at, SignalType type, std::string_view signal, std::string_view label,
           std::string_view provenance, bool remove) {
    auto canon = CanonicalSignal(type, signal);
    if (!canon.ok()) return Reject(at, canon.status().message());
    BankEntry e;
    e.type = type;
    e.signal = std::move(*canon);
    e.label = RepairUtf8(label.empty() ? std::string_view(opt_.label) : label);
    std::string prov = opt_.provenance;
    if (!provenance.empty()) prov += (prov.empty() ? "" : "; ") + std::string(provenance);
    e.provenance = RepairUtf8(prov);
    ops_.push_back({remove, std::move(e)});
  }

  void Finish() {
    std::map<std::pair<SignalType, std::string>, size_t> last;
    for (size_t i = 0; i < ops_.size(); ++i) last[{ops_[i].second.type, ops_[i].second.signal}] = i;
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (last[{ops_[i].second.type, ops_[i].second.signal}] != i) continue;
      (ops_[i].first ? out_.removals : out_.entries).push_back(std::move(ops_[i].second));
    }
  }

  // Hands out the records of the file: the elements of a top-level array, of an array under
  // one of `wrappers` in a top-level object, or that object itself; a file that is no one JSON
  // document is read a document a line, each line's failure its own.
  void ForEachRecord(std::string_view data, std::initializer_list<std::string_view> wrappers,
                     const RecordFn& f) {
    simdjson::dom::parser parser;
    int64_t index = 0;
    const auto roots = [&](simdjson::dom::element root, int64_t line, int64_t offset, int64_t end) {
      simdjson::dom::array records;
      bool is_list = !root.get_array().get(records);
      simdjson::dom::object o;
      if (!is_list && !root.get_object().get(o)) {
        for (std::string_view w : wrappers) {
          if (!is_list && !o[w].get_array().get(records)) is_list = true;
        }
      }
      if (!is_list) {
        Reached(offset);
        f(root, RecordPlace{++index, line, offset});
        return;
      }
      const auto count = static_cast<int64_t>(records.size());
      int64_t i = 0;
      for (simdjson::dom::element rec : records) {
        // Records inside a document have no offsets: their share stands for the bytes.
        Reached(offset + (end - offset) * i++ / std::max<int64_t>(count, 1));
        f(rec, RecordPlace{++index, line, line > 0 ? offset : -1});
      }
    };
    simdjson::dom::element doc;
    const simdjson::padded_string whole(data);
    const auto error = parser.parse(whole).get(doc);
    if (!error) return roots(doc, 0, 0, static_cast<int64_t>(data.size()));
    // One document a line when the first line is a document of its own.
    size_t pos = 0;
    int64_t line = 0;
    bool lines = false;
    while (pos < data.size()) {
      size_t end = data.find('\n', pos);
      if (end == std::string_view::npos) end = data.size();
      const std::string_view text = Trim(data.substr(pos, end - pos));
      const auto offset = static_cast<int64_t>(pos);
      ++line;
      pos = end + 1;
      if (text.empty()) continue;
      const simdjson::padded_string one(text);
      simdjson::dom::element e;
      if (auto err = parser.parse(one).get(e)) {
        if (!lines) break;  // the first document is broken: the file is one broken document
        out_.rejects.push_back({Location{name_, line, offset},
                                std::string("not valid JSON: ") + simdjson::error_message(err)});
        continue;
      }
      lines = true;
      roots(e, line, offset, static_cast<int64_t>(end));
    }
    if (!lines) {
      out_.rejects.push_back({Location{name_, 0, -1},
                              std::string("not valid JSON: ") + simdjson::error_message(error)});
    }
  }

 private:
  const std::string& name_;
  const ImportOptions& opt_;
  ProgressStep* progress_;
  ParsedBank& out_;
  std::vector<std::pair<bool, BankEntry>> ops_;  // (remove, entry) in file order
};

std::optional<SignalType> TatAlgorithm(std::string_view algorithm) {
  const std::string a = ToLower(algorithm);
  if (a.find("vpdq") != std::string::npos) return SignalType::kVpdq;
  if (a.find("pdq") != std::string::npos) return SignalType::kPdq;
  if (a.find("sha256") != std::string::npos || a.find("sha-256") != std::string::npos) {
    return SignalType::kSha256;
  }
  if (a.find("md5") != std::string::npos) return SignalType::kMd5;
  return std::nullopt;
}

TimeMs NowMs(const ImportOptions& opt) {
  if (opt.now != 0) return opt.now;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void ReadTatHashList(std::string_view data, const std::string& name, const ImportOptions& options,
                     ProgressStep* progress, ParsedBank& out) {
  Collector c(name, options, progress, out);
  c.ForEachRecord(
      data, {"results", "hashes", "data"}, [&](simdjson::dom::element rec, const RecordPlace& at) {
        simdjson::dom::object o;
        if (rec.get_object().get(o)) return c.Reject(at, "not an object");
        Fields f(o);
        const std::string_view hash = f.ReqStr("hash_digest");
        std::optional<std::string_view> algo = f.Str("algorithm");
        if (!algo) algo = f.Str("algorithim");  // the spelling the published client uses
        const std::optional<int64_t> id = f.Int("id");
        const std::optional<std::string_view> ideology = f.Str("ideology");
        const std::optional<std::string_view> file_type = f.Str("file_type");
        const std::optional<bool> deleted = f.Bool("deleted");
        if (!f.ok()) return c.Reject(at, f.error());
        const std::optional<SignalType> type = algo ? TatAlgorithm(*algo) : options.type;
        if (!type) {
          return c.Reject(at, "unsupported algorithm '" + RepairUtf8(algo.value_or("")) + "'");
        }
        std::string prov = "tat";
        if (id) prov += " id=" + std::to_string(*id);
        if (file_type && !file_type->empty()) prov += " file_type=" + std::string(*file_type);
        c.Put(at, *type, hash, ideology.value_or(""), prov, deleted.value_or(false));
      });
  c.Finish();
}

void ReadHmaBank(std::string_view data, const std::string& name, const ImportOptions& options,
                 ProgressStep* progress, ParsedBank& out) {
  Collector c(name, options, progress, out);
  const TimeMs now = NowMs(options);
  c.ForEachRecord(data, {}, [&](simdjson::dom::element rec, const RecordPlace& at) {
    simdjson::dom::object o;
    if (rec.get_object().get(o)) return c.Reject(at, "not an object");
    Fields f(o);
    const std::optional<int64_t> id = f.Int("id");
    const std::optional<int64_t> disable_until = f.Int("disable_until_ts");
    const std::optional<std::string_view> note = f.Str("note");
    const std::optional<simdjson::dom::object> bank = f.Obj("bank");
    const std::optional<simdjson::dom::object> meta = f.Obj("metadata");
    const std::optional<simdjson::dom::object> signals = f.Obj("signals");
    if (!f.ok()) return c.Reject(at, f.error());
    if (!signals || signals->size() == 0) return c.Reject(at, "no signals");
    std::string prov = "hma";
    if (bank) {
      Fields b(*bank);
      if (auto n = b.Str("name"); n && b.ok()) prov += " bank=" + std::string(*n);
    }
    if (id) prov += " id=" + std::to_string(*id);
    if (meta) {
      Fields m(*meta);
      for (std::string_view key : {"content_id", "content_uri"}) {
        if (auto v = m.Str(key); v && m.ok() && !v->empty()) {
          prov += " " + std::string(key) + "=" + std::string(*v);
        }
      }
    }
    // HMA: 0 disabled, 1 enabled, else disabled until that Unix time (seconds).
    const int64_t until = disable_until.value_or(1);
    const bool disabled = until == 0 || (until != 1 && until > now / 1000);
    for (auto [key, value] : *signals) {
      std::string_view signal;
      const std::optional<SignalType> type = ParseSignalType(key);
      if (!type) {
        c.Reject(at, "signal type '" + RepairUtf8(key) + "' not supported");
        continue;
      }
      if (value.get_string().get(signal)) {
        c.Reject(at, "signal '" + std::string(key) + "' is not a string");
        continue;
      }
      c.Put(at, *type, signal, note.value_or(""), prov, disabled);
    }
  });
  c.Finish();
}

}  // namespace cordon
