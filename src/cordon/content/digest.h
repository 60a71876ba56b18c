// Cryptographic digests of files and buffers (OpenSSL EVP), as lowercase hex.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "cordon/util/status.h"

namespace cordon {

struct Digests {
  std::string md5;
  std::string sha256;
};

Digests DigestBytes(std::string_view data);
StatusOr<Digests> DigestFile(const std::string& path);

}  // namespace cordon
