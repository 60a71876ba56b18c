#include "cordon/store/sql.h"

namespace cordon {

Statement::Statement(Db* db, std::string_view sql) {
  cursor_ = db->Prepare(sql, &status_);
  if (cursor_ == nullptr && status_.ok()) status_ = Status::Internal("prepare failed", db->where());
}

}  // namespace cordon
