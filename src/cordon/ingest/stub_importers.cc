// Placeholders until each format's importer lands in its own file.
#include "cordon/ingest/importer.h"

namespace cordon {
namespace {
class StubImporter final : public Importer {
 public:
  explicit StubImporter(std::string_view n) : name_(n) {}
  std::string_view name() const override { return name_; }
  int Sniff(std::string_view, std::string_view) const override { return 0; }
  Status Import(const InputFile& file, const ImportLimits&, EventSink&) const override {
    return Status::Unsupported(std::string(name_) + " is not implemented yet", Location{file.path});
  }

 private:
  std::string_view name_;
};
}  // namespace

std::unique_ptr<Importer> MakeTelegramExportImporter() {
  return std::make_unique<StubImporter>("telegram-export");
}
std::unique_ptr<Importer> MakeTelethonImporter() { return std::make_unique<StubImporter>("telethon"); }
std::unique_ptr<Importer> MakeMatrixImporter() { return std::make_unique<StubImporter>("matrix"); }
std::unique_ptr<Importer> MakeRocketChatImporter() {
  return std::make_unique<StubImporter>("rocketchat");
}

}  // namespace cordon
