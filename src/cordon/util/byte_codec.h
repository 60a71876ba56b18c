// A compact binary encoding for state that cordon saves and reads back itself (the
// regeneration detector's, enforce/regen.h): unsigned LEB128 varints, zigzag for signed
// integers, doubles as their 8 bytes, strings and lists as a length then their items.
//
// ByteReader never reads past its input: a read that would sets failed() and returns zero or
// empty, so a truncated or corrupt buffer is a value to check, not a crash. Count() also
// refuses a length larger than the bytes left (every item takes at least one), so a corrupt
// length cannot ask for a huge allocation.
//
// Thread safety: one thread at a time. Ownership: a ByteReader borrows its input.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cordon {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void U64(uint64_t v) {
    char b[10];  // one append a number: an append a byte was most of saving a large state
    size_t n = 0;
    while (v >= 0x80) {
      b[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    b[n++] = static_cast<char>(v);
    out_.append(b, n);
  }
  void I64(int64_t v) {
    U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));  // zigzag
  }
  void Bool(bool v) { out_ += v ? '\1' : '\0'; }
  void Fixed64(uint64_t v) {
    char b[8];
    for (int k = 0; k < 8; ++k) b[k] = static_cast<char>((v >> (8 * k)) & 0xff);
    out_.append(b, 8);
  }
  void Double(double v) { Fixed64(std::bit_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool done() const { return at_ == in_.size(); }
  size_t remaining() const { return in_.size() - at_; }

  uint64_t U64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= in_.size()) return Fail();
      const auto b = static_cast<unsigned char>(in_[at_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();  // more than ten bytes
  }
  int64_t I64() {
    const uint64_t u = U64();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  bool Bool() {
    if (at_ >= in_.size()) return Fail() != 0;
    const char c = in_[at_++];
    if (c != '\0' && c != '\1') Fail();
    return c == '\1';
  }
  uint64_t Fixed64() {
    if (remaining() < 8) return Fail();
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= uint64_t{static_cast<unsigned char>(in_[at_ + k])} << (8 * k);
    at_ += 8;
    return v;
  }
  double Double() { return std::bit_cast<double>(Fixed64()); }
  std::string_view Str() {
    const uint64_t n = U64();
    if (failed_ || n > remaining()) {
      Fail();
      return {};
    }
    const std::string_view s = in_.substr(at_, n);
    at_ += n;
    return s;
  }
  // A list's length: refused (0, failed) when larger than the bytes left.
  size_t Count() {
    const uint64_t n = U64();
    if (n > remaining()) return static_cast<size_t>(Fail());
    return static_cast<size_t>(n);
  }
  // Marks the input as unusable (for checks made by the caller).
  uint64_t Fail() {
    failed_ = true;
    at_ = in_.size();
    return 0;
  }

 private:
  std::string_view in_;
  size_t at_ = 0;
  bool failed_ = false;
};

}  // namespace cordon
