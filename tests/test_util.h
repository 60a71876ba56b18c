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

// The source tree (for testdata/) and ../shared beside it.
std::filesystem::path SourceDir();
std::filesystem::path SharedDir();

}  // namespace cordon::testing
