// Reads a file line by line in large blocks, for NDJSON importers.
//
// Each line is handed out as a view into an internal buffer that has at least
// kReadPadding readable bytes after the line's end, so simdjson can parse it in place.
// Lines longer than the limit are skipped whole and reported as too long.
// Not thread-safe; one reader per file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/util/status.h"

namespace cordon {

inline constexpr size_t kReadPadding = 64;

struct Line {
  std::string_view text;  // without the trailing newline (and '\r')
  int64_t number = 0;     // 1-based
  int64_t offset = 0;     // byte offset of the line's start
  bool too_long = false;  // text is empty and the line was skipped
};

class LineReader {
 public:
  LineReader() = default;
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Status Open(const std::string& path, size_t max_line_bytes);
  // Fills `line` with the next line; returns false at the end of the file or on a read error
  // (then status() says which).
  bool Next(Line& line);
  const Status& status() const { return status_; }
  // Bytes consumed so far, for progress.
  int64_t consumed() const { return file_offset_ - static_cast<int64_t>(end_ - pos_); }

 private:
  bool Refill();

  std::FILE* f_ = nullptr;
  std::string path_;
  size_t max_line_ = 0;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  int64_t file_offset_ = 0;  // bytes read from the file so far
  int64_t line_no_ = 0;
  bool eof_ = false;
  Status status_;
};

// Reads a whole file into `out`, refusing files over max_bytes. `out` gets kReadPadding
// zero bytes of extra capacity after its size.
Status ReadWholeFile(const std::string& path, size_t max_bytes, std::string& out);

}  // namespace cordon
