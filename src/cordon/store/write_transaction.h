// A write transaction on a Store that rolls back unless committed, for library functions that
// must not leave a transaction open when they return an error.
//
// Thread safety: as Store.
#pragma once

#include "cordon/store/store.h"

namespace cordon {

class WriteTransaction {
 public:
  explicit WriteTransaction(Store& store) : store_(store) {}
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  Status Begin();   // Store::Begin
  Status Commit();  // Store::Commit; nothing to roll back afterwards

 private:
  Store& store_;
  bool open_ = false;
};

}  // namespace cordon
