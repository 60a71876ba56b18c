// libFuzzer target: Telegram Bot API updates (getUpdates answers, arrays, one per line).
#include "cordon/ingest/importer.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto importer = cordon::MakeTelegramBotImporter();
  return cordon::fuzz::RunImporter(*importer, data, size, ".json");
}
