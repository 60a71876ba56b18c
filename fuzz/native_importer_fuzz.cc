// libFuzzer target: cordon events v1.
#include "cordon/ingest/importer.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto importer = cordon::MakeNativeImporter();
  return cordon::fuzz::RunImporter(*importer, data, size, ".ndjson");
}
