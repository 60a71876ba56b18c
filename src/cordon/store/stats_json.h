// The JSON form of StoreStats: what `cordon stats --json` prints and GET /v1/stats returns.
// Thread-safe.
#pragma once

#include <string>

#include "cordon/store/store.h"

namespace cordon {

std::string StoreStatsJson(const StoreStats& s);

}  // namespace cordon
