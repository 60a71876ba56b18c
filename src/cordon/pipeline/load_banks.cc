#include "cordon/pipeline/steps.h"

namespace cordon::pipeline {

std::unique_ptr<Matcher> LoadBanks(Store* banks) {
  if (banks == nullptr) return nullptr;
  return std::make_unique<Matcher>(*banks, MatcherOptions{});
}

}  // namespace cordon::pipeline
