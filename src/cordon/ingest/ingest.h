// Ingest: walk inputs, pick an importer per file, apply events to the store in batches.
//
// Idempotent and resumable: every event is an upsert by key and batches commit atomically, so
// a killed ingest leaves a consistent database and running it again completes it with no
// duplicates. Files already ingested whole are skipped: same canonical path, size, mtime and
// digest of the first 64 KiB (store.h, FileIdentity). Files that failed whole (not parseable,
// not recognised, over a limit; not I/O errors, which may pass) are recorded, and skipped by
// later ingests until they change (store/failed_files.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cordon/ingest/importer.h"
#include "cordon/store/store.h"

namespace cordon {

class Matcher;
class Progress;

struct IngestOptions {
  ImportLimits limits;
  // Events per transaction. Each transaction writes every page it changed once more (to the
  // WAL, then back): into a large store the pages at the end of each chat's keys are changed
  // by every transaction, so fewer, larger ones write far less (docs/benchmarks.md, 1M
  // messages into 10M: 15 GB written at 50,000, 5.9 GB at 200,000).
  size_t batch_events = 200000;
  std::string format;  // force an importer by name; empty = detect per file
  // Reports the bytes read (util/progress.h), borrowed; null: silent. Reported from the
  // store's thread, once per batch of parsed records.
  Progress* progress = nullptr;
  bool hash_media = true;  // hash media files found beside exports
  // Directories besides each input file's own where media files it names may be read
  // (ingest/media_files.h, docs/security.md). Ingest fails when one cannot be opened.
  std::vector<std::string> media_roots;
  // Videos among those media are hashed with vPDQ, a frame every this many seconds (0: every
  // frame), and matched against the banks' vpdq entries.
  double video_seconds_per_hash = 1.0;
  bool skip_done_files = true;
  // false: inputs are not files of the user's but a consumer's batches (`cordon worker`), whose
  // source files the stream records itself: none is skipped as done or failed, none recorded.
  bool record_files = true;
  // Read files that failed whole before (store/failed_files.h) instead of skipping them.
  // skip_done_files = false reads them too.
  bool retry_failed_files = false;
  // Test hook, called after each event is applied (inside the open transaction).
  std::function<void(int64_t events_applied)> after_event;
  // Called right after each commit, outside any transaction, with the events applied so far:
  // what is committed is durable from here on (a worker acknowledges its input here). A non-OK
  // status stops the ingest like a store error.
  std::function<Status(int64_t events_applied)> after_commit;
  // Later stages observing the stream: called on the store's thread with each event right
  // after it is applied, in input order, inside the open transaction. The observer may move
  // the event's contents away: ingest reads nothing of it afterwards. A non-OK status stops the
  // ingest like a store error. RunPipeline (pipeline/pipeline.h) fans it out to its stages.
  std::function<Status(Event&)> observer;
  // Known-content matching (content/matcher.h), borrowed; null for none. Each message's text
  // and media hashes are matched on the parsing thread after hashing, and the matches stored
  // just before the message; bank changes are picked up between batches (MaybeRefresh).
  Matcher* matcher = nullptr;
};

struct RejectSample {
  Location where;
  std::string reason;
};

struct FileReport {
  std::string path;
  std::string importer;
  int64_t events = 0;
  int64_t rejected = 0;
  int64_t weird = 0;
  bool skipped = false;  // already ingested
  // Non-empty: skipped because the same bytes failed whole before; why they failed.
  std::string failed_before;
  std::string own_output;  // non-empty: a file cordon wrote (its kind), skipped as not input
  Status status;           // non-OK when the file could not be read
};

struct IngestReport {
  std::vector<FileReport> files;
  int64_t events = 0;
  int64_t rejected = 0;
  int64_t weird = 0;
  std::map<std::string, int64_t> weird_by_name;  // ingest/weirds.h
  int64_t bytes = 0;
  double seconds = 0;
  std::vector<RejectSample> samples;  // the first rejects, for the user
  // Files that could not be read at all.
  int64_t failed_files() const;
  // Files read in this run, whole or in part (not skipped, not failed).
  int64_t read_files() const;
  // Files skipped because an earlier ingest read them whole.
  int64_t done_files() const;
  // Files skipped because cordon wrote them (FileReport::own_output).
  int64_t own_output_files() const;
  // Files skipped because they failed whole before (FileReport::failed_before).
  int64_t failed_before_files() const;
};

// Expands directories (recursively, sorted) into the files to ingest: .json, .ndjson and
// .jsonl files inside directories; explicit file arguments whatever their name.
StatusOr<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& inputs);

// Ingests every input. Returns non-OK only when the store fails; unreadable files are
// reported in the IngestReport with their status.
StatusOr<IngestReport> Ingest(Store& store, const std::vector<std::string>& inputs,
                              const IngestOptions& options);

}  // namespace cordon
