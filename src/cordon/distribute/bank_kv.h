// The values of the banks' key-value bucket (NAME_banks; docs/formats/stream.md, "The banks
// bucket"), written by `cordon bank publish` and read by workers with `--banks nats`
// (bank_sync.h). Keys, with <id> the first 32 hex digits of the SHA-256 of the bank's name:
//
//   index                        {"generation":N,"banks":[{"name","label","version","entries"}]}
//   bank.<id>                    the manifest: {"name","label","version","entries","chunks",
//                                "sha256"}, sha256 over the chunks' SHA-256s (hex, in order)
//   chunk.<id>.<version>.<i>     entries i-th chunk: one JSON object a line,
//                                {"type","signal","label","digest","fingerprint"} (empty ones
//                                left out), at most kBankChunkBytes unless one entry is longer
//
// Parsers take any bytes and answer a value or a Corrupt status, never crash (fuzz/
// bank_kv_fuzz.cc). Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/content/bank.h"
#include "cordon/util/status.h"

namespace cordon::distribute {

// A chunk is closed before an entry would take it past this; an entry alone longer than
// kMaxBankChunkBytes cannot be published (NATS refuses payloads over 1 MiB by default).
inline constexpr size_t kBankChunkBytes = 256 * 1024;
inline constexpr size_t kMaxBankChunkBytes = 960 * 1024;

struct BankIndex {
  int64_t generation = 0;       // the store's bank generation when published
  std::vector<BankInfo> banks;  // name, label, version and entries; by name
};

struct BankManifest {
  std::string name;
  std::string label;
  int64_t version = 0;
  int64_t entries = 0;
  int64_t chunks = 0;
  std::string sha256;  // of the chunks' SHA-256 hex digests, concatenated in order
};

std::string BankKeyId(std::string_view bank_name);
std::string BankIndexKey();
std::string BankManifestKey(std::string_view bank_name);
std::string BankChunkKey(std::string_view bank_name, int64_t version, int64_t chunk);
// The parts of a chunk key; false for any other key.
bool ParseBankChunkKey(std::string_view key, std::string* id, int64_t* version, int64_t* chunk);

std::string FormatBankIndex(const BankIndex& index);
StatusOr<BankIndex> ParseBankIndex(std::string_view value);
std::string FormatBankManifest(const BankManifest& manifest);
StatusOr<BankManifest> ParseBankManifest(std::string_view value);

// Appends one entry's line (with its newline) to a chunk.
void AppendBankChunkEntry(std::string& chunk, const StoredEntry& entry);
// Calls f for each entry of a chunk, in order; Corrupt for a line that is not an entry, or f's
// first error.
Status ParseBankChunk(std::string_view chunk, const std::function<Status(const StoredEntry&)>& f);

}  // namespace cordon::distribute
