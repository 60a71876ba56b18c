#include "cordon/distribute/bank_kv.h"

#include <simdjson.h>

#include <charconv>

#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"

namespace cordon::distribute {
namespace {

// Reads an object's string and integer fields; the first problem is kept.
class Reader {
 public:
  explicit Reader(simdjson::dom::object o) : o_(o) {}
  std::string Str(const char* key, bool required) {
    std::string_view v;
    auto e = o_[key];
    if (e.error() == simdjson::NO_SUCH_FIELD && !required) return "";
    if (e.get_string().get(v) != simdjson::SUCCESS) Fail(key, "a string");
    return std::string(v);
  }
  int64_t Int(const char* key) {
    int64_t v = 0;
    if (o_[key].get_int64().get(v) != simdjson::SUCCESS || v < 0) Fail(key, "an integer >= 0");
    return v;
  }
  const std::string& error() const { return error_; }

 private:
  void Fail(const char* key, const char* want) {
    if (error_.empty()) error_ = std::string("field '") + key + "': expected " + want;
  }
  simdjson::dom::object o_;
  std::string error_;
};

Status Corrupt(std::string_view what, std::string_view why) {
  return Status::Corrupt(std::string(what) + ": " + std::string(why));
}

StatusOr<simdjson::dom::object> ParseObject(simdjson::dom::parser& parser, std::string_view text,
                                            std::string_view what) {
  simdjson::dom::element doc;
  simdjson::dom::object o;
  if (parser.parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(o) != simdjson::SUCCESS) {
    return Corrupt(what, "not a JSON object");
  }
  return o;
}

}  // namespace

std::string BankKeyId(std::string_view bank_name) {
  return DigestBytes(bank_name).sha256.substr(0, 32);
}
std::string BankIndexKey() { return "index"; }
std::string BankManifestKey(std::string_view bank_name) { return "bank." + BankKeyId(bank_name); }
std::string BankChunkKey(std::string_view bank_name, int64_t version, int64_t chunk) {
  return "chunk." + BankKeyId(bank_name) + "." + std::to_string(version) + "." +
         std::to_string(chunk);
}

bool ParseBankChunkKey(std::string_view key, std::string* id, int64_t* version, int64_t* chunk) {
  constexpr std::string_view kPrefix = "chunk.";
  if (key.substr(0, kPrefix.size()) != kPrefix) return false;
  key.remove_prefix(kPrefix.size());
  const size_t a = key.find('.');
  if (a == std::string_view::npos) return false;
  const size_t b = key.find('.', a + 1);
  if (b == std::string_view::npos) return false;
  auto number = [](std::string_view s, int64_t* out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty() && *out >= 0;
  };
  if (!number(key.substr(a + 1, b - a - 1), version) || !number(key.substr(b + 1), chunk)) {
    return false;
  }
  id->assign(key.substr(0, a));
  return true;
}

std::string FormatBankIndex(const BankIndex& index) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("generation", index.generation).Key("banks").BeginArray();
  for (const BankInfo& b : index.banks) {
    w.BeginObject()
        .Field("name", b.name)
        .Field("label", b.label)
        .Field("version", b.version)
        .Field("entries", b.entries)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

StatusOr<BankIndex> ParseBankIndex(std::string_view value) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object o, ParseObject(parser, value, "bank index"));
  BankIndex index;
  Reader r(o);
  index.generation = r.Int("generation");
  if (!r.error().empty()) return Corrupt("bank index", r.error());
  simdjson::dom::array banks;
  if (o["banks"].get_array().get(banks) != simdjson::SUCCESS) {
    return Corrupt("bank index", "field 'banks': expected an array");
  }
  for (simdjson::dom::element e : banks) {
    simdjson::dom::object b;
    if (e.get_object().get(b) != simdjson::SUCCESS) {
      return Corrupt("bank index", "a bank that is not an object");
    }
    Reader rb(b);
    BankInfo info;
    info.name = rb.Str("name", true);
    info.label = rb.Str("label", false);
    info.version = rb.Int("version");
    info.entries = rb.Int("entries");
    if (!rb.error().empty()) return Corrupt("bank index", rb.error());
    if (info.name.empty()) return Corrupt("bank index", "a bank without a name");
    index.banks.push_back(std::move(info));
  }
  return index;
}

std::string FormatBankManifest(const BankManifest& m) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Field("name", m.name)
      .Field("label", m.label)
      .Field("version", m.version)
      .Field("entries", m.entries)
      .Field("chunks", m.chunks)
      .Field("sha256", m.sha256)
      .EndObject();
  return out;
}

StatusOr<BankManifest> ParseBankManifest(std::string_view value) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object o, ParseObject(parser, value, "bank manifest"));
  Reader r(o);
  BankManifest m;
  m.name = r.Str("name", true);
  m.label = r.Str("label", false);
  m.version = r.Int("version");
  m.entries = r.Int("entries");
  m.chunks = r.Int("chunks");
  m.sha256 = r.Str("sha256", true);
  if (!r.error().empty()) return Corrupt("bank manifest", r.error());
  if (m.name.empty()) return Corrupt("bank manifest", "no bank name");
  return m;
}

void AppendBankChunkEntry(std::string& chunk, const StoredEntry& e) {
  JsonWriter w(chunk);
  w.BeginObject().Field("type", SignalTypeName(e.entry.type)).Field("signal", e.entry.signal);
  if (!e.entry.label.empty()) w.Field("label", e.entry.label);
  if (!e.digest.empty()) w.Field("digest", e.digest);
  if (!e.fingerprint.empty()) w.Field("fingerprint", e.fingerprint);
  w.EndObject();
  chunk += '\n';
}

Status ParseBankChunk(std::string_view chunk, const std::function<Status(const StoredEntry&)>& f) {
  simdjson::dom::parser parser;
  StoredEntry e;
  int64_t line = 0;
  while (!chunk.empty()) {
    const size_t nl = chunk.find('\n');
    const std::string_view text = chunk.substr(0, nl);
    chunk.remove_prefix(nl == std::string_view::npos ? chunk.size() : nl + 1);
    ++line;
    const std::string what = "bank chunk line " + std::to_string(line);
    ASSIGN_OR_RETURN(simdjson::dom::object o, ParseObject(parser, text, what));
    Reader r(o);
    const std::string type = r.Str("type", true);
    e.entry.signal = r.Str("signal", true);
    e.entry.label = r.Str("label", false);
    e.digest = r.Str("digest", false);
    e.fingerprint = r.Str("fingerprint", false);
    if (!r.error().empty()) return Corrupt(what, r.error());
    std::optional<SignalType> t = ParseSignalType(type);
    if (!t || SignalTypeName(*t) != type)
      return Corrupt(what, "unknown signal type '" + type + "'");
    e.entry.type = *t;
    RETURN_IF_ERROR(f(e));
  }
  return Status::Ok();
}

}  // namespace cordon::distribute
