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
    0.9386, 1.7927, 2.9026, 0.0000, 4.5672, -0.6276, 2.2907, 10.2240,
    -0.5275, 2.8555, 0.3322, -0.7555, -0.7284, -2.2461, -1.4868, 4.9033,
    3.1113, 2.8269, -0.8797, 0.7529, 5.1148, 0.2954, 0.9129,
};
inline constexpr double kRegenBias = -11.6828;

// The baseline: the name features (0..2) and the bias alone, fitted the same way.
inline constexpr RegenFeatures kBaselineWeights = {
    0.2154, 3.0847, 4.8030, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
    0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
    2.4468, 4.4905, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
};
inline constexpr double kBaselineBias = -11.4420;

}  // namespace cordon::enforce
