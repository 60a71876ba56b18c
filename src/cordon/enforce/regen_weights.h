// Frozen weights of the regeneration detector's logistic model (regen.h).
//
// Fitted with `build/regen_bench --fit` on the development world only (cordon simulate --seed 1
// --scale small), by L2-regularised logistic regression (Newton's method) over every scored
// (entity, candidate) pair, labelled by whether the candidate is the entity's true parent. Then
// frozen here; the evaluation (docs/benchmarks.md, "Regeneration") uses other seeds and scales.
// Refit only with a new development world, never with an evaluation one.
#pragma once

#include <array>

#include "cordon/enforce/regen.h"

namespace cordon::enforce {

// Order: kRegenFeatureNames.
inline constexpr RegenFeatures kRegenWeights = {
    2.6103, 0.3038, 1.0965, 0.5046, 1.7120, 5.9352, 2.1548, 1.1261,
    0.2915, 3.0543, 1.1854, 0.8849, 0.2422, -0.7582, -1.6590, 2.6247,
    4.1008, 3.2326, -0.6211, -0.4096, 3.4503, 1.7384, 0.3836, 1.6374,
};
inline constexpr double kRegenBias = -8.0104;

// The baseline: the name features (0..2) and the bias alone, fitted the same way.
inline constexpr RegenFeatures kBaselineWeights = {
    -0.1200, 2.9791, 5.1837, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
    0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
    2.4598, 3.7988, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
};
inline constexpr double kBaselineBias = -11.2792;

}  // namespace cordon::enforce
