#include "cordon/pipeline/steps.h"

namespace cordon::pipeline {

std::unique_ptr<Matcher> LoadBanks(Store* banks, const PipelineOptions& options) {
  if (banks == nullptr) return nullptr;
  MatcherOptions m;
  m.reload_jitter_ms = options.bank_reload_jitter_ms;
  return std::make_unique<Matcher>(*banks, m);
}

}  // namespace cordon::pipeline
