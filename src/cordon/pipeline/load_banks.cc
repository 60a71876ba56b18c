#include "cordon/pipeline/steps.h"

namespace cordon::pipeline {

std::unique_ptr<Matcher> LoadBanks(Store* banks, const PipelineOptions& options) {
  MatcherOptions m;
  m.reload_jitter_ms = options.bank_reload_jitter_ms;
  m.on_refresh_error = options.on_bank_error;
  if (options.match && options.bank_source != nullptr) {
    return std::make_unique<Matcher>(*options.bank_source, m);
  }
  if (banks == nullptr) return nullptr;
  return std::make_unique<Matcher>(*banks, m);
}

}  // namespace cordon::pipeline
