// Frozen weights of the regeneration detector's logistic model (regen.h).
//
// Fitted with `build/regen_bench --fit` on the development world only (cordon simulate --seed 1
// --scale small --media hashes --no-exports; three rounds), by L2-regularised logistic
// regression (Newton's method) over every scored (entity, candidate) pair, labelled by whether
// the candidate is the entity's true parent. Then frozen here; the evaluation
// (docs/benchmarks.md, "Regeneration") uses other seeds and scales. The baseline's weights are
// those of the earlier fit.
// Refit only with a new development world, never with an evaluation one.
#pragma once

#include <array>

#include "cordon/enforce/regen.h"

namespace cordon::enforce {

// Order: kRegenFeatureNames.
inline constexpr RegenFeatures kRegenWeights = {
    1.4227, 1.3423, 2.2224, 1.0863, 2.3848,  1.7077,  1.1951, 1.8376, -0.0769,
    1.4616, 0.4678, 0.1511, 0.0562, -6.1641, -0.9043, 1.6964, 4.2818, 0.9345,
    1.4109, 0.0193, 2.5889, 0.3042, 0.6827,  1.0159,  0.6229, 1.8734,
};
inline constexpr double kRegenBias = -8.1618;

// The baseline: the name features (0..2) and the bias alone, fitted the same way.
inline constexpr RegenFeatures kBaselineWeights = {
    -0.1200, 2.9791, 5.1837, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
    0.0000,  0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 2.4598, 3.7988,
    0.0000,  0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
};
inline constexpr double kBaselineBias = -11.2792;

}  // namespace cordon::enforce
