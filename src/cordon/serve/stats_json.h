// The JSON of `cordon stats --json`, for GET /v1/stats. Thread-safe.
#pragma once

#include <string>

#include "cordon/store/store.h"

namespace cordon::serve {

std::string StatsJson(const StoreStats& s);

}  // namespace cordon::serve
