// libFuzzer target: cordon events v1. Also checks that the importer's On-Demand fast path and
// its DOM path agree on every input: the same events, rejections and weirds, in order.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cordon/ingest/importer.h"
#include "cordon/model/event_json.h"
#include "fuzz_util.h"

namespace {

class LoggingSink final : public cordon::EventSink {
 public:
  cordon::Status OnEvent(cordon::Event&& e, const cordon::Location& where) override {
    log += "e" + std::to_string(where.line) + " ";
    cordon::AppendEventJson(e, log);
    return cordon::Status::Ok();
  }
  void OnReject(const cordon::Location& where, std::string_view reason) override {
    log += "r" + std::to_string(where.line) + " " + std::string(reason) + "\n";
  }
  void OnWeird(std::string_view kind, std::string_view, const cordon::Location& where) override {
    log += "w" + std::to_string(where.line) + " " + std::string(kind) + "\n";
  }
  std::string log;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto importer = cordon::MakeNativeImporter();
  static const auto dom = cordon::MakeNativeDomImporter();
  cordon::fuzz::RunImporter(*importer, data, size, ".ndjson");
  static const std::string path = "/tmp/cordon-fuzz-diff-" + std::to_string(::getpid()) + ".ndjson";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  cordon::ImportLimits limits;
  limits.max_record_bytes = 1 << 16;
  LoggingSink a, b;
  cordon::Status sa = importer->Import(cordon::InputFile{path}, limits, a);
  cordon::Status sb = dom->Import(cordon::InputFile{path}, limits, b);
  if (a.log != b.log || sa.ToString() != sb.ToString()) std::abort();
  return 0;
}
