// Runs an importer over fuzzer bytes written to a private temp file, with a sink that only counts.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "cordon/ingest/importer.h"

namespace cordon::fuzz {

class CountingSink final : public EventSink {
 public:
  Status OnEvent(Event&&, const Location&) override {
    ++events;
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view) override { ++rejects; }
  void OnWeird(std::string_view, std::string_view, const Location&) override { ++weird; }
  int64_t events = 0, rejects = 0, weird = 0;
};

inline int RunImporter(const Importer& importer, const uint8_t* data, size_t size,
                       const char* suffix) {
  static const std::string path = "/tmp/cordon-fuzz-" + std::to_string(::getpid()) + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  ImportLimits limits;
  limits.max_record_bytes = 1 << 16;
  limits.max_document_bytes = 1 << 20;
  CountingSink sink;
  (void)importer.Sniff(path, std::string_view(reinterpret_cast<const char*>(data), size));
  (void)importer.Import(InputFile{path}, limits, sink);
  return 0;
}

}  // namespace cordon::fuzz
