// Ends the open transaction without its changes, for a caller that failed inside Begin/Commit.
// Store::Rollback is to replace it.
//
// Thread safety: uses the Store given; one thread at a time.
#pragma once

#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

// Rolls back the transaction the Store has open; an error (naming the database) when none is
// open or the rollback failed.
Status Rollback(Store& store);

}  // namespace cordon
