// Helpers shared by the tests: temporary directories and file I/O.
#pragma once

#include <filesystem>
#include <string>

namespace cordon::testing {

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& content);

// What a run of the cordon binary printed and how it ended.
struct CliResult {
  int code = -1;    // exit code; -1 when it did not exit normally
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs `cordon ARGS` (ARGS as one shell-quoted string) with standard input from /dev/null and
// `env` (assignments such as "CORDON_USER=x") before it.
CliResult RunCordon(const std::string& args, const std::string& env = "");

// Quotes a string for the shell.
std::string ShellQuote(const std::string& s);

// A TCP port on 127.0.0.1 nobody listens on now (bound and released: a server the test starts
// takes it right after); 0 when none could be had.
int FreeLoopbackPort();

// The source tree (for testdata/) and the project's shared data (reference images, the Matrix
// specification's examples): CORDON_SHARED_DIR when set, else ../shared beside the tree.
std::filesystem::path SourceDir();
std::filesystem::path SharedDir();

}  // namespace cordon::testing
