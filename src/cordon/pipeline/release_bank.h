// A hash bank of the releases an official source posted, found by its role in the network
// reconstructed from one store (not from any ground truth), written to another store: the
// monitor's order of work in `cordon demo`.
//
// Thread safety: one thread, with its Stores.
#pragma once

#include <cstdint>
#include <string>

#include "cordon/store/store.h"

namespace cordon {
class Progress;
}

namespace cordon::pipeline {

struct ReleaseBankResult {
  size_t officials = 0;  // official sources found by role
  int64_t signals = 0;   // signals the bank gained
  int64_t videos = 0;    // distinct videos banked by vPDQ (those ingest could decode)
};

// Builds the network of `source`, takes the chats with the official role, and banks the PDQ
// and SHA-256 of every image they posted, and the vPDQ and SHA-256 of every video (as ingest
// stored them: videos that did not decode have only digests), into a bank `name` (label
// "release") of `target`,
// created or updated, stamped with the network's last event time.
StatusOr<ReleaseBankResult> BankOfficialReleases(Store& source, Store& target,
                                                 const std::string& name = "releases",
                                                 Progress* progress = nullptr);

}  // namespace cordon::pipeline
