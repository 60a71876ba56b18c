// cordon bank publish: the store's banks copied into NATS for workers (bank_publish.cc); bank.cc
// registers `cordon bank` and dispatches.
#pragma once

#include <functional>

#include "command.h"

namespace cordon::cli {

// Adds `publish` to `bank` and returns what runs it when it was chosen.
std::function<int()> SetupBankPublish(CLI::App& bank);

}  // namespace cordon::cli
