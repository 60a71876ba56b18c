#include "cordon/util/line_reader.h"

#include <cerrno>
#include <cstring>

#include "cordon/util/utf8.h"

namespace cordon {
namespace {
constexpr size_t kBlock = 1 << 20;
}

LineReader::~LineReader() {
  if (f_ != nullptr) std::fclose(f_);
}

Status LineReader::Open(const std::string& path, size_t max_line_bytes) {
  path_ = path;
  max_line_ = max_line_bytes;
  f_ = std::fopen(path.c_str(), "rb");
  if (f_ == nullptr) return Status::IoError(std::strerror(errno), Location{path});
  buf_.assign(kBlock + kReadPadding, '\0');
  return Status::Ok();
}

// Moves the unread tail to the front and reads more; grows the buffer up to the line limit.
bool LineReader::Refill() {
  if (eof_) return false;
  size_t tail = end_ - pos_;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, tail);
    pos_ = 0;
    end_ = tail;
  }
  if (buf_.size() - kReadPadding - end_ < kBlock / 2) {
    buf_.resize(buf_.size() + kBlock);
  }
  size_t room = buf_.size() - kReadPadding - end_;
  size_t n = std::fread(buf_.data() + end_, 1, room, f_);
  if (n == 0) {
    if (std::ferror(f_)) status_ = Status::IoError("read failed", Location{path_, 0, file_offset_});
    eof_ = true;
    return false;
  }
  end_ += n;
  file_offset_ += static_cast<int64_t>(n);
  std::memset(buf_.data() + end_, 0, kReadPadding);
  return true;
}

bool LineReader::Next(Line& line) {
  if (f_ == nullptr) return false;
  size_t scanned = 0;  // bytes after pos_ already known to hold no newline
  for (;;) {
    const size_t avail = end_ - pos_;
    const char* start = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start + scanned, '\n', avail - scanned));
    size_t len;
    if (nl != nullptr) {
      len = static_cast<size_t>(nl - start);
    } else if (avail > max_line_) {
      len = avail;  // too long: handled below
    } else if (!eof_) {
      scanned = avail;
      if (!Refill() && !status_.ok()) return false;
      continue;
    } else if (avail == 0) {
      return false;
    } else {
      len = avail;  // the last line has no newline
    }
    line.number = ++line_no_;
    line.offset = file_offset_ - static_cast<int64_t>(avail);
    if (len > max_line_) {
      // Drop the line up to its newline without keeping it.
      line.too_long = true;
      line.text = {};
      for (;;) {
        const char* p =
            static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', end_ - pos_));
        if (p != nullptr) {
          pos_ = static_cast<size_t>(p - buf_.data()) + 1;
          return true;
        }
        pos_ = end_;
        if (!Refill()) return status_.ok();
      }
    }
    line.too_long = false;
    size_t text_len = len;
    if (text_len > 0 && start[text_len - 1] == '\r') --text_len;
    line.text = std::string_view(start, text_len);
    if (line.number == 1) StripUtf8Bom(line.text);  // every importer accepts a leading BOM
    pos_ += len + (nl != nullptr ? 1 : 0);
    return true;
  }
}

Status ReadWholeFile(const std::string& path, size_t max_bytes, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IoError(std::strerror(errno), Location{path});
  std::fseek(f, 0, SEEK_END);
  long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  if (size < 0) {
    std::fclose(f);
    return Status::IoError("cannot size file", Location{path});
  }
  if (static_cast<size_t>(size) > max_bytes) {
    std::fclose(f);
    return Status::ResourceExhausted("file is " + std::to_string(size) +
                                         " bytes, over the limit of " + std::to_string(max_bytes),
                                     Location{path});
  }
  out.reserve(static_cast<size_t>(size) + kReadPadding);
  out.resize(static_cast<size_t>(size));
  size_t n = size > 0 ? std::fread(out.data(), 1, out.size(), f) : 0;
  std::fclose(f);
  if (n != out.size()) return Status::IoError("short read", Location{path});
  return Status::Ok();
}

}  // namespace cordon
