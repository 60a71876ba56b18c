// Importers turn one source format into cordon Events.
//
// Each importer is stateless and thread-compatible: Import() may run on several files at once
// from different threads. It never throws and never aborts on input: a bad record is reported
// to the sink with its location and the import goes on; only a file that cannot be read at all,
// or a sink that asks to stop, ends it with a non-OK Status.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/util/status.h"

namespace cordon {

// Limits that protect against hostile input.
struct ImportLimits {
  size_t max_record_bytes = 16u << 20;     // one NDJSON line
  size_t max_document_bytes = 2ull << 30;  // one JSON document (Telegram export)
  // JSON nesting: a value inside `max_depth` levels of objects and arrays is read, one level
  // deeper is rejected (the outermost object or array is level 1).
  size_t max_depth = 64;

  // The depth to allocate simdjson's parsers with: they refuse a document whose nesting
  // reaches their max_depth, so they need one more to accept max_depth levels.
  size_t parser_depth() const { return max_depth + 1; }
};

// Receives what an importer finds. Not thread-safe: one sink per import.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // One normalised event. A non-OK return stops the import with that status.
  virtual Status OnEvent(Event&& event, const Location& where) = 0;
  // A record that could not be used: counted, stored and reported; the import goes on.
  virtual void OnReject(const Location& where, std::string_view reason) = 0;
  // Something odd but survivable (unknown event type skipped, invalid UTF-8 repaired): `name`
  // is one of weird::kAllWeirds (ingest/weirds.h), `what` a sentence for a human.
  virtual void OnWeird(std::string_view name, std::string_view what, const Location& where) = 0;
  // Bytes of the current file read so far, for a progress bar. Optional.
  virtual void OnProgress(int64_t /*bytes*/) {}
};

// Importers call OnProgress once every 1024 records (when record_number & kProgressMask is
// 0): often enough for a bar that moves smoothly, rarely enough to cost nothing.
inline constexpr int64_t kProgressMask = 1023;

struct InputFile {
  std::string path;  // as given or found while walking a directory
};

class Importer {
 public:
  virtual ~Importer() = default;
  // Stable name, e.g. "cordon-events", "telegram-export".
  virtual std::string_view name() const = 0;
  // How surely this importer reads a file, from its path and its first bytes (up to 64 KiB):
  // 0 = not at all, 100 = certainly. The highest score wins.
  virtual int Sniff(std::string_view path, std::string_view head) const = 0;
  virtual Status Import(const InputFile& file, const ImportLimits& limits,
                        EventSink& sink) const = 0;
};

// Every importer cordon has, in a fixed order. The pointers live for the whole program.
const std::vector<const Importer*>& AllImporters();
const Importer* FindImporter(std::string_view name);

// The importers' names, comma separated, for messages ("cordon-events, telegram-export, ...").
std::string ImporterNames();

// What sniffing a file's first bytes found: the importer that reads it, or that the file is one
// cordon wrote itself (`own_output` names the kind, e.g. "cordon-sim-truth/1"), not input.
struct Detection {
  const Importer* importer = nullptr;
  std::string own_output;
};

// Picks the importer for a file by sniffing its first 64 KiB (a UTF-8 byte order mark is
// skipped). An unreadable file is an IoError saying why; an empty, blank or unrecognised one is
// Unsupported, naming the formats tried and `--format`.
StatusOr<Detection> DetectImporter(const std::string& path, const ImportLimits& limits);

// The importer `--format NAME` forces: null for an empty name (detect per file), else the one of
// that name; InvalidArgument naming every format when none has it.
StatusOr<const Importer*> ForcedImporter(const std::string& format);
// What reads `path`: the forced importer when there is one, else what DetectImporter finds.
StatusOr<Detection> ImporterFor(const std::string& path, const Importer* forced,
                                const ImportLimits& limits);

// The kind of a JSON file cordon writes that is not an event source (the simulator's truth and
// manifest), recognised by a first key `"format": "cordon-..."` or `"cordon_output": "..."`;
// empty for anything else. Only a first key counts, so a value inside a message cannot hide an
// input file.
std::string OwnOutputKind(std::string_view head);

// Factories, one per format (each in its own file in this folder).
std::unique_ptr<Importer> MakeNativeImporter();
// The native importer without its On-Demand fast path (every line through the DOM), for the
// differential test and the benchmark.
std::unique_ptr<Importer> MakeNativeDomImporter();
std::unique_ptr<Importer> MakeTelegramExportImporter();
std::unique_ptr<Importer> MakeTelethonImporter();
std::unique_ptr<Importer> MakeMatrixImporter();
std::unique_ptr<Importer> MakeRocketChatImporter();
std::unique_ptr<Importer> MakeTelegramBotImporter();

// The server name Rocket.Chat keys carry for a file at `path` (rocketchat:<host>/<id>): the
// nearest directory above it named like a host (lowercased, with its port), else "local".
std::string RocketChatHostFromPath(const std::string& path);

}  // namespace cordon
