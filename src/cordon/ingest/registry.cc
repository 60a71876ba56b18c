#include <fstream>

#include "cordon/ingest/importer.h"

namespace cordon {

const std::vector<const Importer*>& AllImporters() {
  // Never destroyed, so the importers stay reachable (and usable) until the very end.
  static const auto* all = [] {
    auto* v = new std::vector<const Importer*>();
    for (auto* make : {&MakeNativeImporter, &MakeTelegramExportImporter, &MakeTelethonImporter,
                       &MakeMatrixImporter, &MakeRocketChatImporter}) {
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

StatusOr<const Importer*> DetectImporter(const std::string& path, const ImportLimits&) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open file", Location{path});
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  const Importer* best = nullptr;
  int best_score = 0;
  for (const Importer* imp : AllImporters()) {
    int score = imp->Sniff(path, head);
    if (score > best_score) {
      best = imp;
      best_score = score;
    }
  }
  if (best == nullptr) {
    return Status::Unsupported("no importer recognises this file", Location{path});
  }
  return best;
}

}  // namespace cordon
