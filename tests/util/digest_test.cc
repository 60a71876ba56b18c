#include "cordon/util/digest.h"

#include <gtest/gtest.h>

namespace cordon {
namespace {

// The test vectors of RFC 1321 and FIPS 180-2.
TEST(Digest, KnownVectors) {
  const Digests abc = DigestBytes("abc");
  EXPECT_EQ(abc.md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(abc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const Digests empty = DigestBytes("");
  EXPECT_EQ(empty.md5, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(empty.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, MissingFileIsAnError) {
  EXPECT_FALSE(DigestFile("/nonexistent/cordon-digest-test").ok());
}

}  // namespace
}  // namespace cordon
