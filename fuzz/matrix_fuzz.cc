// libFuzzer target: Matrix client-server events (responses, single events, one per line).
#include "cordon/ingest/importer.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto importer = cordon::MakeMatrixImporter();
  return cordon::fuzz::RunImporter(*importer, data, size, ".json");
}
