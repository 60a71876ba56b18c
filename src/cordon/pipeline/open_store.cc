#include "cordon/pipeline/steps.h"

namespace cordon::pipeline {

StatusOr<Stores> OpenStores(const PipelineOptions& options) {
  Stores s;
  StoreOptions main;
  main.durable = options.durable;
  ASSIGN_OR_RETURN(s.main, Store::Open(options.db, main));
  if (options.match && options.bank_source == nullptr) {
    ASSIGN_OR_RETURN(s.banks, Store::Open(options.db));
  }
  return s;
}

}  // namespace cordon::pipeline
