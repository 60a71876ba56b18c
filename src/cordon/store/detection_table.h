// The stored regeneration detections (schema.h, table regen_detections) as plain rows, and the
// temporary table that shadows them for one connection (enforce/stage.h, UseCurrentDetections).
// enforce/ turns rows into RegenDetections; evidence and candidates stay the JSON it wrote.
//
// Every read and write here names the table unqualified, so on a connection where
// ShadowDetections ran they all go to the temporary table.
//
// Errors name the database file. Thread safety: uses the Store given; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

struct DetectionRow {
  std::string entity;  // the replacement; one row per entity
  std::string parent;
  double score = 0;
  TimeMs detected_at = 0;
  std::string evidence;    // JSON array, as enforce/ wrote it
  std::string candidates;  // JSON array, as enforce/ wrote it
};

// Stores a detection unless the entity has one already; returns whether it was new.
StatusOr<bool> InsertDetection(Store& store, const DetectionRow& row);
// Removes every detection (inside the caller's transaction, if any).
Status DeleteDetections(Store& store);
// Every detection, ordered by detected_at then entity.
StatusOr<std::vector<DetectionRow>> ReadDetections(Store& store);
// The entities with a detection, sorted.
StatusOr<std::vector<std::string>> DetectedEntities(Store& store);
// Creates an empty temporary table of detections (replacing one made before) that this
// connection reads and writes instead of the stored one until it closes. Writes nothing to the
// database file.
Status ShadowDetections(Store& store);

}  // namespace cordon
