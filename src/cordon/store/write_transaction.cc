#include "cordon/store/write_transaction.h"

namespace cordon {

WriteTransaction::~WriteTransaction() {
  if (open_) (void)store_.Rollback();
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
