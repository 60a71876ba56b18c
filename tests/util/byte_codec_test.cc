#include "cordon/util/byte_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace cordon {
namespace {

TEST(ByteCodec, WhatIsWrittenReadsBack) {
  std::string buf;
  ByteWriter w(buf);
  const uint64_t us[] = {
      0, 1, 127, 128, 300, uint64_t{1} << 35, std::numeric_limits<uint64_t>::max()};
  const int64_t is[] = {
      0, -1, 1, -64, 64, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  for (uint64_t u : us) w.U64(u);
  for (int64_t i : is) w.I64(i);
  w.Bool(true);
  w.Bool(false);
  w.Fixed64(0x0123456789abcdefull);
  w.Double(-2.5);
  w.Str(std::string("a\0b", 3));
  w.Str("");
  // Varints are short: one byte below 128, ten for the largest.
  EXPECT_EQ(buf.size(),
            1 + 1 + 1 + 2 + 2 + 6 + 10 + (1 + 1 + 1 + 1 + 2 + 10 + 10) + 2 + 8 + 8 + 4 + 1);
  ByteReader r(buf);
  for (uint64_t u : us) EXPECT_EQ(r.U64(), u);
  for (int64_t i : is) EXPECT_EQ(r.I64(), i);
  EXPECT_TRUE(r.Bool());
  EXPECT_FALSE(r.Bool());
  EXPECT_EQ(r.Fixed64(), 0x0123456789abcdefull);
  EXPECT_EQ(r.Double(), -2.5);
  EXPECT_EQ(r.Str(), std::string_view("a\0b", 3));
  EXPECT_EQ(r.Str(), "");
  EXPECT_FALSE(r.failed());
  EXPECT_TRUE(r.done());
}

// A damaged buffer is a value to check: reads past the end, an endless varint, a bool that is
// neither 0 nor 1, a string or list longer than what is left.
TEST(ByteCodec, DamagedInputFailsWithoutReadingPastIt) {
  {
    ByteReader r(std::string_view("\x80\x80", 2));  // a varint cut short
    EXPECT_EQ(r.U64(), 0u);
    EXPECT_TRUE(r.failed());
    EXPECT_TRUE(r.done());
  }
  {
    const std::string eleven(11, '\xff');  // more than ten bytes of varint
    ByteReader r(eleven);
    r.U64();
    EXPECT_TRUE(r.failed());
  }
  {
    ByteReader r("\x02");
    r.Bool();
    EXPECT_TRUE(r.failed());
  }
  {
    ByteReader r(
        "\x05"
        "abc");  // a string of 5 with 3 left
    EXPECT_EQ(r.Str(), "");
    EXPECT_TRUE(r.failed());
  }
  {
    ByteReader r(
        "\x7f"
        "ab");  // a list of 127 items with 2 bytes left
    EXPECT_EQ(r.Count(), 0u);
    EXPECT_TRUE(r.failed());
  }
  {
    ByteReader r("1234567");  // 7 bytes for a fixed 8
    EXPECT_EQ(r.Fixed64(), 0u);
    EXPECT_TRUE(r.failed());
  }
  {
    ByteReader r(
        "\x02"
        "ab");  // a count that fits
    EXPECT_EQ(r.Count(), 2u);
    EXPECT_FALSE(r.failed());
  }
}

}  // namespace
}  // namespace cordon
