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
// Any bytes as lowercase hex, two digits a byte.
std::string HexBytes(std::string_view bytes);
StatusOr<Digests> DigestFile(const std::string& path);
// Digests what `fd` holds from its current offset to the end; `name` is for messages only.
// Does not close `fd`.
StatusOr<Digests> DigestFd(int fd, const std::string& name);

}  // namespace cordon
