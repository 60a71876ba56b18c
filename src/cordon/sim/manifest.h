// What `cordon simulate` wrote, so that --overwrite removes exactly that and nothing else.
//
// DIR/cordon-sim-manifest.json lists every directory and every file (with its size) a run wrote
// under the simulator's output names (events.ndjson, truth.json, media/, telegram/). It starts
// with "cordon_output": "sim-manifest" (truth.json with "cordon_output": "sim-truth"), so a
// reader such as ingest can tell cordon's own files by their first bytes.
//
// RemovePreviousOutput() deletes what a manifest lists only when everything under the output
// names is listed (same size for files, nothing but plain files and directories); otherwise it
// refuses, naming what it found, and removes nothing. Files outside the output names are never
// touched.
//
// Thread safety: the functions may run concurrently on different directories.
#pragma once

#include <string>
#include <string_view>

#include "cordon/util/status.h"

namespace cordon::sim {

inline constexpr std::string_view kManifestName = "cordon-sim-manifest.json";
inline constexpr std::string_view kManifestFormat = "cordon-sim-manifest/1";

// The names Simulate() writes at the top of its output directory, besides the manifest.
inline constexpr std::string_view kOutputNames[] = {"events.ndjson", "truth.json", "media",
                                                    "telegram"};

// Writes DIR's manifest: everything now under the output names. Call once the run has
// written (or failed to write) its files; Simulate() starts from none of them.
Status WriteManifest(const std::string& dir);

// Clears the output names of DIR for a new run, as described above.
Status RemovePreviousOutput(const std::string& dir);

}  // namespace cordon::sim
