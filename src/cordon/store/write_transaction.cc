#include "cordon/store/write_transaction.h"

namespace cordon {

WriteTransaction::~WriteTransaction() {
  if (open_) (void)Exec(store_.db(), "ROLLBACK");
}

Status WriteTransaction::Begin() {
  RETURN_IF_ERROR(store_.Begin());
  open_ = true;
  return Status::Ok();
}

Status WriteTransaction::Commit() {
  Status s = store_.Commit();
  if (s.ok()) open_ = false;
  return s;
}

}  // namespace cordon
