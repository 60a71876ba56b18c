// cordon matrix: the Matrix connector's subcommands, one file each (matrix_sync.cc,
// matrix_enforce.cc, matrix_policy.cc); matrix.cc registers the command and dispatches.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "command.h"
#include "cordon/connect/http_client.h"

namespace cordon::cli {

// Flags every subcommand shares.
struct MatrixArgs {
  std::string homeserver, token_file, db;
};
void AddMatrixFlags(CLI::App& app, MatrixArgs& a);
// The client for --homeserver with the token of --token-file.
StatusOr<std::unique_ptr<connect::HttpClient>> OpenMatrixClient(const MatrixArgs& a);

// Each adds its subcommand to `matrix` and returns what runs it when it was chosen.
std::function<int()> SetupMatrixSync(CLI::App& matrix);
std::function<int()> SetupMatrixEnforce(CLI::App& matrix);
std::function<int()> SetupMatrixPolicy(CLI::App& matrix);

}  // namespace cordon::cli
