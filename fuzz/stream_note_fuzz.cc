// libFuzzer target: the notes of a cordon stream (src/cordon/distribute/notes.h), as a worker
// applies them to its store. Any bytes are a note or a Corrupt status, never a crash; a note
// the publisher writes from any text is applied.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "cordon/distribute/notes.h"
#include "cordon/ingest/weirds.h"

namespace {

cordon::Store& FuzzStore() {
  static std::unique_ptr<cordon::Store> store = [] {
    const auto dir =
        std::filesystem::temp_directory_path() / ("stream_note_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto s = cordon::Store::Open((dir / "fuzz.db").string());
    if (!s.ok()) std::abort();
    return std::move(*s);
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cordon::Store& store = FuzzStore();
  if (!store.Begin().ok()) std::abort();
  cordon::Status s = cordon::distribute::ApplyNote(store, text);
  if (!s.ok() && s.code() != cordon::StatusCode::kCorrupt) std::abort();
  // The same bytes as the reason, the name and the path of notes the publisher writes.
  const cordon::Location where{std::string(text), static_cast<int64_t>(size), -1};
  if (!cordon::distribute::ApplyNote(store, cordon::distribute::RejectNote(where, text)).ok())
    std::abort();
  if (!cordon::distribute::ApplyNote(
           store, cordon::distribute::WeirdNote(where, cordon::weird::kInvalidUtf8Repaired, text))
           .ok())
    std::abort();
  (void)store.Rollback();
  return 0;
}
