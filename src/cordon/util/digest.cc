#include "cordon/util/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "cordon/util/unique_fd.h"

namespace cordon {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kHex[p[i] >> 4];
    s[2 * i + 1] = kHex[p[i] & 15];
  }
  return s;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

class TwoDigests {
 public:
  TwoDigests() : md5_(EVP_MD_CTX_new()), sha_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(md5_.get(), EVP_md5(), nullptr);
    EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr);
  }
  void Update(const void* p, size_t n) {
    EVP_DigestUpdate(md5_.get(), p, n);
    EVP_DigestUpdate(sha_.get(), p, n);
  }
  Digests Final() {
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    Digests d;
    EVP_DigestFinal_ex(md5_.get(), buf, &n);
    d.md5 = Hex(buf, n);
    EVP_DigestFinal_ex(sha_.get(), buf, &n);
    d.sha256 = Hex(buf, n);
    return d;
  }

 private:
  Ctx md5_, sha_;
};

}  // namespace

std::string HexBytes(std::string_view bytes) {
  return Hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

Digests DigestBytes(std::string_view data) {
  TwoDigests t;
  t.Update(data.data(), data.size());
  return t.Final();
}

StatusOr<Digests> DigestFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::IoError(std::strerror(errno), Location{path});
  return DigestFd(fd.get(), path);
}

StatusOr<Digests> DigestFd(int fd, const std::string& name) {
  TwoDigests t;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("read failed: ") + std::strerror(errno), Location{name});
    }
    t.Update(buf.data(), static_cast<size_t>(n));
  }
  return t.Final();
}

}  // namespace cordon
