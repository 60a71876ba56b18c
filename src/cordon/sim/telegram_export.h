// Writes one chat as a Telegram Desktop single-chat export (result.json), streaming, in the
// shape tdesktop's export_output_json.cpp produces (field guide section 3): dates in the
// exporter's local time without a zone, date_unixtime as a string, `text` a string or a mixed
// array, `text_entities` always an array, forwards by name only, photos and videos as relative
// paths with the file beside the export.
//
// Not thread-safe; one writer per chat.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/util/status.h"

namespace cordon::sim {

struct ExportMessage {
  int64_t id = 0;
  TimeMs time = 0;
  std::string from;            // display name
  std::string from_id;         // "channel123" or "user123"
  std::string forwarded_from;  // source chat's name, empty when not a forward
  std::string via_bot;         // "@name"
  int64_t reply_to = 0;
  // A photo: its bytes are copied beside the export as photos/photo_<n>@<date>.jpg.
  const std::string* photo_bytes = nullptr;
  int width = 0;
  int height = 0;
  // A video: with bytes, copied beside the export as video_files/video_<n>@<date>.mp4;
  // without, "not included" as tdesktop writes a file it did not download.
  bool video = false;
  const std::string* video_bytes = nullptr;
  int duration = 0;
  std::string text;
  std::vector<std::string> links;  // URLs inside `text`, in order
};

class TelegramExportWriter {
 public:
  ~TelegramExportWriter();
  TelegramExportWriter(const TelegramExportWriter&) = delete;
  TelegramExportWriter& operator=(const TelegramExportWriter&) = delete;

  // Creates dir/result.json. `type` is public_channel, private_channel, public_supergroup or
  // private_supergroup; `utc_offset_min` is the exporting machine's zone.
  static StatusOr<std::unique_ptr<TelegramExportWriter>> Open(const std::string& dir,
                                                              std::string_view name,
                                                              std::string_view type, uint64_t id,
                                                              int utc_offset_min);

  // The service message a new channel starts with.
  Status AddCreate(int64_t id, TimeMs time, std::string_view actor, std::string_view actor_id,
                   std::string_view title);
  Status Add(const ExportMessage& m);
  Status Close();
  int64_t messages() const { return messages_; }

 private:
  TelegramExportWriter() = default;
  Status Write(const std::string& s);
  void Dates(std::string& out, TimeMs time) const;

  std::string dir_;
  std::FILE* f_ = nullptr;
  int offset_min_ = 0;
  int64_t messages_ = 0;
  int64_t photos_ = 0;
  int64_t videos_ = 0;
};

}  // namespace cordon::sim
