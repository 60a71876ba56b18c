// libFuzzer target: the values of the banks' key-value bucket (src/cordon/distribute/bank_kv.h),
// as a worker with `--banks nats` reads them. Any bytes are an index, a manifest, a chunk's
// entries or a Corrupt status, never a crash; what the publisher writes from any text parses
// back to the same values.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cordon/distribute/bank_kv.h"
#include "cordon/util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cordon;
  using namespace cordon::distribute;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ok_or_corrupt = [](const Status& s) {
    if (!s.ok() && s.code() != StatusCode::kCorrupt) std::abort();
  };
  ok_or_corrupt(ParseBankIndex(text).status());
  ok_or_corrupt(ParseBankManifest(text).status());
  ok_or_corrupt(ParseBankChunk(text, [](const StoredEntry&) { return Status::Ok(); }));
  std::string id;
  int64_t version = 0, chunk = 0;
  (void)ParseBankChunkKey(text, &id, &version, &chunk);

  // The same bytes (as valid UTF-8, which the store's text is) as names, labels and signals of
  // what the publisher writes.
  const std::string s = RepairUtf8(text);
  BankIndex index;
  index.generation = static_cast<int64_t>(size);
  index.banks.push_back({s.empty() ? "b" : s, s, "", 0, 7, 3});
  auto back = ParseBankIndex(FormatBankIndex(index));
  if (!back.ok() || back->banks.size() != 1 || back->banks[0].name != index.banks[0].name ||
      back->banks[0].label != s || back->generation != index.generation) {
    std::abort();
  }
  BankManifest m{s.empty() ? "b" : s, s, 3, 4, 5, s};
  auto mb = ParseBankManifest(FormatBankManifest(m));
  if (!mb.ok() || mb->name != m.name || mb->label != s || mb->sha256 != s || mb->chunks != 5) {
    std::abort();
  }
  StoredEntry e;
  e.entry.type = SignalType::kText;
  e.entry.signal = s;
  e.entry.label = s;
  e.digest = s;
  std::string c;
  AppendBankChunkEntry(c, e);
  AppendBankChunkEntry(c, e);
  int n = 0;
  Status cs = ParseBankChunk(c, [&](const StoredEntry& got) {
    if (got.entry.signal != s || got.entry.label != s || got.digest != s ||
        got.entry.type != SignalType::kText) {
      std::abort();
    }
    ++n;
    return Status::Ok();
  });
  if (!cs.ok() || n != 2) std::abort();
  return 0;
}
