#include "test_util.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace cordon::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("cordon-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
}

std::filesystem::path SourceDir() { return CORDON_SOURCE_DIR; }
std::filesystem::path SharedDir() { return SourceDir() / ".." / "shared"; }

}  // namespace cordon::testing
