#include <fstream>

#include "cordon/ingest/importer.h"
#include "cordon/util/file_check.h"
#include "cordon/util/utf8.h"

namespace cordon {

const std::vector<const Importer*>& AllImporters() {
  // Never destroyed, so the importers stay reachable (and usable) until the very end.
  static const auto* all = [] {
    auto* v = new std::vector<const Importer*>();
    for (auto* make : {&MakeNativeImporter, &MakeTelegramExportImporter, &MakeTelethonImporter,
                       &MakeMatrixImporter, &MakeRocketChatImporter, &MakeTelegramBotImporter}) {
      v->push_back(make().release());
    }
    return v;
  }();
  return *all;
}

const Importer* FindImporter(std::string_view name) {
  for (const Importer* imp : AllImporters()) {
    if (imp->name() == name) return imp;
  }
  return nullptr;
}

std::string ImporterNames() {
  std::string names;
  for (const Importer* imp : AllImporters()) {
    if (!names.empty()) names += ", ";
    names += imp->name();
  }
  return names;
}

namespace {

// Skips JSON white space; returns the rest.
std::string_view SkipSpace(std::string_view s) {
  size_t p = s.find_first_not_of(" \t\r\n");
  return p == std::string_view::npos ? std::string_view() : s.substr(p);
}

// Reads a JSON string literal without escapes at the front of `s`; empty when there is none.
std::string_view TakeSimpleString(std::string_view& s) {
  if (!s.starts_with('"')) return {};
  size_t end = s.find_first_of("\"\\", 1);
  if (end == std::string_view::npos || s[end] != '"') return {};
  std::string_view value = s.substr(1, end - 1);
  s.remove_prefix(end + 1);
  return value;
}

}  // namespace

std::string OwnOutputKind(std::string_view head) {
  StripUtf8Bom(head);
  head = SkipSpace(head);
  if (!head.starts_with('{')) return {};
  head = SkipSpace(head.substr(1));
  std::string_view key = TakeSimpleString(head);
  head = SkipSpace(head);
  if (!head.starts_with(':')) return {};
  head = SkipSpace(head.substr(1));
  std::string_view value = TakeSimpleString(head);
  if (value.empty()) return {};
  if (key == "cordon_output") return std::string(value);
  if (key == "format" && value.starts_with("cordon-")) return std::string(value);
  return {};
}

StatusOr<Detection> DetectImporter(const std::string& path, const ImportLimits&) {
  RETURN_IF_ERROR(CheckReadableFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read file: cannot open it", Location{path});
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  StripUtf8Bom(head);
  const std::string tried = "; formats tried: " + ImporterNames() + " (--format NAME forces one)";
  if (head.empty()) return Status::Unsupported("empty file, nothing to ingest" + tried, {path});
  if (SkipSpace(head).empty() && static_cast<size_t>(in.gcount()) < 64 * 1024) {
    return Status::Unsupported("file holds only blank space, nothing to ingest" + tried, {path});
  }
  Detection found;
  found.own_output = OwnOutputKind(head);
  if (!found.own_output.empty()) return found;
  int best_score = 0;
  for (const Importer* imp : AllImporters()) {
    int score = imp->Sniff(path, head);
    if (score > best_score) {
      found.importer = imp;
      best_score = score;
    }
  }
  if (found.importer == nullptr) {
    return Status::Unsupported("format not recognised" + tried, Location{path});
  }
  return found;
}

StatusOr<const Importer*> ForcedImporter(const std::string& format) {
  if (format.empty()) return static_cast<const Importer*>(nullptr);
  const Importer* importer = FindImporter(format);
  if (importer == nullptr) {
    return Status::InvalidArgument("unknown format '" + format + "'; the formats are " +
                                   ImporterNames());
  }
  return importer;
}

StatusOr<Detection> ImporterFor(const std::string& path, const Importer* forced,
                                const ImportLimits& limits) {
  if (forced != nullptr) return Detection{forced, ""};
  return DetectImporter(path, limits);
}

}  // namespace cordon
