#include "cordon/store/rollback.h"

#include "cordon/store/sqlite.h"

namespace cordon {

Status Rollback(Store& store) { return Exec(store.db(), "ROLLBACK"); }

}  // namespace cordon
