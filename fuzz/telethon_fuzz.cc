// libFuzzer target: Telethon messages, as NDJSON lines or a messages.* container document.
#include "cordon/ingest/importer.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto importer = cordon::MakeTelethonImporter();
  return cordon::fuzz::RunImporter(*importer, data, size, ".ndjson");
}
