#include "cordon/util/status.h"

namespace cordon {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kIoError:
      return "i/o error";
    case StatusCode::kCorrupt:
      return "corrupt";
    case StatusCode::kUnsupported:
      return "unsupported";
    case StatusCode::kResourceExhausted:
      return "over limit";
    case StatusCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string Location::ToString() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
  } else if (offset >= 0) {
    s += "@" + std::to_string(offset);
  }
  return s;
}

Status Status::At(Location w) const {
  Status s = *this;
  if (s.where_.file.empty() && s.where_.line == 0 && s.where_.offset < 0) s.where_ = std::move(w);
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string loc = where_.ToString();
  std::string s;
  if (!loc.empty()) s = loc + ": ";
  s += StatusCodeName(code_);
  s += ": ";
  s += message_;
  return s;
}

}  // namespace cordon
