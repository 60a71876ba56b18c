// What every connector's sync shares: an answer is written to a spool file beside the database
// and ingested through the one pipeline (pipeline/pipeline.h) with a named importer, exactly as
// `cordon ingest` would; the cursor is stored after, so a crash re-reads the same answer into the
// same spool name (its rejects and weirds land on the same keys; events are upserts by key).
//
// Thread safety: free functions; the store's locking orders the writers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/connect/http_client.h"
#include "cordon/ledger/ledger.h"
#include "cordon/pipeline/pipeline.h"

namespace cordon::connect {

// Makes `dir` (and its parents) when missing.
Status MakeSpoolDir(const std::string& dir);

// Writes `body` to `path` (created 0600, replaced when there, never through a symbolic link).
Status WriteSpool(const std::string& path, std::string_view body);

// "HTTP 403: <the start of the body>", for errors: the body is capped and its UTF-8 repaired.
std::string HttpError(const HttpResponse& r);

// Runs the pipeline over `files` with the importer `format`; the first file that failed is the
// error.
StatusOr<pipeline::PipelineReport> IngestSpool(const std::string& db,
                                               const std::vector<std::string>& files,
                                               std::string_view format, Progress* progress,
                                               const ledger::Clock* clock);

// Removes the spool files (after their cursor is stored); errors are ignored.
void RemoveSpool(const std::vector<std::string>& files);

}  // namespace cordon::connect
