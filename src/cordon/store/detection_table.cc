#include "cordon/store/detection_table.h"

#include "cordon/store/sql.h"

namespace cordon {

StatusOr<bool> InsertDetection(Store& store, const DetectionRow& row) {
  Statement q(StoreHandle(store),
              "INSERT OR IGNORE INTO regen_detections(entity, parent, score, detected_at, "
              "evidence, candidates) VALUES(?1,?2,?3,?4,?5,?6)");
  if (!q.ok()) return q.status();
  RETURN_IF_ERROR(q.Bind(1, row.entity)
                      .Bind(2, row.parent)
                      .Bind(3, row.score)
                      .Bind(4, row.detected_at)
                      .Bind(5, row.evidence)
                      .Bind(6, row.candidates)
                      .Run());
  return StoreHandle(store)->Changes() > 0;
}

Status DeleteDetections(Store& store) {
  return Exec(StoreHandle(store), "DELETE FROM regen_detections");
}

StatusOr<std::vector<DetectionRow>> ReadDetections(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT entity, parent, score, detected_at, evidence, candidates "
              "FROM regen_detections ORDER BY detected_at, entity");
  if (!q.ok()) return q.status();
  std::vector<DetectionRow> out;
  while (q.Step()) {
    DetectionRow d;
    d.entity = std::string(q.Text(0));
    d.parent = std::string(q.Text(1));
    d.score = q.Double(2);
    d.detected_at = q.Int(3);
    d.evidence = std::string(q.Text(4));
    d.candidates = std::string(q.Text(5));
    out.push_back(std::move(d));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<std::string>> DetectedEntities(Store& store) {
  Statement q(StoreHandle(store), "SELECT entity FROM regen_detections ORDER BY entity");
  if (!q.ok()) return q.status();
  std::vector<std::string> out;
  while (q.Step()) out.emplace_back(q.Text(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

Status ShadowDetections(Store& store) {
  // Same columns as the stored table (schema.h); temp comes first in name resolution.
  Db* db = StoreHandle(store);
  if (db->dialect() == SqlDialect::kPostgres) {
    // The stored table's types and collations (postgres_schema.h), copied.
    return Exec(db,
                "DROP TABLE IF EXISTS pg_temp.regen_detections; "
                "CREATE TEMP TABLE regen_detections (LIKE regen_detections INCLUDING ALL)");
  }
  return Exec(db,
              "DROP TABLE IF EXISTS temp.regen_detections; "
              "CREATE TEMP TABLE regen_detections(entity TEXT PRIMARY KEY, "
              "parent TEXT NOT NULL, score REAL NOT NULL, detected_at INTEGER NOT NULL, "
              "evidence TEXT NOT NULL, candidates TEXT NOT NULL)");
}

}  // namespace cordon
