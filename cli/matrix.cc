// cordon matrix sync|enforce|policy import: the Matrix connector (docs/connectors.md).
#include "matrix.h"

#include "cordon/connect/matrix_policy.h"

namespace cordon::cli {

void AddMatrixFlags(CLI::App& app, MatrixArgs& a) {
  app.add_option("--homeserver", a.homeserver, "base URL, e.g. https://matrix.example.org")
      ->required();
  app.add_option("--token-file", a.token_file, "file holding the bot's access token")->required();
  app.add_option("--db", a.db, "database")->required();
}

StatusOr<std::unique_ptr<connect::HttpClient>> OpenMatrixClient(const MatrixArgs& a) {
  ASSIGN_OR_RETURN(std::string token, connect::ReadTokenFile(a.token_file));
  return connect::HttpClient::Open(a.homeserver, std::move(token));
}

namespace {

std::function<int()> Setup(CLI::App& app) {
  app.require_subcommand(1, 1);
  std::function<int()> runs[] = {SetupMatrixSync(app), SetupMatrixEnforce(app),
                                 SetupMatrixPolicy(app)};
  return [runs]() -> int {
    for (const auto& run : runs) {
      if (const int rc = run(); rc >= 0) return rc;
    }
    return Fail("choose sync, enforce or policy");
  };
}

CORDON_COMMAND(kMatrix, "matrix", "Matrix bot: sync rooms, enforce takedowns, policy lists", Setup);

}  // namespace
}  // namespace cordon::cli
