// Detections keep their evidence through the detection table in its one JSON form
// (model/evidence.h), whatever the adversary named things.
#include <gtest/gtest.h>

#include "cordon/enforce/stage.h"
#include "cordon/store/detection_table.h"
#include "test_util.h"

namespace cordon::enforce {
namespace {

TEST(DetectionEvidence, HostileEvidenceRoundTripsThroughTheStore) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("d.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  RegenDetection d;
  d.entity = "telegram:channel2";
  d.parent = "telegram:channel1";
  d.score = 0.97;
  d.detected_at = 1574416800000;
  d.evidence = {
      {.signal = "name", .value = 0.9, .detail = "'a\"],\"evil\":[' ~ 'a\\\n\x01'"},
      {.signal = "admins", .refs = {"telegram:user4"}, .value = 1, .detail = "telegram:user4"},
      {.signal = "timing", .value = 0, .time = 1574416800000, .detail = "</script>"},
  };
  ASSERT_TRUE(SaveDetection(**store, d).ok());
  auto back = LoadDetections(**store);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].evidence, d.evidence);
}

TEST(DetectionEvidence, UnreadableStoredEvidenceIsAnErrorNamingTheDetection) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("d.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(InsertDetection(**store, DetectionRow{"telegram:channel9", "p", 1, 5,
                                                    "[{\"value\":\"x\"}]", "[]"})
                  .ok());
  auto back = LoadDetections(**store);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("telegram:channel9"), std::string::npos)
      << back.status().ToString();
}

}  // namespace
}  // namespace cordon::enforce
